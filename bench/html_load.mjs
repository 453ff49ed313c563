// bench/html_load.mjs PAGE.html [RUNS]: load time of an exported page in
// Debian's chromium (headless, via playwright-core): from navigation to
// tracecast.ready (data inflated, parsed, player loaded, panels drawn),
// then a seek to the middle answered; and the renderer process's CPU time
// until ready (DevTools Performance.getMetrics ProcessTime, counted in
// thread ticks: what the load costs, whatever the machine's load). Prints
// "ready_ms seek_ms cpu_ms" per run, one line each. Used by
// bench/export_html.sh.
import { launch, offlinePage } from '../tests/e2e/lib_browser.mjs';

const [page_path, runsArg] = process.argv.slice(2);
const runs = +(runsArg || 3);
const browser = await launch();
try {
  for (let i = 0; i < runs; i++) {
    const { page, seen } = await offlinePage(browser);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const t0 = Date.now();
    await page.goto('file://' + page_path, { timeout: 300000 });
    await page.evaluate(() => window.tracecast.ready);
    const t1 = Date.now();
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const cpu = Math.round(1000 * metrics.find((m) => m.name === 'ProcessTime').value);
    await page.evaluate(() => window.tracecast.seek(window.tracecast.duration() / 2));
    const t2 = Date.now();
    if (seen.requests.length || seen.errors.length) {
      console.error('html_load: ' + JSON.stringify(seen));
      process.exit(1);
    }
    const marks = await page.evaluate(() => performance.getEntriesByType('mark')
      .filter((m) => m.name.startsWith('tracecast:'))
      .map((m) => m.name.slice(10) + '=' + Math.round(m.startTime)).join(' '));
    console.log(`${t1 - t0} ${t2 - t1} ${cpu}`);
    console.error(`html_load: phases (ms since navigation): ${marks}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
