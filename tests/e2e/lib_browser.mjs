// Shared helper for the browser tests (tests/e2e/*.mjs): Debian's chromium
// driven by playwright-core and Debian's firefox-esr driven by
// puppeteer-core (WebDriver BiDi), both from the project's node_modules
// (make deps runs npm ci); the tracecast CLI the pages are compared with.
// Named lib_* so tests/run-e2e.sh does not run it.
// Exit codes as for every e2e test: 0 pass, anything else fails.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
const require = createRequire(path.join(ROOT, 'package.json'));

export const CHROMIUM = process.env.TC_CHROMIUM || '/usr/bin/chromium';
export const FIREFOX = process.env.TC_FIREFOX || '/usr/bin/firefox-esr';
export const TRACECAST = process.env.TRACECAST || path.join(ROOT, 'tracecast');

export function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

// launch(): a headless chromium; fails (not skips) when it is missing.
export async function launch() {
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing (make deps installs chromium)`);
  let pw;
  try {
    pw = require('playwright-core');
  } catch (e) {
    fail('playwright-core is missing (make deps runs npm ci): ' + e.message);
  }
  return pw.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

// launchFirefox(): a headless firefox-esr over WebDriver BiDi; fails (not
// skips) when it or puppeteer-core is missing.
export async function launchFirefox() {
  if (!existsSync(FIREFOX)) fail(`${FIREFOX} is missing (make deps installs firefox-esr)`);
  let pp;
  try {
    pp = require('puppeteer-core');
  } catch (e) {
    fail('puppeteer-core is missing (make deps runs npm ci): ' + e.message);
  }
  return pp.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout: 180000, // a loaded machine
    // no first-run pages, updates or telemetry: nothing that would go out
    extraPrefsFirefox: {
      'browser.shell.checkDefaultBrowser': false,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
    },
  });
}

// offlineFirefoxPage(browser): as offlinePage, for puppeteer's firefox: the
// page's every request is intercepted, counted and, unless file:, data: or
// blob:, refused.
export async function offlineFirefoxPage(browser) {
  const page = await browser.newPage();
  const seen = { requests: [], errors: [], dialogs: [] };
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    const u = r.url();
    if (/^(file|data|blob):/.test(u)) {
      r.continue();
    } else {
      seen.requests.push(u);
      r.abort();
    }
  });
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  return { page, seen };
}

// offlinePage(browser): a page that records every network request other
// than file:// and data:/blob: URLs, every console error and every dialog.
export async function offlinePage(browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const seen = { requests: [], errors: [], dialogs: [] };
  page.on('request', (r) => {
    const u = r.url();
    if (!/^(file|data|blob):/.test(u)) seen.requests.push(u);
  });
  await ctx.route(/^(?!file:|data:|blob:)/, (route) => route.abort());
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  return { page, seen };
}

// finish(name, fails, tmp): report the failed checks (exit 1), or remove the
// test's scratch folder and say the test passed.
export function finish(name, fails, tmp) {
  if (fails.length) {
    for (const f of fails) console.error('FAIL: ' + f);
    process.exit(1);
  }
  rmSync(tmp, { recursive: true, force: true });
  console.log(name + ': ok');
}

// The browsers a page is tested in: {name, launch(), open(browser)}, open
// giving {page, seen, close()} (page: playwright's or puppeteer's; both
// have goto and evaluate(fn, arg)).
export const BROWSERS = [
  {
    name: 'chromium', launch,
    async open(b) {
      const r = await offlinePage(b);
      return { ...r, close: () => r.page.context().close() };
    },
  },
  {
    name: 'firefox', launch: launchFirefox,
    async open(b) {
      const r = await offlineFirefoxPage(b);
      return { ...r, close: () => r.page.close() };
    },
  },
];

// tc(...args): run the tracecast under test; mustTc: its stdout, or fail.
export function tc(...args) {
  return spawnSync(TRACECAST, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
}
export function mustTc(...args) {
  const r = tc(...args);
  if (r.status !== 0) fail(`tracecast ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// The eventlet sample's recording (samples/eventlet-wsgi, the first .cast.gz).
export function eventletSample() {
  const dir = path.join(ROOT, 'samples/eventlet-wsgi');
  const f = readdirSync(dir).filter((x) => x.endsWith('.cast.gz')).sort()[0];
  if (!f) fail('no samples/eventlet-wsgi/*.cast.gz');
  return path.join(dir, f);
}

// The syscall rows of `dump --overlay` at t: the panel right of the
// screen's separator, the rows under its " syscalls " title. Returns
// {rows, capacity}.
export function overlayRows(file, t, filter) {
  const W = 1200, H = 30;
  const args = ['dump', file, '--at', String(t), '--overlay', '--size', `${W}x${H}`];
  if (filter) args.push('--filter', filter);
  const lines = mustTc(...args).split('\n').slice(0, H);
  // the separator column: a "│" at the same index on every row of the panel area
  let cols = null;
  for (let r = 0; r < H - 2; r++) {
    const chars = Array.from(lines[r]);
    const here = new Set();
    chars.forEach((c, i) => { if (c === '│') here.add(i); });
    cols = cols === null ? here : new Set([...cols].filter((i) => here.has(i)));
  }
  if (!cols || !cols.size) fail(`${file} at ${t}: no panel separator in dump --overlay`);
  const sep = Math.min(...cols);
  const panel = lines.slice(0, H - 2).map((l) => Array.from(l).slice(sep + 1).join(''));
  const title = panel.findIndex((l) => l.startsWith(' syscalls '));
  if (title < 0) fail(`${file} at ${t}: no syscall panel in dump --overlay`);
  // The terminal panel shows a duration column ("%8s" after the tid) when
  // it is 90 columns or wider; the page shows durations in a column of its
  // own, and syscallRows() gives the row without it: compare without it.
  const noDur = (l) => {
    const m = l.match(/^( *[+-]\d+\.\d{3}) (\S+) +(-|\d+us|\d+\.\dms|\d+\.\d{3}s|\d+s) (.*)$/);
    return m ? `${m[1]} ${m[2].padEnd(6)} ${m[4]}` : l;
  };
  const durOf = (l) => {
    const m = l.match(/^ *[+-]\d+\.\d{3} \S+ +(-|\d+us|\d+\.\dms|\d+\.\d{3}s|\d+s) /);
    return m ? m[1] : null;
  };
  const full = panel.slice(title + 1).filter((l) => l !== '').map((l) => l.replace(/ +$/, ''));
  const rows = full.map(noDur);
  for (const r of rows) if (r.endsWith('…')) fail(`${file}: a row was cut at ${W} columns: ${r}`);
  return { rows, capacity: H - 2 - title - 1, durs: full.map(durOf) };
}

// A duration as the terminal panel prints it ("-", "12us", "250.0ms",
// "1.500s", "12s") in microseconds, with the half-unit it was rounded to:
// {us, tol}; null for "-".
export function overlayDurUs(d) {
  if (d === null || d === '-') return null;
  let m;
  if ((m = /^(\d+)us$/.exec(d))) return { us: +m[1], tol: 1 };
  if ((m = /^(\d+\.\d)ms$/.exec(d))) return { us: +m[1] * 1000, tol: 51 };
  if ((m = /^(\d+\.\d{3})s$/.exec(d))) return { us: +m[1] * 1e6, tol: 501 };
  if ((m = /^(\d+)s$/.exec(d))) return { us: +m[1] * 1e6, tol: 500001 };
  fail(`not a panel duration: ${d}`);
}

// openExport(browser, file, html, ...opts): `tracecast export FILE
// --format html -o HTML` with opts, opened offline in chromium; {page,
// seen} once the page is ready.
export async function openExport(browser, file, html, ...opts) {
  mustTc('export', file, '--format', 'html', ...opts, '-o', html);
  const { page, seen } = await offlinePage(browser);
  await page.goto('file://' + html);
  await page.evaluate(() => window.tracecast.ready);
  return { page, seen };
}

// quiet(seen): the page made no request, logged no error, opened no dialog.
export function quiet(seen) {
  return seen.requests.length === 0 && seen.errors.length === 0 && seen.dialogs.length === 0;
}

// The syscall panel as drawn: list, the rows of the list up to the
// playhead (the rendered ones, oldest first); fly, the rows under "in
// flight at the playhead". Each {t (seconds, from the m:ss.sss shown),
// tid, call, res, dur (text)}.
export function panelDom(page) {
  return page.evaluate(() => {
    const secs = (s) => {
      const m = /^(\d+):(\d+\.\d+)$/.exec(s);
      return m ? +m[1] * 60 + +m[2] : NaN;
    };
    const row = (r) => {
      const q = (c) => { const e = r.querySelector(c); return e ? e.textContent : null; };
      return { t: secs(q('.tc-sys-t')), tid: q('.tc-sys-tid'), call: q('.tc-sys-call'),
        res: q('.tc-sys-res'), dur: q('.tc-sys-dur') };
    };
    return {
      list: [...document.querySelectorAll('.tc-sys-rows .tc-sys-row:not(.tc-future)')].map(row),
      fly: [...document.querySelectorAll('.tc-sys-fly .tc-fly-row')].map(row),
    };
  });
}

// The three times a page is checked at: the second marker (or the only
// one), 40% and 93% of the recording.
export function checkTimes(file) {
  const info = JSON.parse(mustTc('info', '--json', file));
  const ms = info.markers;
  if (!ms.length) fail(`${file}: the recording has no markers`);
  const m = ms[Math.min(1, ms.length - 1)].time;
  return [m, +(info.duration * 0.4).toFixed(6), +(info.duration * 0.93).toFixed(6)];
}

// compareAtTimes(page, name, file, times, filter, check): after
// tracecast.seek(T) at each time, currentTime() is T, screenText() equals
// `tracecast dump --at T` and syscallRows() the rows of `dump --overlay`
// at T, unfiltered and (at the first time only, when given) with filter.
// page is a playwright or a puppeteer page (both evaluate(fn, arg)).
export async function compareAtTimes(page, name, file, times, filter, check) {
  for (const t of times) {
    await page.evaluate((x) => window.tracecast.seek(x), t);
    const got = await page.evaluate(() => ({
      t: tracecast.currentTime(), screen: tracecast.screenText(),
    }));
    check(Math.abs(got.t - t) < 1e-9, `${name}: currentTime() ${got.t} after seek(${t})`);
    const want = mustTc('dump', file, '--at', String(t));
    check(got.screen === want, `${name} at ${t}: screenText() differs from dump --at:\n` +
      `--- page\n${got.screen}--- dump\n${want}`);
    for (const f of [undefined, filter]) {
      if (f === undefined && filter && t !== times[0]) continue;
      const { rows, capacity } = overlayRows(file, t, f);
      const mine = await page.evaluate((o) => tracecast.syscallRows(o), { limit: capacity, filter: f });
      check(JSON.stringify(mine) === JSON.stringify(rows),
        `${name} at ${t} filter ${f}: syscallRows() differs from dump --overlay:\n` +
        `--- page\n${mine.join('\n')}\n--- dump\n${rows.join('\n')}`);
      check(rows.length > 0, `${name} at ${t}: dump shows syscall rows`);
    }
  }
}

// panelAgrees(page, file, T, filter, check, what): the syscall panel drawn
// at the playhead T (panelDom) shows what `dump --at T --overlay
// [--filter F]` shows: each row dump shows "in flight N.NNNs" is a row
// under "in flight" (same thread and call, start and elapsed time to the
// ms), and no other; every other row of dump is a row of the list up to
// the playhead, the newest last (same time to the ms, thread, call and
// result, and the duration dump shows). Returns the pairs compared:
// {fly: [{dom, dump}], list: [{dom, dump}]} (dump: {rel, tid, body, dur}).
export async function panelAgrees(page, file, T, filter, check, what) {
  const near = (a, b) => Math.abs(a - b) <= 0.0011;
  const { rows, durs } = overlayRows(file, T, filter);
  const dom = await panelDom(page);
  const fly = [], done = [], out = { fly: [], list: [] };
  rows.forEach((r, k) => {
    const m = /^ *([+-]\d+\.\d{3}) (\S+) +(.*)$/.exec(r);
    if (!m) return check(false, `${what}: odd dump row: ${r}`);
    const x = { rel: +m[1], tid: m[2], body: m[3], dur: durs[k] };
    (/ in flight \d+\.\d{3}s$/.test(x.body) ? fly : done).push(x);
  });
  fly.sort((a, b) => a.rel - b.rel);
  const got = dom.fly.map((f) => `${f.t.toFixed(3)} ${f.tid} ${f.call} :: ${f.dur}`);
  const exp = fly.map((f) => `${(T + f.rel).toFixed(3)} ${f.tid} ${f.body}`);
  check(dom.fly.length === fly.length, `${what}: ${dom.fly.length} rows in flight drawn, dump ` +
    `--overlay shows ${fly.length}:\n--- page\n${got.join('\n')}\n--- dump\n${exp.join('\n')}`);
  for (const f of fly) {
    const d = dom.fly.find((x) => x.tid === f.tid && f.body.startsWith(x.call + ' in flight') &&
      near(x.t, T + f.rel));
    const el = d && /^(\d+\.\d{3}) s of /.exec(d.dur);
    if (!d || !el || !f.body.endsWith(` in flight ${el[1]}s`)) {
      check(false, `${what}: dump's call in flight "${(T + f.rel).toFixed(3)} ${f.tid} ${f.body}" is ` +
        `not drawn in flight so:\n--- page\n${got.join('\n')}`);
      continue;
    }
    out.fly.push({ dom: d, dump: f });
  }
  // the list: its rows up to the playhead (an unfinished half never
  // resumed is drawn there as "unfinished", and in flight)
  const list = dom.list.filter((r) => r.res !== 'unfinished');
  for (const r of dom.list.filter((x) => x.res === 'unfinished'))
    check(dom.fly.some((f) => f.tid === r.tid && f.call === r.call), `${what}: ${r.call} (unfinished) is not in flight`);
  check(list.length >= Math.min(done.length, 8), `${what}: ${list.length} rows drawn up to the playhead, ` +
    `dump shows ${done.length}`);
  const tail = done.slice(-list.length);
  for (const [k, r] of list.entries()) {
    const w = tail[k];
    const body = r.call + (r.res ? ' ' + r.res : '');
    const pd = r.dur ? +r.dur.replace(/ ms$/, '') * 1000 : null, wd = overlayDurUs(w ? w.dur : null);
    const ok = w && r.tid === w.tid && body === w.body && near(r.t, T + w.rel) &&
      (wd === null ? pd === null : pd !== null && Math.abs(pd - wd.us) <= wd.tol + 1);
    check(ok, `${what}: list row ${k} drawn "${r.t.toFixed(3)} ${r.tid} ${body} [${r.dur}]", dump: ` +
      (w ? `"${(T + w.rel).toFixed(3)} ${w.tid} ${w.body} [${w.dur}]"` : 'none'));
    if (ok) out.list.push({ dom: r, dump: w });
  }
  return out;
}
