// tracecast export --format html, in Debian's chromium from file://:
// the eventlet sample and a fixture with markers, a resize and a failed
// syscall (recorded with "s_time": "end"). For each: no network request,
// no console error; the page is at most 1.4 x the .cast.gz plus the fixed
// viewer; after tracecast.seek(T) at three times (one a marker),
// screenText() equals `tracecast dump --at T` and syscallRows() equals the
// syscall rows `tracecast dump --overlay` shows at T (with and without a
// filter). Also the options: --from/--to, --between-markers, errors.
import { mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, launch, offlinePage, finish, tc, mustTc, eventletSample, checkTimes, compareAtTimes,
} from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

function markersOf(file) {
  return JSON.parse(mustTc('info', '--json', file)).markers;
}

const fixture = path.join(ROOT, 'tests/fixtures/export/markers_resize.cast');
const sample = eventletSample();

// the fixed viewer: the page of a recording holding one event
const tiny = path.join(tmp, 'tiny.cast');
writeFileSync(tiny, '{"version":2,"width":80,"height":24}\n[0.1,"o","x"]\n');
mustTc('export', tiny, '--format', 'html', '-o', path.join(tmp, 'tiny.html'));
const viewerBytes = statSync(path.join(tmp, 'tiny.html')).size;

const fixtureGz = path.join(tmp, 'fixture.cast.gz');
mustTc('convert', fixture, fixtureGz);

const cases = [
  { name: 'eventlet', file: sample, gz: sample },
  { name: 'fixture', file: fixture, gz: fixtureGz, filter: 'write|ENOENT' },
];

