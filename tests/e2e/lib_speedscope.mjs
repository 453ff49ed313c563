// Load exported files into speedscope (the npm package's built page, offline,
// in Debian's chromium via playwright-core) and print, per file, the profile
// names speedscope shows, one JSON line: {"file": F, "names": [...]}.
// Usage: node lib_speedscope.mjs FILE...   (named lib_* so run-e2e skips it;
// tests/e2e/export_formats.py runs it). Exit 1 when a file does not load.
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, fail, launch, offlinePage } from './lib_browser.mjs';

const page_html = path.join(ROOT, 'node_modules/speedscope/dist/release/index.html');
if (!existsSync(page_html)) fail(`${page_html} is missing (make deps runs npm ci)`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tc-speedscope.'));
const browser = await launch();
let code = 0;
try {
  for (const file of process.argv.slice(2)) {
    // what `speedscope FILE` (its CLI) does: a script that hands the file over
    const js = path.join(tmp, path.basename(file) + '.js');
    const b64 = readFileSync(file).toString('base64');
    writeFileSync(js, `speedscope.loadFileFromBase64(${JSON.stringify(path.basename(file))}, ${JSON.stringify(b64)})`);
    const { page, seen } = await offlinePage(browser);
    await page.goto('file://' + page_html + '#localProfilePath=' + js);
    // once loaded, the toolbar shows the view tabs, then the profile's name,
    // with "(i/N)" after it when the file holds N > 1 profiles
    const text = async () => (await page.evaluate(() => document.body.innerText)) || '';
    const current = async () => {
      const t = await text();
      const m = t.match(/Sandwich\n([^\n]*)\n/);
      if (!m) return null;
      const mm = m[1].match(/^(.*?) ?\((\d+)\/(\d+)\)$/);
      return mm ? { name: mm[1].trim(), i: Number(mm[2]), n: Number(mm[3]) } : { name: m[1].trim(), i: 1, n: 1 };
    };
    let cur = null, t = '';
    for (let i = 0; i < 600 && !cur; i++) {
      cur = await current();
      t = await text();
      if (/Something went wrong|Unrecognized format/i.test(t)) break;
      if (!cur) await page.waitForTimeout(50);
    }
    if (!cur) {
      console.error(`FAIL: ${file}: speedscope shows no profile: ${t.slice(0, 300)} errors: ${seen.errors.join('; ')}`);
      code = 1;
      await page.context().close();
      continue;
    }
    const names = [cur.name];
    for (let i = 1; i < cur.n; i++) {
      await page.keyboard.press('n');
      let next = null;
      for (let k = 0; k < 100; k++) {
        next = await current();
        if (next && next.i === i + 1) break;
        await page.waitForTimeout(20);
      }
      names.push(next ? next.name : '?');
    }
    if (seen.requests.length) {
      console.error(`FAIL: ${file}: network requests ${seen.requests.join(' ')}`);
      code = 1;
    }
    console.log(JSON.stringify({ file, names, errors: seen.errors }));
    await page.context().close();
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
