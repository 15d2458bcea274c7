// Vite's dev server while executables translate: the plugin translates on worker threads, so the
// server's own thread keeps answering (index.html is served while a translation runs) and two
// .elf imports translate at the same time. Ordering, not timing: the first check waits until the
// plugin has logged progress (from within the translation: a translation on the server's thread
// would keep this test's code from running until it ends), then looks at what finished first.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Logger, ViteDevServer } from 'vite';
import elfVite from '../../src/vite.ts';
import { largeElf } from '../helpers/large-elf.ts';
import { ROOT } from './app.ts';

let dir: string;
let server: ViteDevServer;
let origin: string;
/** the plugin's log lines (vite's logger), and the order in which things finished */
const log: string[] = [];

const logger: Logger = {
  info: (msg) => { log.push(msg); },
  warn: () => {}, warnOnce: () => {}, error: () => {}, clearScreen: () => {},
  hasErrorLogged: () => false, hasWarned: false,
};

beforeAll(async () => {
  const { createServer } = await import('vite');
  dir = mkdtempSync(join(tmpdir(), 'unplugin-elf-busy-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/unplugin-elf'), 'dir');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>busy</title><script type="module" src="/main.js"></script>\n');
  writeFileSync(join(dir, 'main.js'), "import a from './a.elf';\nconsole.log(a.name);\n");
  // thousands of functions: a translation that takes a while (seconds), whatever the machine
  // (each a different program: equal ones would share one cache entry)
  ['a', 'b', 'c'].forEach((name, k) => writeFileSync(join(dir, `${name}.elf`), largeElf('fans', 4000 + k)));
  server = await createServer({
    root: dir, configFile: false, customLogger: logger, server: { port: 0, host: '127.0.0.1', ws: false },
    plugins: [elfVite({ root: dir, cacheDir: join(dir, 'cache'), optimize: 0, progressInterval: 1 })],
  });
  await server.listen();
  origin = `http://127.0.0.1:${(server.httpServer?.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  // vite's close() waits for its dependency optimizer, whose esbuild run on this machine
  // sometimes never ends (both tests have passed by then): teardown waits 30 s at most, and says so
  const closed = await Promise.race([server?.close().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000))]);
  if (!closed) console.warn('vite-dev-busy: the dev server did not close within 30 s (left to exit with the test worker)');
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** resolves once the plugin has logged a line containing `text` */
async function logged(text: string): Promise<void> {
  while (!log.some((l) => l.includes(text))) await new Promise((r) => setTimeout(r, 20));
}

const elfModule = (name: string) => fetch(`${origin}/${name}.elf?import`).then(async (r) => {
  expect(r.status).toBe(200);
  expect(await r.text()).toContain(`createProgram("${name}"`);
});

it('serves index.html while an executable translates', async () => {
  const done: string[] = [];
  const module = elfModule('a').then(() => done.push('a.elf'));
  await logged('translating a.elf: compile');
  const page = await fetch(`${origin}/`);
  done.push('index.html');
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>busy</title>');
  await module;
  expect(done).toEqual(['index.html', 'a.elf']);
  expect(log.some((l) => /a\.elf → \d+ KiB wasm in \d+ ms/.test(l))).toBe(true);
}, 300_000);

it('translates two executables at the same time', async () => {
  await Promise.all([elfModule('b'), elfModule('c')]);
  const at = (re: RegExp) => log.findIndex((l) => re.test(l));
  const firstEnd = Math.min(at(/b\.elf → \d+ KiB wasm in/), at(/c\.elf → \d+ KiB wasm in/));
  // both translations were started (each on its thread) before either ended, and both reported
  // progress; whether the second one's first progress line comes before the first one ends
  // depends on how loaded the machine is (a CI run once had it one line late)
  for (const name of ['b', 'c']) {
    expect(at(new RegExp(`translating ${name}\\.elf \\(.* on a worker thread`))).toBeGreaterThanOrEqual(0);
    expect(at(new RegExp(`translating ${name}\\.elf \\(.* on a worker thread`))).toBeLessThan(firstEnd);
    expect(at(new RegExp(`translating ${name}\\.elf: `))).toBeGreaterThanOrEqual(0);
  }
}, 300_000);
