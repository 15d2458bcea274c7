// Event files (issue 8): events.c (test/fixtures/procs/events.c), built for glibc and musl
// (-O2 -static), one case per argv[1]: eventfd (counter and semaphore modes, limits, blocking
// between processes), timerfd (one-shot, periodic expirations counted, absolute times on both
// clocks, gettime/settime's old value, the errors), signalfd (the reader's pending signals with
// their siginfo, mask updates, SIGCHLD from a child with its status), epoll (level- and
// edge-triggered and one-shot items, the ready list's order with a small maxevents, timeouts,
// items leaving with their file, HUP, nested instances, epoll_pwait's mask letting a signal in)
// and the siginfo of signals from other processes (the sender's pid, SIGCHLD's code and status).
// Run under qemu-aarch64 (the reference, at test time) and translated; stdout, stderr and the
// exit status must match.
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite, type RealCase } from './helpers/real.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/procs/events.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const CASES = ['eventfd', 'eventfd-fork', 'timerfd', 'signalfd', 'signalfd-child', 'siginfo-sender', 'epoll', 'epoll-fork'];

const crossBuild = crossBuilder('events');
for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `events-${libc}`;
  const cases: RealCase[] = CASES.map((c) => ({ name: c, args: [c] }));
  realSuite(`event files: events.c (${libc})`, { name, make: () => crossBuild(gcc, SOURCE, name, ['-O2', '-static', '-Wall']) }, cases, { timeoutMs: 60_000 });
}
