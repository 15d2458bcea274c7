// Running a guest signal handler synchronously, before the syscall that made the signal
// deliverable returns. The translated code stores its registers to the state block before every
// syscall, so the state block is the interrupted context: it is saved, the handler is entered
// through a nested run() with a Linux-like frame on the guest stack, and when the handler returns
// (to a return address no code lives at, or through sa_restorer's rt_sigreturn) the context is
// restored and the syscall result handed back.
import { STATE, STATE_BASE } from './layout.ts';
import { GuestTrap } from './errors.ts';
import { SA_RESTORER, SA_SIGINFO, type SignalState } from './signals.ts';
import { TrapKind } from '../meta.ts';

/** where a handler "returns" when it has no sa_restorer: never translated code */
export const SIGRETURN_ADDR = 0xfffff000n;
const SIGINFO_SIZE = 128;
const UCONTEXT_SIZE = 4560; // arm64 struct ucontext with its 4 KiB __reserved area
const UC_MCONTEXT = 176; // offset of uc_mcontext (sigcontext: fault_address, regs[31], sp, pc, pstate)

export class SignalReturn extends Error {
  constructor() { super('rt_sigreturn'); }
}

export interface Reentry {
  /** calls the module's run(), starting at STATE.pc */
  run(): void;
  /** the module's call-depth counter, saved around the nested run */
  depth?: WebAssembly.Global;
}

export function runPendingHandlers(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry,
  info: { pid: number; uid: number }, result: bigint, pc: bigint): void {
  while (signals.toRun.length) {
    const { sig, code } = signals.toRun.shift()!;
    const act = signals.action(sig);
    const saved = new Uint8Array(memory.buffer, STATE_BASE, STATE.end - STATE_BASE).slice();
    const savedDv = new DataView(saved.buffer);
    savedDv.setBigUint64(0, BigInt.asUintN(64, result), true); // x0 as the syscall returns it
    savedDv.setBigUint64(STATE.pc - STATE_BASE, pc + 4n, true);
    const mask = signals.enterHandler(sig);

    const dv = new DataView(memory.buffer);
    const sp = dv.getBigUint64(STATE.sp, true);
    const uc = (sp - BigInt(UCONTEXT_SIZE)) & ~15n;
    const si = (uc - BigInt(SIGINFO_SIZE)) & ~15n;
    new Uint8Array(memory.buffer).fill(0, Number(si), Number(sp));
    dv.setInt32(Number(si), sig, true);
    dv.setInt32(Number(si) + 8, code, true);
    dv.setInt32(Number(si) + 16, info.pid, true);
    dv.setInt32(Number(si) + 20, info.uid, true);
    const mc = Number(uc) + UC_MCONTEXT;
    for (let r = 0; r < 31; r++) dv.setBigUint64(mc + 8 + 8 * r, savedDv.getBigUint64(8 * r, true), true);
    dv.setBigUint64(mc + 8 + 8 * 31, sp, true);
    dv.setBigUint64(mc + 8 + 8 * 32, pc + 4n, true);

    dv.setBigUint64(STATE.x(0), BigInt(sig), true);
    dv.setBigUint64(STATE.x(1), act.flags & SA_SIGINFO ? si : 0n, true);
    dv.setBigUint64(STATE.x(2), act.flags & SA_SIGINFO ? uc : 0n, true);
    dv.setBigUint64(STATE.x(30), act.flags & SA_RESTORER && act.restorer ? act.restorer : SIGRETURN_ADDR, true);
    dv.setBigUint64(STATE.sp, si, true);
    dv.setBigUint64(STATE.pc, act.handler, true);

    const depth = reentry.depth?.value as number | undefined;
    try {
      reentry.run();
    } catch (e) {
      const returned = e instanceof SignalReturn
        || (e instanceof GuestTrap && e.kind === TrapKind.UnknownTarget && BigInt(e.pc) === SIGRETURN_ADDR);
      if (!returned) throw e;
    }
    if (reentry.depth && depth !== undefined) reentry.depth.value = depth;
    new Uint8Array(memory.buffer).set(saved, STATE_BASE);
    signals.leaveHandler(mask);
  }
}
