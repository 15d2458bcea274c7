// Interval timers and signals that reach code without syscalls (issue 8 item 5): timers.c
// (test/fixtures/signals/timers.c), built for glibc and musl (-O2 -static), one case per argv[1]:
// ITIMER_REAL/VIRTUAL/PROF signals reaching a loop that makes no syscall (its interrupt point,
// PSEUDO_SYSCALL.poll), a periodic timer, pause() and nanosleep() ended by the timer's handler
// (EINTR, nanosleep's remaining time), getitimer/setitimer/alarm settings, Linux's EINVALs, the
// default action killing a computing process, a blocked timer signal staying pending (si_code
// SI_KERNEL once unblocked), a fork child without the parent's timers; POSIX timers: a periodic
// SIGEV_SIGNAL timer's siginfo (SI_TIMER, sigev_value) and setting, an absolute CLOCK_REALTIME
// expiry, SIGEV_NONE, EINVALs, SIGEV_THREAD (the C library's helper thread takes SIGEV_THREAD_ID
// signals with sigwaitinfo: Kernel.signalThread); a computed-goto interpreter's loop, whose head is
// a dispatch without a PC of its own (function.ts shareDispatch), taking the timer's signal and
// giving way to another thread (interp, interp-thread), its handler waiting for another thread
// (interp-wait: handlers run from the dispatcher, not nested). Run under qemu-aarch64 (the reference, at test
// time) and translated; stdout, stderr and the exit status must match.
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite, type RealCase } from './helpers/real.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/signals/timers.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const CASES = [
  'real', 'virtual', 'prof', 'interval', 'waits', 'settings', 'invalid', 'fatal', 'blocked', 'forked',
  'posix-signal', 'posix-abs', 'posix-none', 'posix-invalid', 'posix-thread', 'interp', 'interp-thread', 'interp-wait',
];

const crossBuild = crossBuilder('timers');
for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `timers-${libc}`;
  const cases: RealCase[] = CASES.map((c) => ({ name: c, args: [c] }));
  realSuite(`timers: timers.c (${libc})`, { name, make: () => crossBuild(gcc, SOURCE, name, ['-O2', '-static', '-pthread', '-Wall']) }, cases, { timeoutMs: 60_000 });
}
