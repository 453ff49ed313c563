// The stats table of tracecast export --format html, in Debian's chromium
// from file://: tracecast.statsRows() (and the table the page draws)
// equals `tracecast stats --json FILE` for the same range: the whole
// export (counted by the exporter), a --from/--to window and a window
// between two markers (counted by the page), sorted by time and by calls;
// also in pages cut with --between-markers and --from/--to. Calls,
// errors, usecs and order exactly; seconds and percent within 1 us /
// rounding of the CLI's 10 digits.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launch, offlinePage, finish, mustTc, eventletSample } from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-stats.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };
const cliRows = (file, ...opts) => JSON.parse(mustTc('stats', '--json', file, ...opts)).syscalls;

// rows equal: same syscalls in the same order, counts exact, times close
function same(what, page, cli) {
  const diff = [];
  if (page.length !== cli.length) diff.push(`${page.length} rows, want ${cli.length}`);
  for (let i = 0; i < Math.min(page.length, cli.length); i++) {
    const p = page[i], c = cli[i];
    for (const k of ['syscall', 'calls', 'errors', 'usecs_per_call', 'max_usecs'])
      if (p[k] !== c[k]) diff.push(`row ${i} ${k}: ${p[k]}, want ${c[k]}`);
    if (Math.abs(p.seconds - c.seconds) > 1e-6) diff.push(`row ${i} seconds ${p.seconds}, want ${c.seconds}`);
    if (Math.abs(p.percent - c.percent) > 1e-6 * Math.max(1, c.percent))
      diff.push(`row ${i} percent ${p.percent}, want ${c.percent}`);
  }
  check(diff.length === 0, `${what}: statsRows() differs from tracecast stats --json:\n  ` +
    diff.slice(0, 10).join('\n  '));
  check(cli.length > 0, `${what}: tracecast stats shows rows`);
}

const fixture = path.join(ROOT, 'tests/fixtures/export/markers_resize.cast');
const sample = eventletSample();

async function open(browser, html) {
  const { page, seen } = await offlinePage(browser);
  await page.goto('file://' + html);
  await page.evaluate(() => window.tracecast.ready);
  return { page, seen };
}
const rowsOf = (page, o) => page.evaluate((x) => tracecast.statsRows(x), o);

// odd lines: a fraction of 10 digits, a duration past 100 days, none, a
// call resumed, one that never returned, ERESTARTSYS, a signal
const odd = path.join(tmp, 'odd.cast');
writeFileSync(odd, [
  { version: 2, width: 80, height: 24, tracecast: { version: 1, start_unix_ns: 1, clock: 'monotonic', s_time: 'end' } },
  [0.1, 's', '7 read(0, "x", 1) = 1 <0.0000123456789>'],
  [0.2, 's', '7 nanosleep({tv_sec=10000000, tv_nsec=0}, NULL) = 0 <10000000.000000001>  '],
  [0.3, 's', '7 read(0, "<1.5>", 5) = 5'],
  [0.4, 's', '8 wait4(-1,  <unfinished ...>'],
  [0.5, 's', '7 --- SIGCHLD {si_signo=SIGCHLD} ---'],
  [0.6, 's', '8 <... wait4 resumed>NULL, 0, NULL) = ? ERESTARTSYS (To be restarted) <0.200000>'],
  [0.7, 's', '7 exit_group(0) = ?'],
  [0.8, 's', '7 read(0, "", 1) = -1 EIO (Input/output error) <0.000001>'],
  [0.85, 's', '7 read(0, "", 1) = 0 12.5>'],
].map((x) => JSON.stringify(x)).join('\n') + '\n');

