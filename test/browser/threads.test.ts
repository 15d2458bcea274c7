// A threaded program through the plugin in chromium (issue 8's browser tests): vite builds a page
// importing test/fixtures/threads/threads.c (glibc, -O2 -static -pthread) and the page runs cases
// of it on its own thread and in a worker: threads, mutexes, condition variables, TLS, barriers,
// rwlocks, atomics, timed waits and many threads, taking turns on the run's one host thread
// (src/runtime/kernel.ts). Each must print what qemu-aarch64 prints, its threads in parallel.
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeApp, removeApp } from '../bundler/app.ts';
import { crossBuilder } from '../helpers/cross-build.ts';
import { runsOnPage } from './app.ts';

const SOURCE = resolve(import.meta.dirname, '../fixtures/threads/threads.c');
const CASES = ['create-join', 'mutex', 'condvar', 'tls', 'once-barrier', 'timedwait', 'rwlock', 'atomics', 'many'];

describe('a threaded program in chromium', () => {
  const app = makeApp();
  afterAll(() => removeApp(app));

  it('vite: pthreads cases on the page and in a worker as under qemu-aarch64', async () => {
    const elf = crossBuilder('browser-threads')('aarch64-linux-gnu-gcc', SOURCE, 'threads', ['-O2', '-static', '-pthread']);
    copyFileSync(elf, join(app.dir, 'threads.elf'));
    const runs = Object.fromEntries(CASES.flatMap((c) => [[`${c} page`, { args: [c], worker: false }], [`${c} worker`, { args: [c], worker: true }]]));
    const shown = await runsOnPage(app, 'threads.elf', runs);
    for (const c of CASES) {
      const q = spawnSync('qemu-aarch64', [elf, c], { encoding: 'utf8', env: {}, timeout: 60_000 });
      const expected = { status: q.status, stdout: q.stdout, stderr: q.stderr };
      // the cases mean something: each prints its threads' work
      expect(expected.stdout.length, c).toBeGreaterThan(0);
      for (const where of ['page', 'worker']) {
        const run = shown[`${c} ${where}`]!;
        expect(run.error, `${c} ${where}: the run failed`).toBeUndefined();
        expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }, `${c} ${where}`).toEqual(expected);
      }
    }
  }, 600_000);
});
