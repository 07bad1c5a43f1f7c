// Opens a page in headless Chromium (WebGL2 through SwiftShader), waits, saves a screenshot
// and prints the page's console. Needs Debian's chromium and puppeteer-core:
//   npm install --no-save --prefix web puppeteer-core@24
//   python3 -m http.server 8765 --bind 127.0.0.1 -d web/dist &
//   node web/screenshot.mjs http://127.0.0.1:8765/ out.png 40000
import puppeteer from 'puppeteer-core';

const [url, out, wait = '30000'] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: 'new',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox'],
  defaultViewport: { width: 1280, height: 760 },
});
const page = await browser.newPage();
const logs = [];
page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
page.on('pageerror', (e) => logs.push(`[pageerror] ${e}`));
await page.goto(url, { waitUntil: 'load', timeout: 120000 });
await new Promise((r) => setTimeout(r, Number(wait)));
await page.screenshot({ path: out });
console.log(logs.join('\n'));
await browser.close();