let ex0 = null; // the first export's result
const browser = await launch();
try {
  for (const c of cases) {
    const html = path.join(tmp, c.name + '.html');
    const ex = tc('export', c.file, '--format', 'html', '-o', html);
    if (!ex0) ex0 = ex;
    check(ex.status === 0, `${c.name}: export exit ${ex.status}: ${ex.stderr}`);
    const size = statSync(html).size, gz = statSync(c.gz).size;
    check(size <= 1.4 * gz + viewerBytes,
      `${c.name}: page ${size} B > 1.4 x ${gz} B (.cast.gz) + ${viewerBytes} B (viewer)`);
    console.log(`${c.name}: page ${size} B = viewer ${viewerBytes} B + ${size - viewerBytes} B ` +
      `(${((size - viewerBytes) / gz).toFixed(2)} x the .cast.gz, ${gz} B)`);

    const { page, seen } = await offlinePage(browser);
    await page.goto('file://' + html);
    await page.evaluate(() => window.tracecast.ready);
    const ms = markersOf(c.file);
    const dur = JSON.parse(mustTc('info', '--json', c.file)).duration;
    await compareAtTimes(page, c.name, c.file, checkTimes(c.file), c.filter, check);
    // the panel shows the failed call marked, the player shows the markers
    const dom = await page.evaluate(() => ({
      errs: [...document.querySelectorAll('.tc-sys-row.tc-err .tc-sys-call')].map((e) => e.textContent),
      markers: [...document.querySelectorAll('.tc-marker-label')].map((e) => e.textContent),
      apMarkers: document.querySelectorAll('.ap-marker').length,
    }));
    check(dom.markers.join('|') === ms.map((x) => x.label).join('|'), `${c.name}: marker list ${dom.markers}`);
    // (the player draws the markers before the end: a marker at the end is not drawn)
    const drawn = ms.filter((x) => x.time < dur).length;
    check(dom.apMarkers === drawn, `${c.name}: ${dom.apMarkers} player markers, want ${drawn}`);
    if (c.name === 'fixture')
      check(dom.errs.some((e) => e.startsWith('openat(AT_FDCWD, "/etc/app.conf"')),
        `fixture: the failed openat is not marked: ${dom.errs}`);
    check(seen.requests.length === 0, `${c.name}: network requests ${seen.requests}`);
    check(seen.errors.length === 0, `${c.name}: console errors ${seen.errors}`);
    check(seen.dialogs.length === 0, `${c.name}: dialogs ${seen.dialogs}`);
    await page.context().close();
  }

  // --between-markers and --from/--to cut what goes in; the screen at the
  // start of the cut is the recording's (the output before it replayed)
  const cut = path.join(tmp, 'cut.html');
  mustTc('export', fixture, '--format', 'html', '--between-markers', 'resize', 'exit 0 pid 412', '-o', cut);
  {
    const { page, seen } = await offlinePage(browser);
    await page.goto('file://' + cut);
    await page.evaluate(() => window.tracecast.ready);
    await page.evaluate(() => window.tracecast.seek(1.1));
    const scr = await page.evaluate(() => tracecast.screenText());
    check(scr === mustTc('dump', fixture, '--at', '1.1'), `cut: screen at 1.1 differs:\n${scr}`);
    const rows = await page.evaluate(() => tracecast.syscallRows({ limit: 100 }));
    check(rows.length === 3 && rows[0].includes('read(0, "q') && rows[1].includes('ECONNREFUSED'),
      `cut: rows ${JSON.stringify(rows)}`);
    check(seen.requests.length === 0 && seen.errors.length === 0, `cut: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
  const r1 = tc('export', fixture, '--format', 'html', '--between-markers', 'nope', 'resize', '-o', path.join(tmp, 'x.html'));
  check(r1.status === 1 && r1.stderr.includes("marker 'nope' not found"), `missing marker: ${r1.status} ${r1.stderr}`);
  // edge inputs: a header and one event, a header alone, asciicast v3
  const empty = path.join(tmp, 'empty.cast');
  writeFileSync(empty, '{"version":2,"width":80,"height":24}\n');
  const v3 = path.join(tmp, 'v3.cast');
  mustTc('convert', '-f', 'v3', fixture, v3);
  for (const f of [tiny, empty, v3]) {
    const out = f.replace(/\.cast$/, '-edge.html');
    mustTc('export', f, '--format', 'html', '-o', out);
    const { page, seen } = await offlinePage(browser);
    await page.goto('file://' + out);
    await page.evaluate(() => window.tracecast.ready);
    await page.evaluate(() => window.tracecast.seek(0.95));
    if (f === v3) {
      const scr = await page.evaluate(() => tracecast.screenText());
      check(scr === mustTc('dump', v3, '--at', '0.95'), `v3: screen at 0.95 differs:\n${scr}`);
    }
    check(seen.requests.length === 0 && seen.errors.length === 0 && seen.dialogs.length === 0,
      `${path.basename(f)}: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
  // above EXPORT_HTML_WARN_BYTES the export warns and says how to cut
  {
    const big = path.join(tmp, 'big.cast');
    const { randomBytes } = await import('node:crypto');
    const lines = ['{"version":2,"width":80,"height":24}'];
    for (let i = 0; i < 1500; i++) lines.push(JSON.stringify([i * 0.01, 'o', randomBytes(7000).toString('base64') + '\r\n']));
    writeFileSync(big, lines.join('\n') + '\n');
    const r = tc('export', big, '--format', 'html', '-o', path.join(tmp, 'big.html'));
    check(r.status === 0 && /warning: the page is \d+ MB; browsers get slow above 10 MB/.test(r.stderr) &&
      r.stderr.includes('--from T --to T or --between-markers A B'), `no size warning: ${r.stderr}`);
    check(!ex0.stderr.includes('warning'), `the eventlet export warned: ${ex0.stderr}`);
  }
  // a failed export leaves an existing OUT as it was, and no temporary file
  const keep = path.join(tmp, 'keep.html');
  writeFileSync(keep, 'old');
  const r3 = tc('export', path.join(tmp, 'missing.cast'), '--format', 'html', '-o', keep);
  check(r3.status === 1 && readFileSync(keep, 'utf8') === 'old' &&
    !readdirSync(tmp).some((f) => f.startsWith('keep.html.tmp')), `failed export touched OUT: ${r3.stderr}`);
  const r2 = tc('export', fixture, '--format', 'html', '--from', '2', '--to', '1');
  check(r2.status === 2, `--to before --from: exit ${r2.status}`);
  const small = path.join(tmp, 'small.html');
  mustTc('export', fixture, '--format', 'html', '--from', '0.5', '--to', '0.7', '-o', small);
  check(statSync(small).size < statSync(path.join(tmp, 'fixture.html')).size, '--from/--to made it no smaller');
} finally {
  await browser.close();
}
finish('export_html', fails, tmp);
