// A static server for a built site folder on 127.0.0.1 (a free port), as the browser test and
// the page-cost script use it: .wasm as application/wasm, nothing outside the folder. It can
// damage files on purpose (`damage`, by path relative to the site): 'missing' (404), 'cut'
// (the first half), 'corrupt' (the right length, every byte flipped), or a number: seconds to
// hold the second half back (a file still loading). `served` lists the paths it sent.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png' };

export async function serve(dir, damage = new Map()) {
  const served = new Set();
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    served.add(rel);
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const harm = damage.get(rel);
    if (harm !== undefined) {
      const bytes = fs.readFileSync(file);
      const half = bytes.subarray(0, bytes.length >> 1);
      if (harm === 'missing') { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      if (harm === 'cut') res.end(half);
      else if (harm === 'corrupt') res.end(bytes.map((b) => b ^ 0xff));
      else { res.write(half); setTimeout(() => res.end(bytes.subarray(half.length)), harm * 1000); }
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${server.address().port}/`, served };
}
