// Each bundler builds an app importing a .elf; the bundle runs under Node like qemu-aarch64 did.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import elfEsbuild from '../../src/esbuild.ts';
import elfRollup from '../../src/rollup.ts';
import { expected, listFiles, makeApp, removeApp, ROOT, runBundle } from './app.ts';
import { builders, otherMajors } from './builders.ts';
import type { LibraryMeta } from '../../src/meta.ts';
import { META_SECTION, readJsonSection } from '../../src/wasm/custom-section.ts';

afterEach(() => { vi.restoreAllMocks(); });

/** the lines about hello.elf logged while `fn` runs (through the bundler's logger or the console) */
async function logged(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  for (const level of ['log', 'info', 'warn'] as const) vi.spyOn(console, level).mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
  await fn();
  vi.restoreAllMocks();
  // progress lines come only from translations longer than a few seconds (a busy machine)
  return lines.map((l) => l.replace(/\x1b\[[\d;]*m/g, '')).filter((l) => l.includes('hello.elf') && !/hello\.elf: /.test(l));
}

/** vite's builds here run with logLevel 'silent', which silences the plugin's lines too (this.info) */
const silent = (bundler: string) => bundler === 'vite';

for (const [name, build] of Object.entries(builders)) {
  describe(name, () => {
    const app = makeApp();
    afterAll(() => removeApp(app));

    it(`bundles hello.elf into an app that runs under Node${name === 'vite' ? ' (vite build --ssr)' : ''}`, async () => {
      const out = join(app.dir, 'dist-1');
      const log = await logged(() => build(app, 'main.js', out));
      expect(log).toEqual(silent(name) ? [] : [expect.stringMatching(/translating hello\.elf \(\d+ KiB, optimize \d\) on a worker thread$/), expect.stringMatching(/hello\.elf → \d+ KiB wasm in \d+ ms$/)]);
      const wasm = listFiles(out).filter((f) => f.endsWith('.wasm'));
      expect(wasm).toHaveLength(1);
      expect(wasm[0]).toMatch(/(^|\/)hello-[\w-]{6,}\.wasm$/); // named after the program in every bundler
      const sizes = Object.fromEntries(listFiles(out).filter((f) => /\.(m?js|wasm)$/.test(f)).map((f) => [f, statSync(join(out, f)).size]));
      console.info(`${name} output:`, JSON.stringify(sizes));
      const got = runBundle(join(out, 'main.js'));
      expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
    });

    it('bundles an app running hello.elf in a worker under Node (worker: true)', async () => {
      const out = join(app.dir, 'dist-worker');
      await build(app, 'worker.js', out);
      const got = runBundle(join(out, 'main.js'));
      expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
    });

    it('takes the translation from the cache on the second build', async () => {
      const out = join(app.dir, 'dist-2');
      const log = await logged(() => build(app, 'main.js', out));
      expect(log).toEqual(silent(name) ? [] : [expect.stringMatching(/hello\.elf → \d+ KiB wasm \(cached\)$/)]);
      expect(existsSync(join(out, 'main.js'))).toBe(true);
    });

    it('fails the build on an x86-64 executable, naming the file', async () => {
      const err = await build(app, 'bad.js', join(app.dir, 'dist-bad')).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(String((err as Error).message)).toMatch(/bad\.elf.*x86-64 ELF: only AArch64 is supported/s);
      // the plugin named once, by the bundler where it does so ([plugin:unplugin-elf] [unplugin-elf] before)
      expect(String((err as Error).message)).toMatch(/\[(plugin:? )?unplugin-elf\] cannot translate bad\.elf/);
      expect(String((err as Error).message)).not.toMatch(/unplugin-elf\] \[unplugin-elf\]/);
    });

    it('fails the build on a dynamically linked executable whose interpreter is in no sysroot, naming the file and the fix', async () => {
      const plugin = app.plugin;
      app.plugin = { ...plugin, sysroot: mkdtempSync(join(app.dir, 'empty-sysroot-')) };
      try {
        const err = await build(app, 'dynamic.js', join(app.dir, 'dist-dynamic')).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect(String((err as Error).message)).toMatch(/dynamic\.elf.*dynamically linked ELF: its interpreter \/lib\/ld-linux-aarch64\.so\.1 is neither in the sysroot .* nor on the host; give .* -L DIR or QEMU_LD_PREFIX/s);
      } finally {
        app.plugin = plugin;
      }
    });
  });
}

describe('the other majors of the peer ranges', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));

  for (const [name, build] of Object.entries(otherMajors)) {
    // vite's builds here are SSR builds (vite build --ssr), run under Node
    it(`${name}${name.startsWith('vite') ? ' (SSR build)' : ''}: the app runs hello.elf under Node as qemu-aarch64 does, on the main thread and in a worker`, async () => {
      for (const entry of ['main.js', 'worker.js']) {
        const out = join(app.dir, `dist-${name.replace(' ', '')}-${entry}`);
        await build(app, entry, out);
        expect(listFiles(out).filter((f) => f.endsWith('.wasm'))).toEqual([expect.stringMatching(/(^|\/)hello-[\w-]{6,}\.wasm$/)]);
        const got = runBundle(join(out, 'main.js'));
        expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
      }
    });
  }
});

