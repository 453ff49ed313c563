// The syscall panel's filter of tracecast export --format html, in Debian's
// chromium from file://: a filter typed into the panel's filter box, key
// by key as a user does, selects the rows `tracecast dump --at T --overlay
// --filter F` shows, in the same grammar (docs/usage-play.md, "Syscall
// filters"): pid=/tid= (one or several), then a regular expression over
// the call without its thread id (a resumed call also matches on its
// unfinished half), name=, failed and slow>. At each time the list drawn
// up to the playhead and the calls drawn in flight agree with dump
// (panelAgrees), and tracecast.syscallRows({filter}) equals dump's rows. A
// bad filter (pasted) is marked and leaves the previous one applied;
// clearing the box shows every call again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, launch, finish, openExport, quiet, overlayRows, panelAgrees,
} from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-filter.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

const panels = path.join(ROOT, 'tests/fixtures/report/html_panels.cast');
const resize = path.join(ROOT, 'tests/fixtures/export/markers_resize.cast');

// type f into the filter box as a user does (cleared first)
async function typeFilter(page, f) {
  const box = page.locator('.tc-sys-filter');
  await box.fill('');
  if (f) await box.pressSequentially(f);
}

const cases = [
  // thread 201: the worker's calls, its poll in flight at 0.45
  { file: panels, filter: 'pid=201', times: [0.45, 0.7] },
  { file: panels, filter: 'tid=200,202', times: [0.45, 0.72] },
  // text: a path, and an argument only the unfinished half of wait4 has
  { file: panels, filter: 'openat', times: [0.3, 0.7] },
  { file: panels, filter: 'wait4\\(-1', times: [0.45, 0.7] },
  { file: panels, filter: 'pid=201 \\.(css|html)"', times: [0.7] },
  { file: panels, filter: 'name=openat failed', times: [0.7] },
  { file: panels, filter: 'failed', times: [0.7] },
  { file: panels, filter: 'slow>100ms', times: [0.6, 0.7] },
  { file: panels, filter: 'slow>50ms', times: [0.72] },
  { file: resize, filter: 'pid=413', times: [0.5, 1.05] },
  { file: resize, filter: 'tick [0-9]\\\\n', times: [0.8] },
];

const browser = await launch();
try {
  const pages = new Map();
  for (const file of [panels, resize]) {
    const name = path.basename(file);
    pages.set(file, await openExport(browser, file, path.join(tmp, name + '.html')));
  }
  let rows = 0;
  for (const c of cases) {
    const { page } = pages.get(c.file);
    const name = `${path.basename(c.file)} filter '${c.filter}'`;
    await page.evaluate((t) => tracecast.seek(t), c.times[0]);
    await typeFilter(page, c.filter);
    check(!(await page.locator('.tc-sys-filter.tc-bad').count()), `${name}: the box marks the filter bad`);
    for (const T of c.times) {
      await page.evaluate((t) => tracecast.seek(t), T);
      const got = await panelAgrees(page, c.file, T, c.filter, check, `${name} at ${T}`);
      rows += got.list.length + got.fly.length;
      const want = overlayRows(c.file, T, c.filter).rows;
      const mine = await page.evaluate((f) => tracecast.syscallRows({ limit: 100, filter: f }), c.filter);
      check(JSON.stringify(mine) === JSON.stringify(want), `${name} at ${T}: syscallRows() differs from ` +
        `dump --overlay --filter:\n--- page\n${mine.join('\n')}\n--- dump\n${want.join('\n')}`);
      // the filter selects: fewer rows than without it, and some
      const all = overlayRows(c.file, T).rows;
      check(want.length > 0 && want.length < all.length, `${name} at ${T}: dump shows ${want.length} ` +
        `of ${all.length} rows (the case tests nothing)`);
    }
  }
  console.log(`${rows} rows compared in ${cases.length} filters`);
  // a bad filter: marked, the previous one stays; cleared: every call
  {
    const { page } = pages.get(panels);
    await page.evaluate(() => tracecast.seek(0.7));
    await typeFilter(page, 'pid=201');
    await page.locator('.tc-sys-filter').fill('pid=201 name=Read'); // pasted
    check(await page.locator('.tc-sys-filter.tc-bad').count() === 1, 'pid=201 name=Read: not marked bad');
    await panelAgrees(page, panels, 0.7, 'pid=201', check, 'after a bad filter');
    await typeFilter(page, '');
    check(!(await page.locator('.tc-sys-filter.tc-bad').count()), 'the empty filter is marked bad');
    await panelAgrees(page, panels, 0.7, undefined, check, 'the box cleared');
  }
  for (const [file, { page, seen }] of pages) {
    check(quiet(seen), `${path.basename(file)}: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
finish('export_html_filter', fails, tmp);
