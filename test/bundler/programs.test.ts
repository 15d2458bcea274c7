// The plugin's `programs` option: a bundled program execs other bundled programs by guest path
// (Debian's busybox for `sh -c` with a pipeline and `$(…)`, a second program, a `#!` script whose
// interpreter is the registered busybox, and an unregistered path), with output identical to
// qemu-aarch64's. The guest paths are the files' host paths, so that under qemu (binfmt_misc runs
// the exec'd AArch64 children) the same execs find the same programs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realBinary } from '../helpers/real.ts';
import { listFiles, makeApp, removeApp, runBundle } from './app.ts';
import { builders } from './builders.ts';

const SOURCE = resolve(import.meta.dirname, '../fixtures/programs/exec-bundled.c');
const BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

describe('programs option', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));
  const busybox = join(app.dir, 'bin/busybox'); // named busybox: argv[0] picks the applet
  const args = [busybox, join(app.dir, 'hello.elf'), join(app.dir, 'script.sh')];
  let reference: { stdout: string; stderr: string; status: number | null } | undefined;

  /** builds the program, copies busybox in and records the reference under qemu-aarch64 */
  function prepare(): NonNullable<typeof reference> {
    if (reference) return reference;
    // without binfmt_misc, qemu hands the exec'd AArch64 children to the host kernel: a wrong reference
    if (!existsSync(BINFMT) || !/^enabled$/m.test(readFileSync(BINFMT, 'utf8'))) throw new Error(`qemu-aarch64 is not registered with binfmt_misc (${BINFMT}): see ARCHITECTURE.md ("Toolchain")`);
    mkdirSync(join(app.dir, 'bin'));
    copyFileSync(realBinary('busybox'), busybox);
    const cc = spawnSync('aarch64-linux-musl-gcc', ['-O2', '-static', '-o', join(app.dir, 'exec-bundled.elf'), SOURCE], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`aarch64-linux-musl-gcc failed: ${cc.stderr || cc.error?.message}`);
    const q = spawnSync('qemu-aarch64', [join(app.dir, 'exec-bundled.elf'), ...args], { encoding: 'utf8', env: {} });
    reference = { stdout: q.stdout, stderr: q.stderr, status: q.status };
    return reference;
  }

  app.plugin = { quiet: true, programs: { [busybox]: 'bin/busybox', [args[1]!]: 'hello.elf', '/bin/sh': 'bin/busybox' } };
  writeFileSync(join(app.dir, 'programs.js'), [
    "import prog from './exec-bundled.elf';",
    `prog.run({ args: ${JSON.stringify(args)}, worker: process.argv[2] === 'worker' })`,
    '  .then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, files: Object.keys(r.files).filter((f) => !f.startsWith("/dev/")) })));',
    '',
  ].join('\n'));

  it('rollup: execve finds the registered programs (one translation for two paths), as under qemu-aarch64, on the main thread and in a worker', async () => {
    const expected = prepare();
    const out = join(app.dir, 'dist-rollup');
    await builders.rollup!(app, 'programs.js', out);
    const wasm = listFiles(out).filter((f) => f.endsWith('.wasm')).map((f) => basename(f)).sort();
    expect(wasm).toEqual([expect.stringMatching(/^busybox-/), expect.stringMatching(/^exec-bundled-/), expect.stringMatching(/^hello-/)]);
    for (const mode of ['main', 'worker']) {
      const got = runBundle(join(out, 'main.js'), [mode]) as ReturnType<typeof runBundle> & { files: string[] };
      expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
      // the registered paths are files of the guest (the script unlinked itself)
      expect(got.files.sort()).toEqual(['/bin/sh', ...args.slice(0, 2)].sort());
    }
  }, 600_000);
});
