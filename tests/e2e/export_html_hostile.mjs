// A hostile recording exported to HTML: its output, syscall lines, marker
// labels, title, command, process names and stack frames hold
// `</script><script>alert(1)</script>`, `<img src=x onerror=alert(2)>` and
// `javascript:` URLs. From file://, in chromium and in firefox-esr: no
// dialog, no console error, no request, no element made from them; the
// DOM holds them as literal text.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BROWSERS, finish, mustTc } from './lib_browser.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'tracecast-html-hostile.'));
const fails = [];
const check = (ok, msg) => { if (!ok) fails.push(msg); };

const P1 = '</script><script>alert(1)</script>';
const P2 = '<img src=x onerror=alert(2)>';
const P3 = 'javascript:alert(3)';
const P4 = '<a href="javascript:alert(4)">click</a>';
const esc = (s) => JSON.stringify(s).slice(1, -1); // inside a C string, as strace prints
const hdr = {
  version: 2, width: 120, height: 10, title: `T ${P1} ${P2}`, command: `C ${P3} ${P4}`,
  tracecast: { version: 1, start_unix_ns: 1, clock: 'monotonic' },
};
const ev = [
  [0.1, 'o', `out ${P1}\r\n`],
  [0.2, 'o', `img ${P2}\r\n\x1b]0;${P1}\x07\x1b]8;;${P3}\x1b\\link ${P3}\x1b]8;;\x1b\\\r\n`],
  [0.3, 'm', `M ${P1}`],
  [0.35, 's', `77 openat(AT_FDCWD, "${esc(P2)}", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>`],
  [0.36, 's', `77 ${P1}${P2}(0, "x") = -1 ENOENT (No such file or directory) <0.000010>`],
  [0.37, 's', `77 close(3) = -1 E${P2} (${P1}) <0.000010>`],
  [0.4, 's', `77 write(1, "${esc(P1)}", 35) = 35 <0.000010>`],
  [0.45, 'p', JSON.stringify({ src: 'proc', procs: [{ pid: 77, comm: P2.slice(0, 15), cpu: 0.5, rss_kb: 100 }] })],
  [0.5, 'p', JSON.stringify({ src: 'py', pid: 77, tid: 77, stack: `mod:${P1};mod:${P2}` })],
  [0.6, 'm', `N ${P2} ${P3}`],
  [0.7, 'o', `${P4}\r\n`],
  [0.8, 'x', '0'],
];
const cast = path.join(tmp, 'hostile.cast');
writeFileSync(cast, [hdr, ...ev].map((x) => JSON.stringify(x)).join('\n') + '\n');
const html = path.join(tmp, 'hostile.html');
mustTc('export', cast, '--format', 'html', '-o', html);
const src = readFileSync(html, 'utf8');
check(!src.includes(P1) && !src.includes(P2) && !src.includes('<img'),
  'a payload reached the page source as markup');
check(src.includes('<title>T &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</title>'),
  'the title is not escaped in <title>');

for (const B of BROWSERS) {
  const browser = await B.launch();
  const fails0 = fails.length;
  try {
    const { page, seen, close } = await B.open(browser);
    await page.goto('file://' + html);
    await page.evaluate(() => window.tracecast.ready);
    await page.evaluate(() => window.tracecast.seek(0.75));
    const got = await page.evaluate(() => ({
      title: document.title,
      head: document.querySelector('.tc-title').textContent,
      command: document.querySelector('.tc-command').textContent,
      markers: [...document.querySelectorAll('.tc-marker-label')].map((e) => e.textContent),
      screen: tracecast.screenText(),
      rows: tracecast.syscallRows({ limit: 10 }),
      frames: [...document.querySelectorAll('.tc-frame')].map((e) => e.textContent),
      comm: [...document.querySelectorAll('.tc-proc-comm')].map((e) => e.textContent),
      imgs: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      onerror: document.querySelectorAll('[onerror]').length,
      links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      alerted: window.__alerted || 0,
      stats: tracecast.statsRows({ window: 'all' }),
      statsText: document.querySelector('.tc-stats-table').textContent,
    }));
    check(got.title === hdr.title, `document.title ${got.title}`);
    check(got.head === hdr.title, `header title ${got.head}`);
    check(got.command === hdr.command, `command ${got.command}`);
    check(got.markers.join('|') === `M ${P1}|N ${P2} ${P3}`, `markers ${got.markers}`);
    check(got.screen.includes(`out ${P1}`) && got.screen.includes(`img ${P2}`) &&
      got.screen.includes(`link ${P3}`) && got.screen.includes(P4), `screen:\n${got.screen}`);
    check(got.screen === mustTc('dump', cast, '--at', '0.75'), 'screen differs from dump --at');
    check(got.rows.some((r) => r.includes(`openat(AT_FDCWD, "${esc(P2)}"`)) &&
      got.rows.some((r) => r.includes(esc(P1))), `rows ${got.rows}`);
    // the stats table: as tracecast stats counts them (a syscall "name" made
    // of markup is no call; a markup errno is a failed close), as text
    const cli = JSON.parse(mustTc('stats', '--json', cast)).syscalls;
    check(JSON.stringify(got.stats.map((r) => [r.syscall, r.calls, r.errors])) ===
      JSON.stringify(cli.map((r) => [r.syscall, r.calls, r.errors])) && cli.length === 3,
    `stats rows ${JSON.stringify(got.stats)}, want ${JSON.stringify(cli)}`);
    check(got.statsText.includes('close') && !got.statsText.includes('<'), `stats table ${got.statsText}`);
    check(got.frames.includes(`mod:${P1}`) && got.frames.includes(`mod:${P2}`), `frames ${got.frames}`);
    check(got.comm.includes(P2.slice(0, 15)), `comm ${got.comm}`);
    check(got.imgs === 0 && got.onerror === 0, `elements made of the data: ${got.imgs} img, ${got.onerror} onerror`);
    check(got.scripts === 5, `${got.scripts} script elements (want the page's 5)`);
    check(!got.links.some((h) => h && h.startsWith('javascript')), `links ${got.links}`);
    // the syscall panel and the marker buttons hold the text too
    const panel = await page.evaluate(() => document.querySelector('.tc-sys').textContent);
    check(panel.includes(esc(P1)), 'the syscall panel lacks the literal text');
    check(seen.dialogs.length === 0, `dialogs: ${seen.dialogs}`);
    check(seen.errors.length === 0, `console errors: ${seen.errors}`);
    check(seen.requests.length === 0, `requests: ${seen.requests}`);
    await close();
  } finally {
    await browser.close();
  }
  for (let i = fails0; i < fails.length; i++) fails[i] = `${B.name}: ${fails[i]}`;
}
finish('export_html_hostile', fails, tmp);
