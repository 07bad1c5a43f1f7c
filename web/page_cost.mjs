// What a visitor waits for and what each frame costs, for a built site folder: serves DIR on
// 127.0.0.1, opens the default scene (the pixel pendulum, not training) in headless Chromium
// RUNS times, each in a fresh browser (nothing cached), and prints per run the time from
// navigation to the app's first status (`window.hnnLab`, written after its first frames), to
// the shipped models loaded, and the app's own time per frame (median over the frames of
// SECONDS seconds after the models loaded), then the medians. Compares builds side by side
// when run on each in turn (a build that carries its models, without the `shipped` field,
// has them at its first status). Needs: npm ci --prefix web (puppeteer-core); Debian's chromium.
// Run: node web/page_cost.mjs [DIR=web/dist] [RUNS=5] [SECONDS=20]
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { serve } from './serve.mjs';

const dir = path.resolve(process.argv[2] ?? 'web/dist');
const runs = Number(process.argv[3] ?? 5);
const seconds = Number(process.argv[4] ?? 20);
const { server, base: url } = await serve(dir);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const rows = [];
for (let i = 0; i < runs; i++) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: 'new',
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox'],
    defaultViewport: { width: 1280, height: 760 },
  });
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const read = async () => JSON.parse(await page.evaluate(() => window.hnnLab ?? 'null'));
  let s = null, first = null, loaded = null;
  for (let k = 0; k < 1200 && loaded === null; k++) {
    s = await read();
    if (s && first === null) first = (Date.now() - t0) / 1e3;
    if (s && Object.values(s.twins).every((t) => (t.shipped?.state ?? 'loaded') === 'loaded')) loaded = (Date.now() - t0) / 1e3;
    else await sleep(100);
  }
  if (loaded === null) throw new Error(`models did not load: ${JSON.stringify(s)}`);
  const f0 = s.frames;
  await sleep(seconds * 1000);
  s = await read();
  rows.push({ first, loaded, frame_ms: s.frame_ms_median, p95: s.frame_ms_p95, frames: s.frames - f0 });
  console.log(`run ${i + 1}: first status ${first.toFixed(2)} s, models loaded ${loaded.toFixed(2)} s, app ${s.frame_ms_median.toFixed(2)} ms/frame median (p95 ${s.frame_ms_p95.toFixed(2)}) over ${s.frames - f0} frames`);
  await browser.close();
}
const m = (k) => median(rows.map((r) => r[k]));
console.log(`median of ${runs}: first status ${m('first').toFixed(2)} s, models loaded ${m('loaded').toFixed(2)} s, app ${m('frame_ms').toFixed(2)} ms/frame (p95 ${m('p95').toFixed(2)})`);
server.close();
