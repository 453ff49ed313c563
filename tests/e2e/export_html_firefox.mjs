// tracecast export --format html in Firefox: Debian's firefox-esr, headless,
// driven by puppeteer-core over WebDriver BiDi (no browser download). The
// eventlet sample's page, opened from file://: every request is
// intercepted and counted (none may leave: only file:, data: and blob:
// URLs load), no console error, no page error, no dialog; tracecast.ready
// resolves; after tracecast.seek(T) at three times (one a marker),
// screenText() equals `tracecast dump --at T` and syscallRows() the rows
// of `tracecast dump --overlay` at T, as tests/e2e/export_html.mjs checks
// in chromium (the same code: lib_browser.mjs). Fails, never skips, when
// firefox-esr or puppeteer-core is missing (make deps installs both).
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  launchFirefox, offlineFirefoxPage, finish, mustTc, eventletSample, checkTimes, compareAtTimes,
} from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-firefox.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

const sample = eventletSample();
const html = path.join(tmp, 'eventlet.html');
mustTc('export', sample, '--format', 'html', '-o', html);

const browser = await launchFirefox();
try {
  const version = await browser.version();
  check(/firefox/i.test(version), `the browser is ${version}, not firefox`);
  const { page, seen } = await offlineFirefoxPage(browser);
  page.setDefaultTimeout(120000); // a loaded machine
  await page.goto('file://' + html, { waitUntil: 'load' });
  check(await page.evaluate(() => window.tracecast.ready) === true, 'tracecast.ready did not resolve to true');
  await compareAtTimes(page, 'firefox eventlet', sample, checkTimes(sample), 'SIGINT|clone|ENOENT', check);
  // the stats table is there and counts as in chromium
  const rows = await page.evaluate(() => tracecast.statsRows({ window: 'all' }));
  const cli = JSON.parse(mustTc('stats', '--json', sample)).syscalls;
  check(JSON.stringify(rows.map((r) => [r.syscall, r.calls, r.errors])) ===
    JSON.stringify(cli.map((r) => [r.syscall, r.calls, r.errors])), 'statsRows() differs from stats --json');
  check(seen.requests.length === 0, `network requests: ${seen.requests}`);
  check(seen.errors.length === 0, `console/page errors: ${seen.errors}`);
  check(seen.dialogs.length === 0, `dialogs: ${seen.dialogs}`);
  console.log(`${version}: ${seen.requests.length} requests, ${seen.errors.length} errors`);
  await page.close();
  // the counter is not blind: a request a page does make is seen and refused
  const hits = [];
  const srv = http.createServer((q, s) => { hits.push(q.url); s.end('x'); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const probe = await offlineFirefoxPage(browser);
    const url = `http://127.0.0.1:${srv.address().port}/probe`;
    await probe.page.goto(url).catch(() => {});
    check(probe.seen.requests.includes(url) && hits.length === 0,
      `the request counter missed ${url} (seen ${probe.seen.requests}, server hits ${hits})`);
    await probe.page.close();
  } finally {
    srv.close();
  }
} finally {
  await browser.close();
}
finish('export_html_firefox', fails, tmp);
