// Running a guest signal handler synchronously, before the syscall that made the signal
// deliverable returns. The translated code stores its registers to the state block before every
// syscall, so the state block is the interrupted context: it is saved, the handler is entered
// through a nested run() with a Linux-like frame on the guest stack, and when the handler returns
// (to a return address no code lives at, or through sa_restorer's rt_sigreturn) the context is
// restored and the syscall result handed back.
import { STATE, STATE_BASE } from './layout.ts';
import { GuestFault, GuestTrap } from './errors.ts';
import { SA_ONSTACK, SA_RESTORER, SA_SIGINFO, SI_KERNEL, SI_TIMER, type SignalInfo, type SignalState } from './signals.ts';
import { TrapKind } from '../meta.ts';

/** where a handler "returns" when it has no sa_restorer: never translated code */
export const SIGRETURN_ADDR = 0xfffff000n;
export const SIGINFO_SIZE = 128;
const UCONTEXT_SIZE = 4560; // arm64 struct ucontext with its 4 KiB __reserved area
const UC_MCONTEXT = 176; // offset of uc_mcontext (sigcontext: fault_address, regs[31], sp, pc, pstate)
/** offsets in sigcontext of x<r>, sp and pc */
const MC_X = (r: number) => 8 + 8 * r, MC_SP = MC_X(31), MC_PC = MC_X(32);

export class SignalReturn extends Error {
  constructor() { super('rt_sigreturn'); }
}

export interface Reentry {
  /** calls the module's run(), starting at STATE.pc */
  run(): void;
  /** the module's call-depth counter, saved around the nested run */
  depth?: WebAssembly.Global;
  /** whether the guest may write [start, end): a frame that does not fit kills the process (SIGSEGV) */
  writable?: (start: number, end: number) => boolean;
}

/**
 * Runs the handlers of the signals a syscall at `pc` let in, before it returns `result`; without
 * a result, before it is restarted (SA_RESTART): the interrupted context is then the `svc` itself
 * with its arguments.
 */
export function runPendingHandlers(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry,
  info: { pid: number; uid: number }, result: bigint | undefined, pc: bigint): void {
  while (signals.toRun.length) {
    const { sig, ...si } = signals.toRun.shift()!;
    runHandler(memory, signals, reentry, sig, siginfoOf(si, info), result === undefined ? { pc } : { pc: pc + 4n, x0: result });
  }
}

/**
 * A synchronous fault (SIGSEGV, SIGBUS) at `pc`, with the state block holding the registers
 * before the faulting instruction: runs the guest's handler, then takes the context back from
 * the frame's ucontext as rt_sigreturn does, so a handler that fixed the mapping retries the
 * instruction and one that changed uc_mcontext.pc goes on there. The caller has checked that a
 * handler is installed and the signal not blocked.
 */
export function runFaultHandler(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry,
  sig: number, code: number, addr: bigint, pc: bigint): void {
  const frame = runHandler(memory, signals, reentry, sig, { code, addr }, { pc });
  const dv = new DataView(memory.buffer), mc = frame + UC_MCONTEXT;
  for (let r = 0; r < 31; r++) dv.setBigUint64(STATE.x(r), dv.getBigUint64(mc + MC_X(r), true), true);
  dv.setBigUint64(STATE.sp, dv.getBigUint64(mc + MC_SP, true), true);
  dv.setBigUint64(STATE.pc, dv.getBigUint64(mc + MC_PC, true), true);
}

/**
 * Taking and returning from an exception clears the local exclusive monitor (qemu-aarch64 clears
 * it whenever guest code resumes): a store exclusive in the handler, or after it returns, fails.
 * (SVC clears it in the translated code: arch/aarch64/table/branch.ts.)
 */
function openExclusiveMonitor(memory: WebAssembly.Memory): void {
  new DataView(memory.buffer).setBigUint64(STATE.exclusiveAddr, 0n, true); // complemented: 0 holds no address
}

/** what the handler's siginfo says: si_code, and the sender (kill), the faulting address or a POSIX timer's fields */
interface SigInfo { code: number; pid?: number; uid?: number; addr?: bigint; timer?: SignalInfo['timer'] }