const browser = await launch();
try {
  for (const file of [sample, fixture]) {
    const name = path.basename(file);
    const html = path.join(tmp, name + '.html');
    mustTc('export', file, '--format', 'html', '-o', html);
    const { page, seen } = await open(browser, html);
    const info = JSON.parse(mustTc('info', '--json', file));
    const ms = info.markers;
    check(ms.length >= 2, `${name}: two markers at least`);
    // the whole export: the exporter's count, and the page's own
    same(`${name} all`, await rowsOf(page, { window: 'all' }), cliRows(file));
    same(`${name} all, the page's count`, await rowsOf(page, { from: 0 }), cliRows(file));
    same(`${name} all --sort calls`, await rowsOf(page, { window: 'all', sort: 'calls' }),
      cliRows(file, '--sort', 'calls'));
    // a window in seconds (times in the file are whole microseconds)
    const from = +(info.duration * 0.2).toFixed(6), to = +(info.duration * 0.7).toFixed(6);
    same(`${name} ${from}..${to}`, await rowsOf(page, { from, to }),
      cliRows(file, '--from', String(from), '--to', String(to)));
    // between two markers (the first and the last label: first A, first B after it)
    const A = ms[0].label, B = ms[ms.length - 1].label;
    same(`${name} between ${A} and ${B}`, await rowsOf(page, { markers: [A, B] }),
      cliRows(file, '--between-markers', A, B));
    // the table on the page: the whole export by default, then the markers'
    // window chosen in its own control, sorted by calls with a click
    const table = () => page.evaluate(() => [...document.querySelectorAll('.tc-stats-table tbody tr')]
      .map((tr) => [...tr.children].map((td) => td.textContent)));
    const want = (rows) => rows.map((r) => [r.percent.toFixed(2), r.seconds.toFixed(6),
      String(r.usecs_per_call), String(r.max_usecs), String(r.calls), r.errors ? String(r.errors) : '',
      r.syscall]);
    await page.evaluate(() => tracecast.seek(0.5));
    check(JSON.stringify(await table()) === JSON.stringify(want(await rowsOf(page))),
      `${name}: the drawn table differs from statsRows()`);
    check(JSON.stringify(await rowsOf(page)) === JSON.stringify(await rowsOf(page, { window: 'all' })),
      `${name}: the table does not show the whole export by default`);
    const mb = ms.findIndex((m, i) => i > 0 && m.label === B);
    await page.evaluate((b) => {
      const box = document.querySelector('.tc-stats');
      const set = (sel, v) => {
        const e = box.querySelector(sel);
        e.value = v;
        e.dispatchEvent(new Event('change'));
      };
      set('.tc-win-mode', 'marks');
      set('.tc-win-a', '0');
      set('.tc-win-b', String(b));
      [...box.querySelectorAll('th')].find((th) => th.textContent === 'calls').click();
    }, mb);
    const byMarks = cliRows(file, '--between-markers', A, B, '--sort', 'calls');
    same(`${name} the table's marker window`, await rowsOf(page), byMarks);
    check(JSON.stringify(await table()) === JSON.stringify(want(await rowsOf(page))),
      `${name}: the drawn table (markers, by calls) differs from statsRows()`);
    check(seen.requests.length === 0 && seen.errors.length === 0 && seen.dialogs.length === 0,
      `${name}: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
  {
    const html = path.join(tmp, 'odd.html');
    mustTc('export', odd, '--format', 'html', '-o', html);
    const { page, seen } = await open(browser, html);
    same('odd lines', await rowsOf(page, { window: 'all' }), cliRows(odd));
    same('odd lines 0.15..0.65', await rowsOf(page, { from: 0.15, to: 0.65 }),
      cliRows(odd, '--from', '0.15', '--to', '0.65'));
    check(seen.errors.length === 0, `odd: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
  // pages cut at export: their whole table is `stats` with the same options
  const cuts = [['--between-markers', 'resize', 'exit 0 pid 412'], ['--from', '0.3', '--to', '0.8']];
  for (const [i, cut] of cuts.entries()) {
    const html = path.join(tmp, `cut${i}.html`);
    mustTc('export', fixture, '--format', 'html', ...cut, '-o', html);
    const { page, seen } = await open(browser, html);
    same(`cut ${cut.join(' ')}`, await rowsOf(page, { window: 'all' }), cliRows(fixture, ...cut));
    check(seen.requests.length === 0 && seen.errors.length === 0, `cut: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
finish('export_html_stats', fails, tmp);
