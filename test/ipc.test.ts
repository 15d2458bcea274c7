// Communication between processes beyond pipes (issue 8), three C programs in
// test/fixtures/procs/, each built for glibc and musl (-O2 -static), one case per argv[1]:
//  - events.c: eventfd (counter and semaphore modes, limits, blocking between processes), timerfd
//    (one-shot, periodic expirations counted, absolute times on both clocks, gettime/settime's old
//    value, the errors), signalfd (the reader's pending signals with their siginfo, mask updates,
//    SIGCHLD from a child with its status), epoll (level- and edge-triggered and one-shot items, the
//    ready list's order with a small maxevents, timeouts, items leaving with their file, HUP, nested
//    instances, epoll_pwait's mask letting a signal in), and the siginfo of signals from other
//    processes (the sender's pid, SIGCHLD's code and status);
//  - sysv-ipc.c: System V shared memory (by key and private, inherited by fork, attached by an
//    exec'd program, outliving its attachments, removal while attached), semaphore sets
//    (all-or-nothing operations, waits for a value and for zero, timeouts, SEM_UNDO at exit) and
//    message queues (types, MSG_EXCEPT, truncation, a full queue), removal under a waiter;
//  - sockets.c: AF_UNIX sockets: socketpair of each type, servers on a path and on an abstract
//    name with clients in children, datagrams by address, open files passed with SCM_RIGHTS,
//    SO_PEERCRED, shutdown and end of file, EPIPE, poll, the errors; FIFOs (mkfifo, mknod): a
//    reader waits for a writer, O_NONBLOCK's rules, O_RDWR, nothing left once nobody has it open.
// Run under qemu-aarch64 (the reference, at test time; exec'd children through binfmt_misc, as in
// procs.test.ts) and translated; stdout, stderr and the exit status must match.
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite, requireBinfmt, type RealCase } from './helpers/real.ts';

const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const PROGRAMS: { name: string; title: string; cases: string[]; execs?: boolean }[] = [
  { name: 'events', title: 'event files', cases: ['eventfd', 'eventfd-fork', 'timerfd', 'signalfd', 'signalfd-child', 'siginfo-sender', 'epoll', 'epoll-fork'] },
  { name: 'sysv-ipc', title: 'System V IPC', cases: ['shm', 'sem', 'msg'], execs: true },
  { name: 'sockets', title: 'AF_UNIX sockets and FIFOs', cases: ['pair', 'named', 'rights', 'fifo'] },
];

for (const program of PROGRAMS) {
  const source = resolve(import.meta.dirname, `fixtures/procs/${program.name}.c`);
  const crossBuild = crossBuilder(program.name);
  for (const [libc, gcc] of Object.entries(LIBCS)) {
    const name = `${program.name}-${libc}`;
    const make = (): string => {
      if (program.execs) requireBinfmt();
      return crossBuild(gcc, source, name, ['-O2', '-static', '-Wall']);
    };
    const cases: RealCase[] = program.cases.map((c) => ({ name: c, args: [c] }));
    realSuite(`${program.title}: ${program.name}.c (${libc})`, { name, make }, cases, { timeoutMs: 60_000 });
  }
}
