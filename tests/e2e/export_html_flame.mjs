// The flame graph of tracecast export --format html, in Debian's chromium
// from file://: the stacks drawn and their sample counts
// (tracecast.flameStacks()) equal `tracecast export FILE --format folded`
// with the same range (on-CPU samples only, lost ones as "[lost]", as
// folded does by default): the whole export (the graph's "whole
// recording"), the last N seconds before the playhead (its default
// window, = --from T-N --to T) and between two markers chosen in its
// controls (= --between-markers A B: a sample at a marker's time counts by
// its place in the file). The fixture has py and perf samples, idle ones,
// a lost record and samples at the markers' times.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launch, finish, mustTc, openExport, quiet } from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-flame.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

// `export --format folded` as {stack: count}
function folded(file, ...opts) {
  const out = {};
  for (const l of mustTc('export', file, '--format', 'folded', ...opts).split('\n')) {
    if (!l) continue;
    const m = /^(.*) (\d+)$/.exec(l);
    if (!m) fails.push(`folded: odd line ${l}`);
    else out[m[1]] = +m[2];
  }
  return out;
}
const show = (o) => Object.keys(o).sort().map((k) => `  ${k} ${o[k]}`).join('\n');
function same(what, page, cli, maybeEmpty) {
  check(show(page) === show(cli), `${what}: the flame graph differs from export --format folded:\n` +
    `--- page\n${show(page)}\n--- folded\n${show(cli)}`);
  check(maybeEmpty || Object.keys(cli).length > 0, `${what}: folded shows samples`);
}

// set the graph's window control as a user does (the value, a change event)
const setCtl = (page, values) => page.evaluate((v) => {
  const box = document.querySelector('.tc-flame');
  for (const [sel, val] of v) {
    const e = box.querySelector(sel);
    e.value = val;
    e.dispatchEvent(new Event('change'));
  }
}, values);
const stacks = (page) => page.evaluate(() => tracecast.flameStacks());

const panels = path.join(ROOT, 'tests/fixtures/report/html_panels.cast');
const lost = path.join(ROOT, 'tests/fixtures/report/lost.cast');
const resize = path.join(ROOT, 'tests/fixtures/export/markers_resize.cast');

const browser = await launch();
try {
  for (const file of [panels, lost, resize]) {
    const name = path.basename(file);
    const { page, seen } = await openExport(browser, file, path.join(tmp, name + '.html'));
    const ms = JSON.parse(mustTc('info', '--json', file)).markers;
    // the default window: the last 10 s before the playhead (the whole fixture at its end)
    const dur = JSON.parse(mustTc('info', '--json', file)).duration;
    await page.evaluate((t) => tracecast.seek(t), dur);
    same(`${name} the last 10 s at the end`, await stacks(page), folded(file));
    // the last N seconds before T, edges on samples where the fixture has them
    for (const [T, N] of [[0.46, 0.15], [0.5, 0.2], [0.3, 0.2]]) {
      await page.evaluate((t) => tracecast.seek(t), T);
      await setCtl(page, [['.tc-win-mode', 'win'], ['.tc-win-secs', String(N)]]);
      same(`${name} the ${N} s before ${T}`, await stacks(page),
        folded(file, '--from', (T - N).toFixed(6), '--to', String(T)), file !== panels);
    }
    // the whole recording
    await setCtl(page, [['.tc-win-mode', 'all']]);
    same(`${name} the whole recording`, await stacks(page), folded(file));
    // between two markers: each pair of successive ones, then first to last
    const pairs = ms.slice(1).map((m, i) => [i, i + 1]);
    if (ms.length > 2) pairs.push([0, ms.length - 1]);
    for (const [a, b] of pairs) {
      await setCtl(page, [['.tc-win-mode', 'marks'], ['.tc-win-a', String(a)], ['.tc-win-b', String(b)]]);
      // (the page's marker a and the first marker with b's label after it)
      same(`${name} between ${ms[a].label} and ${ms[b].label}`, await stacks(page),
        folded(file, '--between-markers', ms[a].label, ms[b].label), file !== panels);
    }
    check(quiet(seen), `${name}: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
  // a page cut at export: its whole graph is folded with the same options
  for (const cut of [['--between-markers', 'A', 'B'], ['--from', '0.3', '--to', '0.6']]) {
    const { page, seen } = await openExport(browser, panels, path.join(tmp, `cut${cut[1]}.html`), ...cut);
    await page.evaluate(() => tracecast.seek(0.1));
    await setCtl(page, [['.tc-win-mode', 'all']]);
    same(`cut ${cut.join(' ')}`, await stacks(page), folded(panels, ...cut));
    check(quiet(seen), `cut ${cut.join(' ')}: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
finish('export_html_flame', fails, tmp);
