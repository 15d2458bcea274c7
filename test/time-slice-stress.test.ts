// Tasks giving way at every chance instead of after 10 ms (ELF2WASM_TIME_SLICE_MS=0,
// runtime/kernel.ts timeSlice), with loops reaching their interrupt point every 8th turn
// (ELF2WASM_REENTRY_INTERVAL=8): every syscall and loop head of a program with several threads
// or processes then switches tasks, unwinding and resuming them where the ordinary slice does so
// only under load (CI once failed on a resume that a handler had moved). Threads, timers and
// processes against qemu-aarch64, as in their own suites.
import './helpers/time-slice-env.ts'; // first: the modules below read the environment as they load
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite } from './helpers/real.ts';

const build = crossBuilder('time-slice-stress');
const fixture = (dir: string, name: string) => resolve(import.meta.dirname, 'fixtures', dir, name);
const flags = ['-O2', '-static', '-pthread', '-Wall'];

realSuite('time slices at every chance: threads.c (glibc)', { name: 'threads-glibc', make: () => build('aarch64-linux-gnu-gcc', fixture('threads', 'threads.c'), 'threads-glibc', flags) },
  ['create-join', 'mutex', 'condvar', 'once-barrier', 'semaphores', 'timedwait', 'atomics', 'fork-in-thread', 'many', 'thread-kill',
    'busy-wait', 'wake-then-spin', 'compute-until-told', 'directed'].map((c) => ({ name: c, args: [c] })), { timeoutMs: 60_000 });
realSuite('time slices at every chance: timers.c (glibc)', { name: 'timers-glibc', make: () => build('aarch64-linux-gnu-gcc', fixture('signals', 'timers.c'), 'timers-glibc', flags) },
  ['real', 'interval', 'waits', 'blocked', 'forked', 'posix-signal', 'posix-thread'].map((c) => ({ name: c, args: [c] })), { timeoutMs: 60_000 });
realSuite('time slices at every chance: busybox sh', 'busybox', [
  { name: 'pipeline and $(…)', args: ['sh', '-c', 'seq 2000 | sort -rn | head -n 3; echo $(echo a $(echo b)); x=$(seq 100 | wc -l); echo $x'] },
  { name: 'jobs, wait and kill', args: ['sh', '-c', 'exec 2>/dev/null; (exit 3) & wait $!; echo "status $?"; yes > /dev/null & sleep 0.1; kill $!; wait $!; echo "status $?"'] },
  { name: 'trap between processes', args: ['sh', '-c', 'trap "echo got USR1" USR1; (kill -USR1 $$); echo after'] },
], { timeoutMs: 60_000 });
