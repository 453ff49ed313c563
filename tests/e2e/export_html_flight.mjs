// Calls in flight in tracecast export --format html, in Debian's chromium
// from file://. The fixture has two calls split by strace ("<unfinished
// ...>" then "<... resumed>": wait4 from 0.3 to 0.65, poll from 0.4 to
// 0.52), one never resumed (read from 0.71) and, its lines stamped at the
// call's end, a nanosleep from 0.68 to 0.74. At times before, inside, at
// and after them, tracecast.syscallRows() equals the rows of `tracecast
// dump --at T --overlay` (compareAtTimes), and the panel as drawn agrees
// with them: each row dump shows "in flight N.NNNs" is a row under "in
// flight at the playhead" (same thread, call, start, elapsed time, and the
// call's whole span: until its resumed half in the recording, "?" when
// there is none), and no other; every other row of dump is a row of the
// list up to the playhead (same time, thread, call and result, and the
// duration dump shows), a resumed call as one complete call.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, launch, finish, openExport, quiet, compareAtTimes, panelAgrees,
} from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-flight.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

const file = path.join(ROOT, 'tests/fixtures/report/html_panels.cast');

// The split calls of the recording: {tid, name, start, end (null: never resumed)}
const split = [];
for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
  if (!line) continue;
  const [t, code, data] = JSON.parse(line);
  if (code !== 's') continue;
  let m;
  if ((m = /^(\d+) (\w+)\(.*<unfinished \.\.\.>$/.exec(data))) split.push({ tid: m[1], name: m[2], start: t, end: null });
  else if ((m = /^(\d+) <\.\.\. (\w+) resumed>/.exec(data)))
    split.find((c) => c.tid === m[1] && c.name === m[2] && c.end === null).end = t;
}
check(split.length === 3 && split.filter((c) => c.end === null).length === 1,
  `the fixture's split calls: ${JSON.stringify(split)}`);

const near = (a, b) => Math.abs(a - b) <= 0.0011; // both shown to the ms

const times = [0.29, 0.3, 0.35, 0.4, 0.45, 0.52, 0.6, 0.65, 0.7, 0.72, 0.75];
const browser = await launch();
try {
  const { page, seen } = await openExport(browser, file, path.join(tmp, 'flight.html'));
  await compareAtTimes(page, 'flight', file, times, undefined, check);
  let nFly = 0, nResumed = 0;
  for (const T of times) {
    await page.evaluate((t) => tracecast.seek(t), T);
    const got = await panelAgrees(page, file, T, undefined, check, `at ${T}`);
    nFly += got.fly.length;
    // a call in flight drawn with its whole span: until its resumed half
    // in the recording, "?" when there is none
    for (const { dom: d, dump: f } of got.fly) {
      const sc = split.find((c) => c.tid === f.tid && near(c.start, T + f.rel) && f.body.startsWith(c.name + '('));
      if (!sc) continue;
      const whole = sc.end === null ? '?' : `${(sc.end - sc.start).toFixed(3)} s`;
      check(d.dur.endsWith(` of ${whole}`), `at ${T}: ${f.body}: drawn as "${d.dur}", its span in the ` +
        `recording ${whole}`);
    }
    // a resumed call: one complete call in the list, with its duration
    for (const { dom: r } of got.list) {
      check(!/^<\.\.\.|resumed>/.test(r.call), `at ${T}: a resumed half drawn as such: ${r.call}`);
      if (split.some((c) => c.end !== null && c.tid === r.tid && near(c.end, r.t))) nResumed++;
    }
  }
  // (the fixture's calls in flight at the times above, and its two resumed
  // calls after their end)
  console.log(`${nFly} rows in flight and ${nResumed} resumed calls compared at ${times.length} times`);
  check(nFly >= 10, `only ${nFly} rows in flight compared`);
  check(nResumed >= 6, `only ${nResumed} resumed calls compared`);
  check(quiet(seen), JSON.stringify(seen));
  await page.context().close();
} finally {
  await browser.close();
}
finish('export_html_flight', fails, tmp);
