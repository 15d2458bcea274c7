// Reproducible output: the same executable, translator and options give byte-identical .wasm
// files and loader modules, in separate processes and in cold builds of every bundler.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import elfRollup from '../../src/rollup.ts';
import { listFiles, makeApp, removeApp, ROOT } from './app.ts';
import { builders } from './builders.ts';

const BIN = resolve(ROOT, 'bin/elf2wasm.js');

/** every file of a build's output with its contents */
function outputOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(listFiles(dir).sort().filter((f) => !f.endsWith('/')).flatMap((f) => {
    try {
      return [[f, readFileSync(join(dir, f))]];
    } catch {
      return []; // a directory
    }
  }));
}

describe('reproducible output', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));

  // -O2, the plugin's default: binaryen's optimiser too is deterministic (the builds below are -O0)
  it('the CLI writes the same .wasm twice, each time in a fresh process', () => {
    for (const level of ['2']) {
      const outs = ['a', 'b'].map((n) => {
        const out = join(app.dir, `hello-${level}-${n}.wasm`);
        const r = spawnSync(process.execPath, [BIN, join(app.dir, 'hello.elf'), '-O', level, '-o', out], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return readFileSync(out);
      });
      expect(outs[0]!.byteLength).toBeGreaterThan(1000);
      expect(outs[0]!.equals(outs[1]!)).toBe(true);
    }
  });

  it('two cold rollup builds load the same loader module for the .elf', async () => {
    const { rollup } = await import('rollup');
    const loaders: string[] = [];
    for (const n of [1, 2]) {
      // a transform after the plugin's load hook sees the loader module's text
      const spy = { name: 'spy', transform(code: string, id: string) { if (id.endsWith('.elf')) loaders.push(code); return null; } };
      const plugin = elfRollup({ root: app.dir, cacheDir: join(app.dir, `cache-loader-${n}`), optimize: 0, quiet: true });
      const bundle = await rollup({ input: join(app.dir, 'main.js'), plugins: [plugin, spy], external: ['unplugin-elf/program'], onwarn: () => {} });
      await bundle.close();
    }
    expect(loaders).toHaveLength(2);
    expect(loaders[0]).toMatch(/createProgram\("hello"/);
    expect(loaders[1]).toBe(loaders[0]);
  });

  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: two cold builds give byte-identical output`, async () => {
      const outputs = [];
      for (const n of [1, 2]) {
        // cold: an empty translation cache, no files generated before
        rmSync(join(app.dir, 'node_modules/.cache'), { recursive: true, force: true });
        const out = join(app.dir, `dist-${name}-${n}`);
        await build({ ...app, cacheDir: join(app.dir, `cache-${name}-${n}`), plugin: { quiet: true } }, 'main.js', out);
        outputs.push(outputOf(out));
      }
      const [a, b] = outputs as [Record<string, Buffer>, Record<string, Buffer>];
      expect(Object.keys(a).some((f) => f.endsWith('.wasm'))).toBe(true);
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const f of Object.keys(a)) expect(b[f]!.equals(a[f]!), f).toBe(true);
    });
  }
});
