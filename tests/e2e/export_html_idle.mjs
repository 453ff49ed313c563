// The idle case of issue 15: a real recording with a 5 s pause, -i 1 and
// --profile samples all through the pause. In the plain web player
// (asciinema-player from node_modules) the stripped file plays about 1 s;
// the unstripped one about 5 s, since the player counts the p events as
// activity. The HTML export feeds the player only terminal events, so its
// page plays within 5% of the stripped file, and does so when played.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, fail, launch, offlinePage, finish } from './lib_browser.mjs';

const T = process.env.TRACECAST || path.join(ROOT, 'tracecast');
const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-idle.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };
function mustTc(...args) {
  const r = spawnSync(T, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
  if (r.status !== 0) fail(`tracecast ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const rec = path.join(tmp, 'idle.cast');
mustTc('rec', '-q', '--headless', '-i', '1', '--profile=proc', rec, '--', 'sh', '-c', 'echo start; sleep 5; echo end');
const nP = readFileSync(rec, 'utf8').split('\n').filter((l) => l.startsWith('[') && l.includes('"p"')).length;
check(nP >= 20, `only ${nP} p events in the pause`);
const stripped = path.join(tmp, 'stripped.cast');
mustTc('convert', '--strip', rec, stripped);
const html = path.join(tmp, 'idle.html');
mustTc('export', rec, '--format', 'html', '-o', html);

// the plain web player: the bundle from node_modules, the cast inlined
const AP = path.join(ROOT, 'node_modules/asciinema-player/dist/bundle');
function plainPage(cast, name) {
  const file = path.join(tmp, name + '.html');
  const text = JSON.stringify(readFileSync(cast, 'utf8')).replace(/</g, '\\u003c');
  writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${AP}/asciinema-player.css"></head><body><div id="p"></div>
<script src="file://${AP}/asciinema-player.min.js"></script>
<script>window.player = AsciinemaPlayer.create({ data: ${text} }, document.getElementById('p'), { preload: true });</script>
</body></html>`);
  return file;
}
async function plainDuration(browser, cast, name) {
  const { page, seen } = await offlinePage(browser);
  await page.goto('file://' + plainPage(cast, name));
  await page.waitForFunction(() => window.player && window.player.getDuration() !== undefined, null, { timeout: 20000 });
  const d = await page.evaluate(() => window.player.getDuration());
  check(seen.errors.length === 0, `${name}: console errors ${seen.errors}`);
  await page.context().close();
  return d;
}

const browser = await launch();
try {
  const dStripped = await plainDuration(browser, stripped, 'stripped');
  const dRaw = await plainDuration(browser, rec, 'raw');
  console.log(`plain web player: stripped ${dStripped.toFixed(3)} s, unstripped ${dRaw.toFixed(3)} s`);
  // (the 5 s pause counts 1 s in the stripped file; all of it with the p events)
  check(dRaw - dStripped > 3.5, `stripped ${dStripped} s, unstripped ${dRaw} s: the pause ` +
    'is cut in both (the web player no longer counts p events?) or in neither');

  // a .cast.gz handed to the web player as is: it does not inflate it
  {
    const gz = path.join(tmp, 'idle.cast.gz');
    mustTc('convert', rec, gz);
    const b64 = readFileSync(gz).toString('base64');
    const file = path.join(tmp, 'gz.html');
    writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${AP}/asciinema-player.css"></head><body><div id="p"></div>
<script src="file://${AP}/asciinema-player.min.js"></script>
<script>const bin = atob('${b64}'); const u = new Uint8Array(bin.length);
for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
window.player = AsciinemaPlayer.create({ data: u.buffer }, document.getElementById('p'), { preload: true });</script>
</body></html>`);
    const { page, seen } = await offlinePage(browser);
    await page.goto('file://' + file);
    await page.waitForSelector('.ap-overlay-error', { timeout: 20000 });
    const d = await page.evaluate(() => window.player.getDuration());
    check(d === undefined, `the web player played a .cast.gz (${d} s): update README.md and docs/FORMAT.md`);
    console.log(`plain web player, .cast.gz as is: error overlay, ${seen.errors.length} console errors`);
    await page.context().close();
  }

  const { page, seen } = await offlinePage(browser);
  await page.goto('file://' + html);
  await page.evaluate(() => window.tracecast.ready);
  const dPage = await page.evaluate(() => tracecast.playerDuration());
  console.log(`export page: ${dPage.toFixed(3)} s`);
  check(Math.abs(dPage - dStripped) <= 0.05 * dStripped,
    `page plays ${dPage} s, stripped file ${dStripped} s (more than 5% apart)`);
  // seeking in recording time across the cut pause lands on dump's screen:
  // before the pause, inside it, exactly at the output after it, after it
  const oTimes = readFileSync(rec, 'utf8').split('\n').filter((l) => l.includes('"o"'))
    .map((l) => JSON.parse(l)[0]);
  const last = oTimes[oTimes.length - 1];
  for (const t of [oTimes[0] + 0.01, 3, last - 0.000001, last, last + 0.002]) {
    await page.evaluate((x) => tracecast.seek(x), t);
    const want = mustTc('dump', rec, '--at', String(t));
    // the player may paint a frame or two after the seek resolves on a
    // loaded machine: wait (bounded) for the screen, then compare
    await page.waitForFunction((w) => tracecast.screenText() === w, want, { timeout: 10000 })
      .catch(() => {});
    const scr = await page.evaluate(() => tracecast.screenText());
    check(scr === want, `screen at ${t} differs from dump --at:\n--- page\n${scr}--- dump\n${want}`);
  }
  // and it plays so: the recording's end (5 s in) is reached in about 1 s
  const end = await page.evaluate(() => tracecast.duration());
  await page.evaluate(() => tracecast.seek(0));
  const t0 = Date.now();
  await page.evaluate(() => tracecast.play());
  await page.waitForFunction((e) => tracecast.currentTime() >= e - 0.01, end, { timeout: 15000, polling: 20 });
  const wall = (Date.now() - t0) / 1000;
  console.log(`played to ${end.toFixed(3)} s of recording in ${wall.toFixed(2)} s`);
  // (the player runs on the wall clock: honoured, it takes about dStripped;
  // not, about dRaw; the bound sits half-way, for a loaded machine)
  check(wall < (dStripped + dRaw) / 2, `playing took ${wall} s of wall time (limit not honoured?)`);
  check(seen.requests.length === 0 && seen.errors.length === 0 && seen.dialogs.length === 0,
    `page: ${JSON.stringify(seen)}`);
  await page.context().close();
} finally {
  await browser.close();
}
finish('export_html_idle', fails, tmp);
