// A dynamically linked executable through the plugin in chromium (issue 12): vite builds a page
// importing Debian's cross-built glibc hello (PIE, ld-linux-aarch64.so.1, libc.so.6) with the
// `sysroot` option; the plugin translates the program with its interpreter and libc.so.6 on its
// own, bundles the files ld.so opens, and the page runs it on its thread and in a worker. The
// output must be what `qemu-aarch64 -L SYSROOT` prints, and libc's code must come from its
// translation ahead of time (nothing lifted at run time).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeApp, removeApp } from '../bundler/app.ts';
import { runsOnPage } from './app.ts';

const SYSROOT = '/usr/aarch64-linux-gnu';
const ARGS = ['one', 'two three'];
const usable = existsSync(join(SYSROOT, 'lib/libc.so.6')) && spawnSync('qemu-aarch64', ['--version']).status === 0;

describe('a dynamic executable in chromium', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));

  // outside CI a machine without Debian's cross sysroot or qemu skips, saying so; CI has both
  it.skipIf(!usable && !process.env.CI)(`vite: glibc hello with its libraries translated ahead of time runs on the page and in a worker as under qemu-aarch64 -L${usable ? '' : ' (skipped: no sysroot or qemu-aarch64 here)'}`, async () => {
    const q = spawnSync('qemu-aarch64', ['-L', SYSROOT, join(app.dir, 'dynamic.elf'), ...ARGS], { encoding: 'utf8', env: {} });
    const expected = { status: q.status, stdout: q.stdout, stderr: q.stderr };
    const runs = await runsOnPage(app, 'dynamic.elf', { main: { args: ARGS, worker: false }, worker: { args: ARGS, worker: true } }, { sysroot: SYSROOT });
    for (const [id, run] of Object.entries(runs)) {
      expect(run.error, `${id}: the run failed`).toBeUndefined();
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }, id).toEqual(expected);
      // ld.so is in the program's translation, libc.so.6 in its own: nothing left to lift
      expect(run.liftedFunctions, id).toBe(0);
    }
  }, 600_000);
});
