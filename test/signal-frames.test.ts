// The signal frame (issue 8 items 4-5, issue 11's fidelity): frames.c (test/fixtures/signals/frames.c),
// built for glibc and musl (-O2 -static -pthread), one case per argv[1]: a handler that moves
// uc_mcontext.pc or blocks a signal through uc_sigmask (rt_sigreturn takes the context back from
// the frame, signal-frame.ts), the frame record x29 points to and uc_stack, glibc's backtrace()
// through the frame (the return trampoline's two instructions, AddressSpace.sigtramp), and thread
// cancellation: glibc unwinds out of its SIGCANCEL handler (Kernel.inHandler: a handler left so
// no longer pins its nested run), musl moves the interrupted PC of a cancellable syscall; signals
// pending at once (real-time ones queued, sigqueue's SI_QUEUE and sigval, to another process; the
// order Linux's nested frames give). Run under qemu-aarch64 (the reference, at test time) and
// translated; stdout, stderr and the exit status must match.
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite, type RealCase } from './helpers/real.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/signals/frames.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const CASES = ['move-pc', 'mask', 'frame', 'queue', 'cancel-sleep', 'cancel-cond', 'cancel-async'];
const GLIBC_ONLY = ['backtrace']; // musl has no execinfo.h

const crossBuild = crossBuilder('frames');
for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `frames-${libc}`;
  const cases: RealCase[] = [...CASES, ...(libc === 'glibc' ? GLIBC_ONLY : [])].map((c) => ({ name: c, args: [c] }));
  realSuite(`signal frames: frames.c (${libc})`, { name, make: () => crossBuild(gcc, SOURCE, name, ['-O2', '-static', '-pthread', '-Wall']) }, cases, { timeoutMs: 60_000 });
}
