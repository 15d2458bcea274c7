// Browser end-to-end helpers: a page app importing two .elf files (built per bundler for the
// browser), a static server on 127.0.0.1, Debian's chromium driven by playwright-core, and what
// the page shows after its runs. The app itself is test/bundler/app.ts's, plus a page.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Plugin } from 'rollup';
import type { Options } from '../../src/bundler/options.ts';
import elfEsbuild from '../../src/esbuild.ts';
import elfRollup from '../../src/rollup.ts';
import elfRspack from '../../src/rspack.ts';
import elfVite from '../../src/vite.ts';
import elfWebpack from '../../src/webpack.ts';
import { makeApp, ROOT, type App } from '../bundler/app.ts';
import { compile } from '../bundler/builders.ts';

const FIXTURES = join(ROOT, 'test/fixtures');

export interface Expected { stdout: string; stderr: string; status: number }
export const expectedHello = JSON.parse(readFileSync(join(FIXTURES, 'expected/hello-musl/args.json'), 'utf8')) as Expected;
export const expectedWc = JSON.parse(readFileSync(join(FIXTURES, 'expected/progs-musl-O2/wc-text.json'), 'utf8')) as Expected;
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as { name: string; prog: string; args?: string[]; stdin?: string; files?: Record<string, string> }[];
export const wcStdin = cases.find((c) => c.name === 'wc-text')?.stdin ?? '';
/** the catfiles case reads files the plugin bundles (its `files` option: /work/data/ ← data/) */
const catfiles = cases.find((c) => c.name === 'catfiles')!;
export const expectedCatfiles = JSON.parse(readFileSync(join(FIXTURES, 'expected/progs-musl-O2/catfiles.json'), 'utf8')) as Expected;
/** the jit case writes machine code at run time: only the run-time lifter can run it */
export const expectedJit = JSON.parse(readFileSync(join(FIXTURES, 'expected/progs-musl-O2/jit.json'), 'utf8')) as Expected;

// --- the page ---------------------------------------------------------------------------------

/** one run's elements: `${id}-out`, `-err`, `-status` (exit code, or "error"), `-error` */
const RUNS = ['main', 'worker', 'wc', 'files', 'jit', 'jitWorker'] as const;
export type RunId = (typeof RUNS)[number];

function html(script: string): string {
  const slots = RUNS.map((id) => `<pre id="${id}-out"></pre><pre id="${id}-err"></pre><span id="${id}-status"></span><pre id="${id}-error"></pre>`);
  return ['<!doctype html>', '<html><head><meta charset="utf-8"><title>unplugin-elf</title><link rel="icon" href="data:,"></head><body>', ...slots,
    '<pre id="wc-streamed"></pre>', '<span id="status"></span>', script, '</body></html>', ''].join('\n');
}

/** hello.elf runs on the page's thread, then in a worker; progs.elf runs `wc` on a stdin, streaming */
const PAGE_JS = `import hello from './hello.elf';
import progs from './progs.elf';

const set = (id, text) => { document.getElementById(id).textContent = text; };
const withTimeout = (p) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 30 s')), 30000))]);

async function step(id, run) {
  try {
    const r = await withTimeout(run());
    set(id + '-out', r.stdout);
    set(id + '-err', r.stderr);
    set(id + '-status', String(r.exitCode));
  } catch (e) {
    set(id + '-error', e && e.name ? e.name + (e.code ? ' ' + e.code : '') + ': ' + e.message : String(e));
    set(id + '-status', 'error');
  }
}

async function main() {
  await step('main', () => hello.run({ args: ['one', 'two three'] }));
  await step('worker', () => hello.run({ args: ['one', 'two three'], worker: true }));
  let streamed = '';
  await step('wc', () => progs.run({ args: ['wc'], stdin: ${JSON.stringify(wcStdin)}, onStdout: (text) => { streamed += text; } }));
  set('wc-streamed', streamed);
  await step('files', () => progs.run({ args: ${JSON.stringify([catfiles.prog, ...(catfiles.args ?? [])])}, cwd: '/work' }));
  await step('jit', () => progs.run({ args: ['jit'] }));
  await step('jitWorker', () => progs.run({ args: ['jit'], worker: true }));
}

main().finally(() => set('status', 'done'));
`;

/** test/bundler's app plus progs.elf, page.js and index.html (which loads page.js: vite's entry).
 *  `installed`: node_modules/unplugin-elf is a copy of package.json and dist/ inside the app, as
 *  `npm install` makes it, instead of test/bundler's symlink to this repo (as `npm link` makes it).
 *  `cacheDir`: share another app's translation cache. */
