// The CPU/RSS strip of tracecast export --format html, in Debian's
// chromium from file://: after tracecast.seek(T), each process's row
// (tracecast.procRows(), and the text the page draws) shows the latest
// "proc" sample of that process at or before T in the recording, read
// from the .cast itself: its cpu (as percent, the exporter's 3 digits),
// its rss_kb, and '-' before its first sample. Times: before any sample,
// exactly at a sample, between samples, after a process's last sample; in
// the whole export and in a page cut with --from (the sample before the
// cut still holds at its start).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launch, finish, openExport, quiet } from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-strip.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

// The proc samples of a .cast: [{t, pid, comm, cpu, rss_kb}], file order.
function procSamples(file) {
  const out = [];
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    const [t, code, data] = JSON.parse(line);
    if (code !== 'p') continue;
    const j = JSON.parse(data);
    if (j.src !== 'proc') continue;
    for (const p of j.procs) out.push({ t, pid: p.pid, comm: p.comm, cpu: p.cpu, rss_kb: p.rss_kb });
  }
  return out;
}

// What the strip should show for pid at T: the latest sample at or before T.
function want(samples, pid, T) {
  let w = null;
  for (const s of samples) if (s.pid === pid && s.t <= T) w = s;
  if (!w) return { cpu: null, rss_kb: null, text: '-' };
  const cpu = Number((w.cpu * 100).toPrecision(3)); // the exporter's %.3g
  return { cpu, rss_kb: w.rss_kb, text: `cpu ${cpu.toFixed(0)}%  rss ${(w.rss_kb / 1024).toFixed(1)} MB` };
}

const cases = [
  // samples at 0.05 .. 0.65; pid 202 from 0.35; pid 201 last at 0.55
  { file: 'tests/fixtures/report/html_panels.cast', opts: [], times: [0.02, 0.05, 0.3, 0.45, 0.62, 0.78] },
  { file: 'tests/fixtures/report/html_panels.cast', opts: ['--from', '0.3'], times: [0.3, 0.34, 0.35, 0.5] },
  { file: 'tests/fixtures/export/markers_resize.cast', opts: [], times: [0.3, 0.301, 0.5, 0.95] },
];

const browser = await launch();
try {
  for (const [n, c] of cases.entries()) {
    const file = path.join(ROOT, c.file);
    const name = `${path.basename(file)} ${c.opts.join(' ')}`.trim();
    const samples = procSamples(file);
    const pids = [...new Set(samples.map((s) => s.pid))];
    check(pids.length >= 2 && pids.length <= 8, `${name}: the fixture has ${pids.length} processes`);
    const { page, seen } = await openExport(browser, file, path.join(tmp, `p${n}.html`), ...c.opts);
    for (const T of c.times) {
      await page.evaluate((t) => tracecast.seek(t), T);
      const rows = await page.evaluate(() => tracecast.procRows());
      const drawn = await page.evaluate(() => [...document.querySelectorAll('.tc-proc')].map((r) => ({
        pid: r.querySelector('.tc-proc-pid').textContent, text: r.querySelector('.tc-proc-val').textContent,
      })));
      check(JSON.stringify(rows.map((r) => r.pid).sort()) === JSON.stringify(pids.slice().sort()),
        `${name} at ${T}: the strip shows pids ${rows.map((r) => r.pid)}, the recording has ${pids}`);
      check(JSON.stringify(drawn) === JSON.stringify(rows.map((r) => ({ pid: String(r.pid), text: r.text }))),
        `${name} at ${T}: the rows drawn ${JSON.stringify(drawn)} differ from procRows()`);
      for (const r of rows) {
        const w = want(samples, r.pid, T);
        check(r.cpu === w.cpu && r.rss_kb === w.rss_kb && r.text === w.text,
          `${name} at ${T}: pid ${r.pid} shows cpu ${r.cpu} rss_kb ${r.rss_kb} "${r.text}", ` +
          `the latest sample at or before ${T}: cpu ${w.cpu} rss_kb ${w.rss_kb} "${w.text}"`);
        const comm = samples.find((s) => s.pid === r.pid).comm;
        check(r.comm === comm, `${name}: pid ${r.pid} named ${r.comm}, want ${comm}`);
      }
    }
    check(quiet(seen), `${name}: ${JSON.stringify(seen)}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
finish('export_html_strip', fails, tmp);
