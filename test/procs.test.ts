// Processes (issue 8): fork, exec, pipes, wait, signals between processes. Every case runs under
// qemu-aarch64 (the reference, at test time) and translated (runNode in a worker thread, through
// test/helpers/real.ts's realSuite); stdout, stderr and the exit status must be identical.
//
//  - procs.c (test/fixtures/procs/procs.c), built at test time for glibc and musl (-O2 -static),
//    one case per argv[1]. Cases that exec run /proc/self/exe or a '#!' script made under /tmp.
//  - busybox sh scripts (test/real/cases/busybox-procs.ts) and bash scripts
//    (test/real/cases/bash-procs.ts) on Debian's binaries (node scripts/debian-binaries.mjs).
//
// How the reference runs children, which our runner must do the same way:
//  - qemu-aarch64 hands execve to the host kernel, so the reference is right only with qemu
//    registered with binfmt_misc (ARCHITECTURE.md, "Toolchain"); the suites fail without it.
//  - busybox sh never execs /bin/<applet>: a pipeline stage or subshell is a fork (clone with
//    SIGCHLD, no CLONE_VM) that runs a NOFORK/NOEXEC applet (ls, echo, …) in the child itself,
//    and any other applet (wc, tar, cat, env, …) is execve("/proc/self/exe", {"wc", "-l", …})
//    in the child. `sh -c 'ls | wc -l'` needs no /bin/ls. xargs and find -exec start their
//    command with clone(CLONE_VM|CLONE_VFORK|SIGCHLD) on a stack of their own, then execve
//    /proc/self/exe. qemu-user runs CLONE_VM|CLONE_VFORK as a plain fork.
//  - /proc/self/exe read with readlink is the executable's host path under qemu (execPath here).
//  - bash runs external commands through PATH, where /bin/* are the host's x86-64 programs (qemu
//    would run them natively, we cannot), so the bash cases call busybox by absolute path.
//  - system() and popen() are left out: they run /bin/sh, the host's x86-64 dash here.
//
// What the cases need: fork (clone without CLONE_VM), vfork (CLONE_VM|CLONE_VFORK), execve of
// /proc/self/exe, of another executable and of '#!' scripts, wait4/waitid, pipes with blocking
// and back-pressure, dup2/dup3, close-on-exec, kill between processes and to groups, SIGCHLD,
// SIGPIPE, setpgid/getpgid/setsid, RLIMIT_NPROC, poll on pipes, shared file offsets, a reaped
// child's CPU time (wait4's rusage, RUSAGE_CHILDREN), MAP_SHARED|MAP_ANONYMOUS memory and
// process-shared semaphores and mutexes (futexes between processes); the per-case list is in the
// report of the commit that added this file and in procs.c's comments.
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realBinary, realSuite, requireBinfmt, type RealBinary, type RealCase } from './helpers/real.ts';
import { cases as bashCases } from './real/cases/bash-procs.ts';
import { cases as busyboxCases } from './real/cases/busybox-procs.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/procs/procs.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;

/** cases of procs.c: argv[1] (the x-… modes are the exec'd halves, not cases) */
const PROCS_CASES = [
  'wait-status', 'stop-cont', 'getppid', 'waitpid', 'sigchld', 'kill', 'pgroups', 'sigpipe', 'sigpipe-self',
  'exec-stdin', 'exec-errors', 'shebang', 'cloexec', 'vfork', 'posix-spawn', 'pipeline', 'poll', 'offsets', 'nproc',
  'pwait-mask', 'sleep-zombie', 'rusage', 'shared-anon', 'pshared', 'exec-threads', 'shared-file', 'flock',
];

const build = crossBuilder('procs');
function buildProcs(gcc: string, name: string): string {
  requireBinfmt();
  return build(gcc, SOURCE, name, ['-O2', '-static', '-pthread', '-Wall', '-Wextra']);
}

const debian = (name: string): RealBinary => ({ name, make: () => { requireBinfmt(); return realBinary(name); } });
// a runtime that blocks where qemu does not (a pipe never closed, a wait never answered) fails the
// case after this long instead of holding the suite for the default two minutes; without run-time
// lifting: a fork child, and a process that waited, go on after the `svc` from the dispatcher,
// which the build must have translated as an entry point
const timeoutMs = 60_000, runtimeLift = false;

for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `procs-${libc}`;
  const cases: RealCase[] = PROCS_CASES.map((c) => ({ name: c, args: [c] }));
  realSuite(`processes: procs.c (${libc})`, { name, make: () => buildProcs(gcc, name) }, cases, { timeoutMs, runtimeLift });
}
realSuite('processes: busybox sh scripts', debian('busybox'), busyboxCases, { timeoutMs, runtimeLift });
realSuite('processes: bash scripts', debian('bash-static'), bashCases, { timeoutMs, execs: [debian('busybox')], runtimeLift });
