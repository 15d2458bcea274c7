// The plugin's `programs` option in chromium: the page built by rollup runs exec-bundled.elf in a
// worker (which gets the compiled modules of the programs it can exec) and must show what
// qemu-aarch64 printed (test/bundler/programs-app.ts). Not on the page's thread: chromium refuses
// a synchronous `new WebAssembly.Instance` of a module over 8 MB there, and Kernel.fork and
// Kernel.replace (exec) instantiate busybox's synchronously.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import elfRollup from '../../src/rollup.ts';
import { removeApp } from '../bundler/app.ts';
import { makeProgramsApp } from '../bundler/programs-app.ts';
import { resolveBare, resultOfPage } from './app.ts';

describe('programs option in chromium', () => {
  const { app, args, reference } = makeProgramsApp();
  afterAll(() => removeApp(app));

  it('rollup: a page runs a program that execs busybox sh, a second program and a #! script in a worker, as under qemu-aarch64', async () => {
    const expected = reference();
    const { rollup } = await import('rollup');
    const out = join(app.dir, 'out');
    const bundle = await rollup({ input: join(app.dir, 'page.js'), plugins: [elfRollup({ root: app.dir, cacheDir: app.cacheDir, optimize: 0, ...app.plugin }), resolveBare(app)], onwarn: () => {} });
    await bundle.write({ dir: out, format: 'es', entryFileNames: 'main.js' });
    await bundle.close();
    writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><pre id="result"></pre><script type="module" src="./main.js"></script>\n');
    const shown = await resultOfPage(out);
    const got = JSON.parse(shown) as { exitCode: number; stdout: string; stderr: string; files: string[]; error?: string };
    if (got.error) throw new Error(`the page failed: ${got.error}`);
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
    expect(got.files).toEqual(['/bin/sh', ...args.slice(0, 2)].sort());
  }, 600_000);
});