describe('files option', () => {
  // the catfiles fixture case: its files under /work/data, read from the cwd /work
  const cases = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/cases.json'), 'utf8')) as { name: string; prog: string; args: string[]; files: Record<string, string> }[];
  const c = cases.find((x) => x.name === 'catfiles')!;
  const recorded = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/expected/progs-musl-O2/catfiles.json'), 'utf8')) as typeof expected;
  const app = makeApp();
  app.plugin = { files: (elf) => (elf.endsWith('progs.elf') ? { '/work/data/': 'data' } : undefined) };
  copyFileSync(join(ROOT, 'test/fixtures/bin/progs-musl-O2'), join(app.dir, 'progs.elf'));
  for (const [name, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(app.dir, name)), { recursive: true });
    writeFileSync(join(app.dir, name), text);
  }
  writeFileSync(join(app.dir, 'files.js'), [
    "import progs from './progs.elf';",
    `progs.run({ args: ${JSON.stringify([c.prog, ...c.args])}, cwd: '/work' }).then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr })));`,
    '',
  ].join('\n'));
  afterAll(() => removeApp(app));

  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: bundles the files and the program reads them as under qemu`, async () => {
      const out = join(app.dir, `dist-${name}`);
      await build(app, 'files.js', out);
      const got = runBundle(join(out, 'main.js'));
      expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(recorded);
    }, 120_000);
  }

  it('fails the build naming a missing host file', async () => {
    const bad = makeApp();
    bad.plugin = { files: { '/etc/motd': 'no-such-file.txt' } };
    try {
      const err = await builders.rollup!(bad, 'main.js', join(bad.dir, 'dist')).then(() => undefined, (e: unknown) => e);
      expect(String((err as Error)?.message)).toMatch(/files: "\/etc\/motd" → no-such-file\.txt: ENOENT/);
    } finally {
      removeApp(bad);
    }
  });
});

describe('a dynamically linked executable with a sysroot', () => {
  const SYSROOT = '/usr/aarch64-linux-gnu';
  const usable = existsSync(join(SYSROOT, 'lib/libc.so.6')) && spawnSync('qemu-aarch64', ['--version']).status === 0;
  const app = makeApp();
  app.plugin = { sysroot: SYSROOT };
  writeFileSync(join(app.dir, 'dynamic-run.js'), [
    "import prog from './dynamic.elf';",
    "prog.run({ args: ['one', 'two three'] }).then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, lifted: r.lifted, liftedFunctions: r.liftedFunctions })));",
    '',
  ].join('\n'));
  type Lifting = ReturnType<typeof runBundle> & { lifted: number[]; liftedFunctions: number };
  /** at most this many functions lifted at run time when libc.so.6 is translated ahead of time */
  const LIFTED_AOT = 20;
  /** the entries a run lifted at run time that lie in the library translated into `wasm` */
  const liftedIn = (wasm: string, lifted: number[]): number[] => {
    const lib = readJsonSection<LibraryMeta>(new WebAssembly.Module(readFileSync(wasm)), META_SECTION)!;
    expect(lib.kind).toBe('library');
    return lifted.filter((pc) => pc >= lib.base && pc < lib.end);
  };
  afterAll(() => removeApp(app));
  // outside CI a machine without Debian's cross sysroot or qemu skips, saying so; CI has both
  it.skipIf(!usable && !process.env.CI)(`rollup: the interpreter and libc.so.6 are bundled, ld.so loads libc from them, output as under qemu-aarch64 -L${usable ? '' : ' (skipped: no sysroot or qemu-aarch64 here)'}`, async () => {
    const out = join(app.dir, 'dist-dynamic-run');
    await builders.rollup!(app, 'dynamic-run.js', out);
    const q = spawnSync('qemu-aarch64', ['-L', SYSROOT, join(app.dir, 'dynamic.elf'), 'one', 'two three'], { encoding: 'utf8', env: {} });
    const got = runBundle(join(out, 'main.js')) as Lifting;
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual({ stdout: q.stdout, stderr: q.stderr, status: q.status });
    expect(got.liftedFunctions).toBeLessThan(LIFTED_AOT);
    // libc.so.6 was translated at build time, emitted beside the program, and its code ran from
    // that translation: nothing of it was lifted at run time
    const libc = listFiles(out).filter((f) => /^assets\/libc\.so\.6-[\w-]{8}\.wasm$/.test(f)); // rollup hashes are base64url: - and _ too
    expect(libc).toHaveLength(1);
    expect(liftedIn(join(out, libc[0]!), got.lifted)).toEqual([]);
  }, 300_000);

  it.skipIf(!usable && !process.env.CI)(`rollup with translateLibraries: false: libc.so.6 is lifted at run time, with the same output${usable ? '' : ' (skipped: no sysroot or qemu-aarch64 here)'}`, async () => {
    const out = join(app.dir, 'dist-dynamic-lifted');
    await builders.rollup!({ ...app, plugin: { ...app.plugin, translateLibraries: false } }, 'dynamic-run.js', out);
    expect(listFiles(out).filter((f) => /libc\.so\.6-[\w-]{8}\.wasm$/.test(f))).toEqual([]);
    const got = runBundle(join(out, 'main.js')) as Lifting;
    const q = spawnSync('qemu-aarch64', ['-L', SYSROOT, join(app.dir, 'dynamic.elf'), 'one', 'two three'], { encoding: 'utf8', env: {} });
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual({ stdout: q.stdout, stderr: q.stderr, status: q.status });
    expect(got.liftedFunctions).toBeGreaterThan(LIFTED_AOT);
  }, 300_000);
});

describe('rollup single-file output (iife)', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));
  const iife = async (worker?: boolean, lift?: boolean): Promise<string> => {
    const { rollup } = await import('rollup');
    // the program API bundled (as @rollup/plugin-node-resolve would resolve it)
    const resolveApi = { name: 'resolve-api', resolveId: (source: string) => (/^unplugin-elf\/(program|worker|lifter)$/.test(source) ? join(ROOT, `dist/${source.slice(13)}.js`) : null) };
    const bundle = await rollup({ input: join(app.dir, 'main.js'), plugins: [elfRollup({ root: app.dir, cacheDir: app.cacheDir, quiet: true, worker, lift }), resolveApi], onwarn: () => {} });
    try {
      const out = join(app.dir, `dist-${String(worker)}-${String(lift)}`);
      await bundle.write({ dir: out, format: 'iife', entryFileNames: 'main.js' });
      return out;
    } finally {
      await bundle.close();
    }
  };

  it('fails with a message saying what to do when the worker entry cannot be a chunk', async () => {
    await expect(iife()).rejects.toThrow(/iife output is a single file, but run\(\{ worker: true \}\) needs the worker entry as a chunk.*worker: false/);
  });

  it('fails with a message saying what to do when the run-time lifter cannot be a chunk', async () => {
    await expect(iife(false)).rejects.toThrow(/iife output is a single file, but the run-time lifter is a lazy chunk.*lift: false/);
  });

  it('builds with worker: false and lift: false', async () => {
    const out = await iife(false, false);
    expect(listFiles(out).filter((f) => f.endsWith('.js'))).toEqual(['main.js']);
  });
});

describe('esbuild without writing', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));
  const options = { root: app.dir, cacheDir: app.cacheDir, quiet: true };

  it('write: false gets the wasm and the worker among the output files', async () => {
    const { build } = await import('esbuild');
    const r = await build({ absWorkingDir: app.dir, entryPoints: ['main.js'], bundle: true, format: 'esm', platform: 'node', outdir: 'out', write: false, logLevel: 'silent', plugins: [elfEsbuild(options)] });
    const names = r.outputFiles.map((f) => f.path.slice(join(app.dir, 'out').length + 1)).sort();
    const worker = names.filter((n) => /^unplugin-elf-worker-[\w-]{8}\.js$/.test(n));
    const chunks = names.filter((n) => /^unplugin-elf-(?!worker-).+\.js$/.test(n));
    expect(names).toEqual([expect.stringMatching(/^hello-[0-9a-f]{8}\.wasm$/), 'main.js', ...[...chunks, ...worker].sort()]);
    // the worker's run-time lifter is a chunk of its own, loaded only on a miss; no chunk carries
    // binaryen (15 MB), which only optimises and which the lifter never imports
    expect(worker).toHaveLength(1);
    const size = (n: string) => r.outputFiles.find((f) => f.path.endsWith(`/${n}`))!.contents.byteLength;
    expect(size(worker[0]!)).toBeLessThan(1 << 20);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => size(c) < 2 << 20)).toBe(true);
    const wasm = r.outputFiles.find((f) => f.path.endsWith('.wasm'))!;
    expect(WebAssembly.validate(wasm.contents as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(existsSync(join(app.dir, 'out'))).toBe(false);
  });

  it('without outdir or outfile the build fails saying where the wasm would go', async () => {
    const { build } = await import('esbuild');
    const err = await build({ absWorkingDir: app.dir, entryPoints: ['main.js'], bundle: true, format: 'esm', logLevel: 'silent', plugins: [elfEsbuild(options)] }).then(() => undefined, (e: unknown) => e);
    expect(String((err as Error)?.message)).toMatch(/hello\.elf: esbuild writes no files without outdir or outfile/);
  });
});

describe('inlineLimit', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));

  it('inlines a translation under the limit as a data: URL instead of emitting it', async () => {
    const { rollup } = await import('rollup');
    const bundle = await rollup({ input: join(app.dir, 'main.js'), plugins: [elfRollup({ root: app.dir, cacheDir: app.cacheDir, inlineLimit: 1 << 24, quiet: true })], external: ['unplugin-elf/program'] });
    const out = join(app.dir, 'dist');
    await bundle.write({ dir: out, format: 'es', entryFileNames: 'main.js' });
    await bundle.close();
    expect(listFiles(out).filter((f) => f.endsWith('.wasm'))).toEqual([]);
    const got = runBundle(join(out, 'main.js'));
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
  });
});
