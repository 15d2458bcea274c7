// Threads (issue 8 item 4): pthreads and C++ std::thread programs, run under qemu-aarch64 (the
// reference, at test time, threads truly in parallel) and translated (threads taking turns on one
// host thread, src/runtime/kernel.ts); stdout, stderr and the exit status must be identical.
// The programs print only what does not depend on how their threads interleave.
//  - threads.c (test/fixtures/threads/threads.c), built for glibc and musl (-O2 -static -pthread),
//    one case per argv[1]: create/join, mutex, condvar, TLS, once, barrier, semaphores, detached
//    threads, tids, main's pthread_exit, exit() in a thread, timed waits, rwlock, atomics with
//    sched_yield, fork in a thread, many threads, pthread_kill into sigwait, two threads taking
//    turns by busy-waiting on an atomic (no syscall: the preemption check at spin loop heads,
//    FunctionEmitter.spinLoopHeads) and a spin lock, a thread that wakes a condvar waiter and
//    then busy-waits for it, threads that compute (and store) until the main thread stops them
//    (time slices, Kernel.timeSlice, taken at their loops' interrupt points), pthread_kill to one
//    thread (its handler runs there; a signal it blocks stays pending for it: Kernel.signalThread),
//    a sleeping thread that must get its turn while a ticking one and a spinning one are always
//    ready (Kernel.longestWaiting), an alternate signal stack and a name (comm) per thread, set*id
//    and setrlimit beside threads that sleep, compute or read a pipe (musl's handlers wait for the
//    caller: Kernel.handlersUnwound), rt_sigsuspend's mask restored while another thread waits.
//  - threads-cxx.cc: std::thread, mutex, condition_variable, async with an exception, atomics,
//    thread_local (glibc; Debian has no musl C++).
// The `deadlock` case of threads.c waits forever under Linux; translated, it must end with a
// message instead of hanging (no reference: qemu hangs too).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite, type RealCase } from './helpers/real.ts';
import { loadElf, runFixture } from './helpers/run-fixture.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/threads/threads.c');
const CXX_SOURCE = resolve(import.meta.dirname, 'fixtures/threads/threads-cxx.cc');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const CASES = [
  'create-join', 'mutex', 'condvar', 'tls', 'once-barrier', 'semaphores', 'ids', 'main-exit', 'exit-group',
  'timedwait', 'rwlock', 'atomics', 'fork-in-thread', 'many', 'thread-kill', 'busy-wait', 'wake-then-spin',
  'compute-until-told', 'directed', 'sleeper-spinner', 'altstacks', 'names', 'setxid', 'suspend-mask',
];

const crossBuild = crossBuilder('threads');
const build = (compiler: string, source: string, name: string) => crossBuild(compiler, source, name, ['-O2', '-static', '-pthread', '-Wall']);

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
