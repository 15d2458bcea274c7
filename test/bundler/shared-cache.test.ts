// One translation cache for the CLI and the bundler plugins: what one translated, the other finds,
// when the options are equal; `elf2wasm cache ls|clean` and ELF2WASM_CACHE_SIZE act on it.
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { listCache, type CacheEntry } from '../../src/node/cache.ts';
import { expected, makeApp, removeApp, ROOT } from './app.ts';

const BIN = resolve(ROOT, 'bin/elf2wasm.js');
const app = makeApp();
const cache = join(app.dir, 'shared-cache');
afterAll(() => removeApp(app));
afterEach(() => { vi.unstubAllEnvs(); });

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: app.dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: cache, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** a rollup build with the plugin at `optimize`, its cache found through ELF2WASM_CACHE_DIR as the CLI finds it */
async function pluginBuild(optimize: number): Promise<void> {
  vi.stubEnv('ELF2WASM_CACHE_DIR', cache);
  const { rollup } = await import('rollup');
  // the built plugin, as users have it: its translator version is the CLI's (the sources' is 'dev')
  const { default: elfRollup } = await import(join(ROOT, 'dist/rollup.js')) as typeof import('../../src/rollup.ts');
  const bundle = await rollup({ input: join(app.dir, 'main.js'), plugins: [elfRollup({ root: app.dir, optimize, quiet: true })], external: ['unplugin-elf/program'], onwarn: () => {} });
  await bundle.close();
}

/** marks every entry as last used long ago, so that a hit shows as a later use */
const age = () => { for (const e of listCache(cache)) utimesSync(join(cache, `${e.key}.wasm`), 1000, 1000); };

const run = (level: number, ...flags: string[]) => cli(['run', ...flags, '-O', String(level), 'hello.elf', 'one', 'two three']);

describe('the cache shared by the CLI and the plugin', () => {
  // the plugin's modules are portable (no relaxed SIMD, for Safari); elf2wasm run's have relaxed
  // SIMD unless told otherwise, and it takes the plugin's when the cache has one
  it('elf2wasm run uses what the plugin translated with the same options', async () => {
    await pluginBuild(0);
    const [entry] = listCache(cache);
    expect(entry).toMatchObject({ name: 'hello.elf', options: { optimize: 0 } });
    age();
    const r = run(0);
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual(expected);
    // a hit: still one entry, the same one, and its use recorded
    const after = listCache(cache);
    expect(after.map((e) => e.key)).toEqual([entry!.key]);
    expect(after[0]!.used).toBeGreaterThan(1000_000);
  });

  it('the plugin uses what run --no-relaxed-simd translated', async () => {
    expect(run(1, '--no-relaxed-simd').status).toBe(0);
    expect(listCache(cache)).toHaveLength(2);
    age();
    await pluginBuild(1);
    // run --no-relaxed-simd's -O1 translation is the plugin's: a hit
    const options = (e: CacheEntry) => [e.options?.optimize, e.options?.relaxedSimd, e.used > 1000_000];
    expect(listCache(cache).map(options)).toEqual([[1, false, true], [0, false, false]]);
    age();
    // and run with relaxed SIMD takes that portable one too
    expect(run(1).status).toBe(0);
    expect(listCache(cache).map(options)).toEqual([[1, false, true], [0, false, false]]);
  });

  it('elf2wasm cache ls lists the translations, most recently used first', () => {
    const r = cli(['cache', 'ls']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${cache}: 2 translations, ${(listCache(cache).reduce((s, e) => s + e.bytes, 0) / 2 ** 20).toFixed(1)} MiB of 1024.0 MiB`);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d +\d+\.\d MiB  hello\.elf +-O1 --protect=null$/);
    expect(lines[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d +\d+\.\d MiB  hello\.elf +-O0 --protect=null$/);
    expect(lines).toHaveLength(3);
  });

  it('ELF2WASM_CACHE_SIZE bounds the cache: older translations go', () => {
    expect(cli(['run', '-O', '2', 'hello.elf'], { ELF2WASM_CACHE_SIZE: '1' }).status).toBe(0);
    expect(listCache(cache).map((e) => [e.options?.optimize, e.options?.relaxedSimd])).toEqual([[2, true]]);
    expect(cli(['cache', 'ls']).stdout).toMatch(/hello\.elf +-O2 --protect=null --relaxed-simd\n$/);
    expect(cli(['cache', 'ls'], { ELF2WASM_CACHE_SIZE: 'big' })).toMatchObject({ status: 2, stderr: 'elf2wasm: ELF2WASM_CACHE_SIZE must be a size such as 500M or 2G, not "big"\n' });
  });

  it('elf2wasm cache clean empties it', () => {
    expect(cli(['cache', 'clean'])).toMatchObject({ status: 0, stdout: expect.stringMatching(new RegExp(`^${cache}: removed 1 translation, \\d+\\.\\d MiB\\n$`)) as string });
    expect(listCache(cache)).toEqual([]);
    expect(cli(['cache', 'ls']).stdout).toBe(`${cache}: 0 translations, 0.0 MiB of 1024.0 MiB\n`);
    expect(cli(['cache', 'purge'])).toMatchObject({ status: 2, stderr: 'elf2wasm: unknown cache command: purge (ls or clean)\n' });
  });
});
