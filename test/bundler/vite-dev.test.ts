// Vite's dev server (vite 7 and 8): the .elf module loads the wasm from a URL the plugin serves as
// application/wasm.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViteDevServer } from 'vite';
import elfVite from '../../src/vite.ts';
import type { ElfProgram } from '../../src/program/index.ts';
import { expected, makeApp, removeServedApp, ROOT, type App } from './app.ts';

// the majors share translations
const cacheDir = mkdtempSync(join(tmpdir(), 'unplugin-elf-vite-dev-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe.each([['vite 7', 'vite'], ['vite 8', 'vite8']])('%s', (_major, pkg) => {
  let app: App;
  let server: ViteDevServer;
  let origin: string;

  beforeAll(async () => {
    const { createServer } = await import(pkg) as typeof import('vite');
    app = { ...makeApp(), cacheDir };
    server = await createServer({
      root: app.dir, configFile: false, logLevel: 'silent', server: { port: 0, host: '127.0.0.1', ws: false },
      plugins: [elfVite({ root: app.dir, cacheDir: app.cacheDir, quiet: true, optimize: 0 })],
    });
    await server.listen();
    origin = `http://127.0.0.1:${(server.httpServer?.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server?.close();
    await removeServedApp(app);
  });

  it('excludes unplugin-elf from dependency pre-bundling', () => {
    expect(server.config.optimizeDeps.exclude).toContain('unplugin-elf');
  });

  /** the URL main.js (or bad.js) imports the .elf by, as a browser would follow it */
  async function elfModuleUrl(entry: string): Promise<URL> {
    const main = await (await fetch(`${origin}/${entry}`)).text();
    const spec = /from "([^"]+\.elf[^"]*)"/.exec(main)?.[1];
    expect(spec).toBeDefined();
    return new URL(spec!, `${origin}/${entry}`);
  }

  it('makes pages cross-origin isolated (COOP and COEP on every response), so that they have SharedArrayBuffer', async () => {
    for (const path of ['/', '/main.js']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
  });

  it('serves the loader module and the wasm it points at', async () => {
    const res = await fetch(await elfModuleUrl('main.js'));
    expect(res.status).toBe(200);
    const code = await res.text();
    expect(code).toContain('createProgram("hello"');
    const url = /url: "([^"]+\.wasm)"/.exec(code)?.[1];
    expect(url).toMatch(/^\/@unplugin-elf\/hello-[0-9a-f]{8}\.wasm$/);
    // the program API itself is served too (not pre-bundled: unplugin-elf is excluded)
    const api = /import \{ createProgram \} from "([^"]+)"/.exec(code)?.[1];
    expect((await fetch(new URL(api!, origin))).status).toBe(200);
    const wasm = await fetch(new URL(url!, origin));
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const bytes = new Uint8Array(await wasm.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('loads the program in SSR (as vitest would) from a file: URL', async () => {
    const mod = await server.ssrLoadModule('/hello.elf') as { default: ElfProgram };
    const got = await mod.default.run({ args: ['one', 'two three'] });
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
  });

  it('serves a ?url import as the URL of the wasm, in the browser and in SSR', async () => {
    writeFileSync(join(app.dir, 'url.js'), "import url from './hello.elf?url';\nexport default url;\n");
    const code = await (await fetch(await elfModuleUrl('url.js'))).text();
    const url = /export default String\("([^"]+)"\)/.exec(code)?.[1];
    expect(url).toMatch(/^\/@unplugin-elf\/hello-[0-9a-f]{8}\.wasm$/);
    const wasm = await fetch(new URL(url!, origin));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer()))).toBe(true);
    const ssr = await server.ssrLoadModule('/url.js') as { default: string };
    expect(ssr.default).toMatch(/^file:\/\/.*\/hello-[0-9a-f]{8}\.wasm$/);
    expect(WebAssembly.validate(readFileSync(new URL(ssr.default)))).toBe(true);
  });

  it('reports a bad executable as a module error naming it', async () => {
    const res = await fetch(await elfModuleUrl('bad.js'));
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/bad\.elf.*x86-64/s);
  });

  it('serves the new translation after the .elf changes on disk, without a restart', async () => {
    const wasmOf = async (): Promise<string | undefined> => /url: "([^"]+\.wasm)"/.exec(await (await fetch(await elfModuleUrl('main.js'))).text())?.[1];
    const before = await wasmOf();
    copyFileSync(join(ROOT, 'test/fixtures/bin/progs-musl-O2'), join(app.dir, 'hello.elf'));
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await wasmOf();
    }
    expect(after).toMatch(/^\/@unplugin-elf\/hello-[0-9a-f]{8}\.wasm$/);
    expect(after).not.toBe(before);
    const wasm = new Uint8Array(await (await fetch(new URL(after!, origin))).arrayBuffer());
    expect(WebAssembly.validate(wasm)).toBe(true);
  });
});