export function makePageApp({ installed, cacheDir }: { installed: boolean; cacheDir?: string }): App {
  const app = makeApp();
  if (cacheDir) app.cacheDir = cacheDir;
  if (installed) {
    const pkg = join(app.dir, 'node_modules/unplugin-elf');
    unlinkSync(pkg);
    mkdirSync(pkg);
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    // its dependencies, as npm installs them: the WASI shim, binaryen (the run-time lifter's chunk)
    for (const dep of ['@bjorn3', 'binaryen']) symlinkSync(join(ROOT, 'node_modules', dep), join(app.dir, 'node_modules', dep), 'dir');
  }
  copyFileSync(join(FIXTURES, 'bin/progs-musl-O2'), join(app.dir, 'progs.elf'));
  for (const [name, text] of Object.entries(catfiles.files ?? {})) {
    mkdirSync(dirname(join(app.dir, name)), { recursive: true });
    writeFileSync(join(app.dir, name), text);
  }
  writeFileSync(join(app.dir, 'page.js'), PAGE_JS);
  writeFileSync(join(app.dir, 'index.html'), html('<script type="module" src="./page.js"></script>'));
  return app;
}

// --- browser builds ---------------------------------------------------------------------------

/** builds the page into `outDir` (index.html and everything it loads) */
export type PageBuild = (app: App, outDir: string) => Promise<void>;

// optimize 0: these tests are about bundling (the playground test builds at the default level)
const options = (app: App): Options => ({ root: app.dir, cacheDir: app.cacheDir, quiet: true, optimize: 0, files: (elf) => (elf.endsWith('progs.elf') ? { '/work/data/': 'data' } : undefined) });

/** rollup alone resolves no bare imports: the program API (an import-only export) and its dependency */
export function resolveBare(app: App): Plugin {
  const require = createRequire(join(app.dir, 'package.json'));
  return {
    name: 'resolve-bare',
    resolveId(source) {
      // the package's exports have an import condition only (createRequire cannot resolve them)
      const own = /^unplugin-elf\/(program|worker|lifter)$/.exec(source);
      if (own) return join(app.dir, `node_modules/unplugin-elf/dist/${own[1]}.js`);
      if (/^[@\w]/.test(source)) return require.resolve(source);
      return null;
    },
  };
}

const rollup: PageBuild = async (app, outDir) => {
  const { rollup } = await import('rollup');
  const bundle = await rollup({ input: join(app.dir, 'page.js'), plugins: [elfRollup(options(app)), resolveBare(app)], onwarn: () => {} });
  await bundle.write({ dir: outDir, format: 'es', entryFileNames: 'main.js' });
  await bundle.close();
  writeFileSync(join(outDir, 'index.html'), html('<script type="module" src="./main.js"></script>'));
};

/** `pkg`: vite, or the alias of its other major (vite8) */
const viteBuild = (pkg: string): PageBuild => async (app, outDir) => {
  const { build } = await import(pkg) as typeof import('vite');
  await build({
    root: app.dir, configFile: false, logLevel: 'silent', base: './', plugins: [elfVite(options(app))],
    build: { outDir, emptyOutDir: true, target: 'esnext' },
  });
};

const esbuild: PageBuild = async (app, outDir) => {
  const { build } = await import('esbuild');
  // splitting: the run-time lifter stays a lazy chunk (without it the plugin leaves lifting to workers)
  await build({ absWorkingDir: app.dir, entryPoints: ['page.js'], bundle: true, format: 'esm', splitting: true, platform: 'browser', outdir: outDir, entryNames: 'main', logLevel: 'silent', plugins: [elfEsbuild(options(app))] });
  writeFileSync(join(outDir, 'index.html'), html('<script type="module" src="./main.js"></script>'));
};

/** webpack and rspack: the default browser output (a classic script, publicPath from it) */
function webpackConfig(app: App, outDir: string) {
  return {
    mode: 'production' as const, context: app.dir, entry: './page.js', target: 'web' as const, devtool: false as const,
    output: { path: outDir, filename: 'main.js' },
    optimization: { minimize: false },
    // compile() fails on any warning (the plugin's output must build cleanly); webpack's size
    // advice for web targets is not about it: the run-time lifter's chunk is megabytes by nature
    performance: { hints: false as const },
  };
}

const webpack: PageBuild = async (app, outDir) => {
  const { default: webpack } = await import('webpack');
  const compiler = webpack({ ...webpackConfig(app, outDir), plugins: [elfWebpack(options(app))] });
  await compile((cb) => compiler.run(cb));
  await new Promise((r) => compiler.close(r));
  writeFileSync(join(outDir, 'index.html'), html('<script src="./main.js"></script>'));
};

const rspack: PageBuild = async (app, outDir) => {
  const { rspack } = await import('@rspack/core');
  const compiler = rspack({ ...webpackConfig(app, outDir), plugins: [elfRspack(options(app))] });
  await compile((cb) => compiler.run(cb));
  await new Promise((r) => compiler.close(r));
  writeFileSync(join(outDir, 'index.html'), html('<script src="./main.js"></script>'));
};

