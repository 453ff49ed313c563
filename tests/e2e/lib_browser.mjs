// Shared helper for the browser tests (tests/e2e/*.mjs): Debian's chromium
// driven by playwright-core from the project's node_modules (make deps runs
// npm ci). Named lib_* so tests/run-e2e.sh does not run it.
// Exit codes as for every e2e test: 0 pass, anything else fails.
import { createRequire } from 'node:module';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
const require = createRequire(path.join(ROOT, 'package.json'));

export const CHROMIUM = process.env.TC_CHROMIUM || '/usr/bin/chromium';

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
