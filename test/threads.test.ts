// Threads (issue 8 item 4): pthreads and C++ std::thread programs, run under qemu-aarch64 (the
// reference, at test time, threads truly in parallel) and translated (threads taking turns on one
// host thread, src/runtime/kernel.ts); stdout, stderr and the exit status must be identical.
// The programs print only what does not depend on how their threads interleave.
//  - threads.c (test/fixtures/threads/threads.c), built for glibc and musl (-O2 -static -pthread),
//    one case per argv[1]: create/join, mutex, condvar, TLS, once, barrier, semaphores, detached
//    threads, tids, main's pthread_exit, exit() in a thread, timed waits, rwlock, atomics with
//    sched_yield, fork in a thread, many threads, pthread_kill into sigwait.
//  - threads-cxx.cc: std::thread, mutex, condition_variable, async with an exception, atomics,
//    thread_local (glibc; Debian has no musl C++).
// The `deadlock` case of threads.c waits forever under Linux; translated, it must end with a
// message instead of hanging (no reference: qemu hangs too).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realSuite, type RealCase } from './helpers/real.ts';
import { loadElf, runFixture } from './helpers/run-fixture.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/threads/threads.c');
const CXX_SOURCE = resolve(import.meta.dirname, 'fixtures/threads/threads-cxx.cc');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const CASES = [
  'create-join', 'mutex', 'condvar', 'tls', 'once-barrier', 'semaphores', 'ids', 'main-exit', 'exit-group',
  'timedwait', 'rwlock', 'atomics', 'fork-in-thread', 'many', 'thread-kill',
];

let buildDir: string | undefined;
afterAll(() => { if (buildDir) rmSync(buildDir, { recursive: true, force: true }); });

function build(compiler: string, source: string, name: string): string {
  buildDir ??= mkdtempSync(join(tmpdir(), 'elf2wasm-threads-'));
  const out = join(buildDir, name);
  try {
    execFileSync(compiler, ['-O2', '-static', '-pthread', '-Wall', '-o', out, source], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`building ${source} with ${compiler} failed (the cross toolchain: see ARCHITECTURE.md, "Toolchain"): ${e instanceof Error ? e.message : String(e)}`);
  }
  return out;
}

const timeoutMs = 60_000;
for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `threads-${libc}`;
  const cases: RealCase[] = CASES.map((c) => ({ name: c, args: [c] }));
  realSuite(`threads: threads.c (${libc})`, { name, make: () => build(gcc, SOURCE, name) }, cases, { timeoutMs });
}
realSuite('threads: C++ std::thread (glibc)', { name: 'threads-cxx', make: () => build('aarch64-linux-gnu-g++', CXX_SOURCE, 'threads-cxx') },
  [{ name: 'std-thread', args: [] }], { timeoutMs });

describe('threads: a deadlock', () => {
  it('ends the process with a message naming the futex instead of hanging (Linux would wait forever)', async () => {
    const path = build(LIBCS.glibc, SOURCE, 'threads-deadlock');
    const bin = await loadElf(readFileSync(path), path, { inChild: true });
    const r = await runFixture(bin, ['deadlock']);
    expect(r.stderr).toMatch(/deadlock: thread \d+ waits on the futex at 0x[0-9a-f]+ and no thread of any process can run to wake it/);
    expect(r.status).toBe(128 + 9);
  }, 120_000);
});