export const pageBuilders: Record<string, PageBuild> = { vite: viteBuild('vite'), 'vite 8': viteBuild('vite8'), rollup, webpack, esbuild, rspack };

/** vite's dev server on the app, on 127.0.0.1 */
export async function viteDev(app: App): Promise<{ origin: string; close(): Promise<void> }> {
  const { createServer } = await import('vite');
  // vite reads `port: 0` as its default 5173: take a free ephemeral port instead
  const probe = createHttpServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const free = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const server = await createServer({
    root: app.dir, configFile: false, logLevel: 'silent', server: { port: free, host: '127.0.0.1', strictPort: true },
    plugins: [elfVite(options(app))],
  });
  await server.listen();
  const { port } = server.httpServer?.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

// --- serving and browsing ---------------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.css': 'text/css',
};

/** a static file server for `dir` on 127.0.0.1 (an ephemeral port); .wasm as application/wasm */
export async function serveDir(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createHttpServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep) || !existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.byteLength, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's chromium, headless; fails (never skips) when it is not installed */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: the browser tests need Debian's chromium (apt-get install --no-install-recommends chromium, as .ci/run does) or CHROMIUM_PATH`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * `dir`'s index.html served on 127.0.0.1 and opened in a fresh chromium: the text of its
 * #result element once the page has filled it
 */
export async function resultOfPage(dir: string, timeout = 180_000): Promise<string> {
  const server = await serveDir(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', null, { timeout });
    return await page.evaluate(() => document.getElementById('result')!.textContent!);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** what a page's run of a program gave (runsOnPage) */
export interface PageRun { status: number; stdout: string; stderr: string; liftedFunctions: number; error?: string }

/**
 * vite builds a page importing `app.dir/elf` through the plugin (with `plugin` options) that runs it
 * once per entry of `runs` (its args, on the page's thread or in a worker), in chromium: what each run gave
 */
export async function runsOnPage(app: App, elf: string, runs: Record<string, { args: string[]; worker: boolean }>, plugin: Partial<Options> = {}): Promise<Record<string, PageRun>> {
  writeFileSync(join(app.dir, 'page.js'), `import prog from './${elf}';
const shown = {};
for (const [id, { args, worker }] of Object.entries(${JSON.stringify(runs)})) {
  try {
    const r = await prog.run({ args, worker });
    shown[id] = { status: r.exitCode, stdout: r.stdout, stderr: r.stderr, liftedFunctions: r.liftedFunctions };
  } catch (e) {
    shown[id] = { error: String(e && e.stack || e) };
  }
}
document.getElementById('result').textContent = JSON.stringify(shown);
`);
  writeFileSync(join(app.dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><pre id="result"></pre><script type="module" src="./page.js"></script>\n');
  const { build } = await import('vite');
  const out = join(app.dir, 'out');
  await build({
    root: app.dir, configFile: false, logLevel: 'silent', base: './',
    plugins: [elfVite({ root: app.dir, cacheDir: app.cacheDir, quiet: true, ...plugin })],
    build: { outDir: out, emptyOutDir: true, target: 'esnext' },
  });
  return JSON.parse(await resultOfPage(out)) as Record<string, PageRun>;
}

export interface RunShown { stdout: string; stderr: string; status: string; error: string }
export interface PageResult { runs: Record<RunId, RunShown>; streamed: string; problems: string[] }

/** opens `url`, waits for the page to finish its runs, and reads what it shows */
export async function openPage(browser: Browser, url: string): Promise<PageResult> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    await page.goto(url);
    try {
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done', null, { timeout: 90_000 });
    } catch (e) {
      throw new Error(`the page did not finish: ${e instanceof Error ? e.message : String(e)}\n${problems.join('\n')}`);
    }
    const shown = await page.evaluate((ids) => {
      const text = (id: string): string => document.getElementById(id)?.textContent ?? '';
      const runs: Record<string, { stdout: string; stderr: string; status: string; error: string }> = {};
      for (const id of ids) runs[id] = { stdout: text(`${id}-out`), stderr: text(`${id}-err`), status: text(`${id}-status`), error: text(`${id}-error`) };
      return { runs, streamed: text('wc-streamed') };
    }, [...RUNS]);
    return { runs: shown.runs as Record<RunId, RunShown>, streamed: shown.streamed, problems };
  } finally {
    await context.close();
  }
}

/** a run as the qemu expectations record it (the page shows the exit code as text) */
export function asRecorded(run: RunShown): Expected & { error: string } {
  return { stdout: run.stdout, stderr: run.stderr, status: Number(run.status), error: run.error };
}