/** a raised signal's siginfo: a signal from a process names the sender (here: the receiver's own pid and uid), the kernel's none */
export function siginfoOf(si: SignalInfo, sender: { pid: number; uid: number }): SigInfo {
  return si.code === SI_KERNEL || si.code === SI_TIMER ? si : { ...si, pid: sender.pid, uid: sender.uid };
}

/** writes a siginfo_t at `at` over zeros (SIGINFO_SIZE bytes) */
export function writeSiginfo(dv: DataView, at: number, sig: number, si: SigInfo): void {
  dv.setInt32(at, sig, true);
  dv.setInt32(at + 8, si.code, true);
  if (si.addr !== undefined) dv.setBigUint64(at + 16, si.addr, true);
  else if (si.timer) {
    dv.setInt32(at + 16, si.timer.id, true);
    dv.setInt32(at + 20, si.timer.overrun, true);
    dv.setBigUint64(at + 24, BigInt.asUintN(64, si.timer.value), true);
  } else {
    dv.setInt32(at + 16, si.pid ?? 0, true);
    dv.setInt32(at + 20, si.uid ?? 0, true);
  }
}

/**
 * Runs the handler of `sig` in a nested run() on a Linux-like frame, the state block holding the
 * interrupted context (`at.pc` where it resumes, `at.x0` a syscall result), and restores the
 * state block when the handler returns. Returns the frame's ucontext address (still in memory).
 */
function runHandler(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry, sig: number, si: SigInfo, at: { pc: bigint; x0?: bigint }): number {
  const act = signals.action(sig);
  openExclusiveMonitor(memory); // for the handler and, saved so, for the interrupted code after it
  const saved = new Uint8Array(memory.buffer, STATE_BASE, STATE.end - STATE_BASE).slice();
  const savedDv = new DataView(saved.buffer);
  if (at.x0 !== undefined) savedDv.setBigUint64(0, BigInt.asUintN(64, at.x0), true);
  savedDv.setBigUint64(STATE.pc - STATE_BASE, at.pc, true);
  const mask = signals.enterHandler(sig);

  const dv = new DataView(memory.buffer);
  const sp = dv.getBigUint64(STATE.sp, true);
  // SA_ONSTACK: the frame goes on the alternate stack unless the guest already runs on it
  const alt = signals.altstack;
  const onAlt = alt.flags === 0 && sp > alt.sp && sp <= alt.sp + alt.size;
  const top = act.flags & SA_ONSTACK && alt.flags === 0 && !onAlt ? alt.sp + alt.size : sp;
  const uc = (top - BigInt(UCONTEXT_SIZE)) & ~15n;
  const info = (uc - BigInt(SIGINFO_SIZE)) & ~15n;
  if (top > 2n ** 32n || info < 0n || (reentry.writable && !reentry.writable(Number(info), Number(top)))) {
    throw new GuestFault(`cannot deliver signal ${sig}: no writable stack for its frame at 0x${top.toString(16)}`);
  }
  new Uint8Array(memory.buffer).fill(0, Number(info), Number(top));
  writeSiginfo(dv, Number(info), sig, si);
  const mc = Number(uc) + UC_MCONTEXT;
  dv.setBigUint64(mc, si.addr ?? 0n, true); // fault_address
  for (let r = 0; r < 31; r++) dv.setBigUint64(mc + MC_X(r), savedDv.getBigUint64(8 * r, true), true);
  dv.setBigUint64(mc + MC_SP, sp, true);
  dv.setBigUint64(mc + MC_PC, at.pc, true);

  dv.setBigUint64(STATE.x(0), BigInt(sig), true);
  dv.setBigUint64(STATE.x(1), act.flags & SA_SIGINFO ? info : 0n, true);
  dv.setBigUint64(STATE.x(2), act.flags & SA_SIGINFO ? uc : 0n, true);
  dv.setBigUint64(STATE.x(30), act.flags & SA_RESTORER && act.restorer ? act.restorer : SIGRETURN_ADDR, true);
  dv.setBigUint64(STATE.sp, info, true);
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
  return Number(uc);
}
