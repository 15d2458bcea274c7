// The plugin's `programs` option under Node: a bundled program execs other bundled programs by guest
// path (Debian's busybox for `sh -c` with a pipeline and `$(…)`, a second program, a `#!` script
// whose interpreter is the registered busybox, an unregistered path), with output identical to
// qemu-aarch64's (programs-app.ts says how the reference finds the same programs).
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles, removeApp, runBundle } from './app.ts';
import { builders } from './builders.ts';
import { makeProgramsApp } from './programs-app.ts';

describe('programs option', () => {
  const { app, args, reference } = makeProgramsApp();
  afterAll(() => removeApp(app));

  for (const [name, build] of Object.entries(builders)) {
    // esbuild without splitting has no run-time lifter on the main thread (README), and the child of
    // musl's fork resumes after the svc in _Fork at code the build did not translate
    const modes = name === 'esbuild' ? ['worker'] : ['main', 'worker'];
    it(`${name}: execve finds the registered programs (one translation for two paths), as under qemu-aarch64, ${modes.length > 1 ? 'on the main thread and in a worker' : 'in a worker (no lifter on its main thread)'}`, async () => {
      const expected = reference();
      const out = join(app.dir, `dist-${name}`);
      await build(app, 'programs.js', out);
      const wasm = listFiles(out).filter((f) => f.endsWith('.wasm')).map((f) => basename(f)).sort();
      expect(wasm).toEqual([expect.stringMatching(/^busybox-/), expect.stringMatching(/^exec-bundled-/), expect.stringMatching(/^hello-/)]);
      for (const mode of modes) {
        const got = runBundle(join(out, 'main.js'), [mode]) as ReturnType<typeof runBundle> & { files: string[] };
        expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
        // the registered paths are files of the guest (the script unlinked itself)
        expect(got.files).toEqual(['/bin/sh', ...args.slice(0, 2)].sort());
      }
    }, 600_000);
  }
});
