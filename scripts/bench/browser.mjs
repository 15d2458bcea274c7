// The bench in headless chromium (Debian's, through playwright-core), without V8 flags: a page
// bundled by esbuild from the program API of `dist` and @bjorn3/browser_wasi_shim runs each
// translated module (the one `elf2wasm -o` wrote) and each clang wasm32-wasi build. The page
// fetches the module first; compilation, instantiation and the run are timed inside it. Every
// run gets a fresh browser context, so no compiled code survives from one run to the next.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { faster, ratio, row } from './table.mjs';

const ORIGIN = 'http://bench.localhost';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const page = (dist) => `
import { createProgram } from ${JSON.stringify(join(dist, 'program.js'))};
import { ConsoleStdout, File, OpenFile, WASI } from '@bjorn3/browser_wasi_shim';

const bytesOf = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());

window.runTranslated = async (url, args, files) => {
  const bytes = await bytesOf(url);
  const t0 = performance.now();
  const program = createProgram('bench', { bytes, lifter: () => import(${JSON.stringify(join(dist, 'lifter.js'))}) });
  const r = await program.run({ args, files });
  return { ms: performance.now() - t0, stdout: r.stdout, stderr: r.stderr, status: r.exitCode };
};

window.runClang = async (url, args) => {
  const bytes = await bytesOf(url);
  const t0 = performance.now();
  const text = { stdout: '', stderr: '' };
  const sink = (name) => { const d = new TextDecoder(); return new ConsoleStdout((b) => { text[name] += d.decode(b, { stream: true }); }); };
  const wasi = new WASI(['prog', ...args], [], [new OpenFile(new File([])), sink('stdout'), sink('stderr')]);
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), { wasi_snapshot_preview1: wasi.wasiImport });
  const status = wasi.start(instance);
  return { ms: performance.now() - t0, ...text, status };
};
window.benchReady = true;
`;

async function buildPage(dist, dir) {
  for (const f of ['program.js', 'lifter.js']) {
    if (!existsSync(join(dist, f))) throw new Error(`bench --browser: ${join(dist, f)} not found (npm run build, or --dist=DIR)`);
  }
  const src = join(dir, 'src');
  const site = join(dir, 'site');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'page.js'), page(dist));
  const { build } = await import('esbuild');
  // binaryen (the run-time lifter) imports node: modules on Node only
  await build({ entryPoints: [join(src, 'page.js')], bundle: true, splitting: true, format: 'esm', platform: 'browser', external: ['node:*'], outdir: site, logLevel: 'error' });
  writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./page.js"></script>\n');
  return site;
}

/** serves `site` and the `wasm` files (URL path → file) to every page of the context */
async function serve(context, site, wasm) {
  await context.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = wasm[path] ?? join(site, path === '/' ? 'index.html' : basename(path));
    if (!existsSync(file)) return route.fulfill({ status: 404, body: `not found: ${path}` });
    return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
}

async function timeInPage(browser, site, wasm, fn, args) {
  const context = await browser.newContext();
  try {
    await serve(context, site, wasm);
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${ORIGIN}/`);
    await p.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 }).catch((e) => {
      throw new Error(`bench page did not load: ${e.message}\n${errors.join('\n')}`);
    });
    return await p.evaluate(([f, a]) => window[f](...a).catch((e) => ({ error: String(e && e.stack || e) })), [fn, args]);
  } finally {
    await context.close();
  }
}

const median = (rs) => ({ ...rs.at(-1), ms: [...rs.map((r) => r.ms)].sort((a, b) => a - b)[Math.floor(rs.length / 2)] });

/** Times every measured program in chromium; returns the rows of the browser table. */
export async function measureInBrowser(measured, ctx) {
  if (!existsSync(CHROMIUM)) throw new Error(`bench --browser: chromium not found at ${CHROMIUM} (apt-get install --no-install-recommends chromium, or CHROMIUM_PATH)`);
  const site = await buildPage(ctx.dist, join(ctx.out, 'browser'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const rows = [];
  try {
    for (const m of measured) {
      const wasm = { '/translated.wasm': m.translated };
      if (typeof m.built.wasm === 'string') wasm['/clang.wasm'] = m.built.wasm;
      // scripts run from the in-memory file system, at the path qemu was given
      const files = Object.fromEntries(m.built.args.filter((a) => a.startsWith('/')).map((a) => [a, readFileSync(a, 'utf8')]));
      const runs = { ours: [], clang: [] };
      for (let i = 0; i < ctx.runs; i++) {
        runs.ours.push(await timeInPage(browser, site, wasm, 'runTranslated', ['/translated.wasm', m.built.args, files]));
        if (wasm['/clang.wasm']) runs.clang.push(await timeInPage(browser, site, wasm, 'runClang', ['/clang.wasm', m.built.args]));
      }
      const ours = median(runs.ours);
      const clang = runs.clang.length ? median(runs.clang) : m.results.clang;
      const node = m.results;
      rows.push(row(m.program.name, m.translateMs, { qemu: node.qemu, ours, clang, clangNoLiftoff: { skip: 'browsers take no V8 flags' }, native: node.native }, {
        'elf2wasm chromium/node': ratio(ours, node.ours),
        'clang-wasm chromium/node': ratio(clang, faster(node.clang, node.clangNoLiftoff)),
      }));
      process.stderr.write(`bench: ${m.program.name} done in chromium\n`);
    }
  } finally {
    await browser.close();
  }
  return rows;
}
