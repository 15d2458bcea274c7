// Running a guest signal handler synchronously, before the syscall that made the signal
// deliverable returns. The translated code stores its registers to the state block before every
// syscall, so the state block is the interrupted context: the handler is entered through a nested
// run() on the frame Linux builds on the guest stack, and when it returns (through the return
// trampoline or its sa_restorer, both rt_sigreturn) the context comes back from that frame.
import { STATE, STATE_BASE } from './layout.ts';
import { GuestFault, GuestTrap } from './errors.ts';
import { onAltStack, SA_ONSTACK, SA_RESTORER, SA_SIGINFO, SI_KERNEL, SI_TIMER, type SignalInfo, type SignalState } from './signals.ts';
import { TrapKind } from '../meta.ts';

/**
 * The signal return trampoline (`mov x8, #139; svc #0`, rt_sigreturn), which the runtime writes
 * at AddressSpace.sigtramp: a handler without sa_restorer returns there, as to Linux's vDSO
 * sigtramp. Unwinders (libgcc's, glibc's thread cancellation) recognise a signal frame by these
 * two instructions at the return address.
 */
const SIGTRAMP_CODE = [0xd2801168, 0xd4000001];

export function writeSigtramp(memory: WebAssembly.Memory, at: number): void {
  const dv = new DataView(memory.buffer);
  SIGTRAMP_CODE.forEach((word, k) => dv.setUint32(at + 4 * k, word, true));
}
export const SIGINFO_SIZE = 128;
const UCONTEXT_SIZE = 4560; // arm64 struct ucontext with its 4 KiB __reserved area
const UC_STACK = 16; // offset of uc_stack (stack_t: ss_sp, ss_flags, ss_size)
const UC_SIGMASK = 40; // offset of uc_sigmask (the kernel's 64-bit sigset_t)
const UC_MCONTEXT = 176; // offset of uc_mcontext (sigcontext: fault_address, regs[31], sp, pc, pstate, __reserved)
/** offsets in sigcontext of x<r> (sp as r = 31), pc, pstate and the records area */
const MC_X = (r: number) => 8 + 8 * r, MC_PC = MC_X(32), MC_PSTATE = MC_X(33), MC_RESERVED = 288;
/** the fpsimd_context record: header {magic, size}, fpsr, fpcr, v0–v31 */
const FPSIMD_MAGIC = 0x46508001, FPSIMD_SIZE = 528;
const SS_ONSTACK = 1;

export class SignalReturn extends Error {
  constructor() { super('rt_sigreturn'); }
}

/** thrown from a handler's syscall whose own handlers moved its context: the nested run goes on from the state block */
export class ContextChanged extends Error {
  constructor() { super('signal context changed'); }
}

/** where a handler's signal frame lies: from `low` up, on a stack whose lowest address is `floor` (0: the thread's own stack; the alternate stack's base) */
export interface HandlerFrame { floor: number; low: number }

export interface Reentry {
  /** calls the module's run(), starting at STATE.pc, for a handler with its frame at `frame` */
  run(frame: HandlerFrame): void;
  /** the module's call-depth counter, saved around the nested run */
  depth?: WebAssembly.Global;
  /** whether the guest may write [start, end): a frame that does not fit kills the process (SIGSEGV) */
  writable?: (start: number, end: number) => boolean;
  /** the signal return trampoline's address (AddressSpace.sigtramp): a jump there ends the handler */
  sigreturn: number;
}

/**
 * Runs the handlers of the signals a syscall at `pc` let in, before it returns `result`; without
 * a result, before it is restarted (SA_RESTART): the interrupted context is then the `svc` itself
 * with its arguments. Whether the handlers changed that context (then the state block, not the
 * caller's registers, is where the guest goes on).
 */
export function runPendingHandlers(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry,
  info: { pid: number; uid: number }, result: bigint | undefined, pc: bigint): boolean {
  interruptedAt(memory, result, pc);
  let changed = false;
  while (signals.toRun.length) {
    const { sig, ...si } = signals.toRun.shift()!;
    if (signals.hasHandler(sig) && runHandler(memory, signals, reentry, sig, siginfoOf(si, info), info)) changed = true;
  }
  return changed;
}

/** the context a syscall at `pc` leaves in the state block: after it, returning `result`; without one, the `svc` to be done again */
function interruptedAt(memory: WebAssembly.Memory, result: bigint | undefined, pc: bigint): void {
  const dv = new DataView(memory.buffer);
  if (result !== undefined) dv.setBigUint64(STATE.x(0), BigInt.asUintN(64, result), true);
  dv.setBigUint64(STATE.pc, result === undefined ? pc : pc + 4n, true);
}

/**
 * A synchronous fault (SIGSEGV, SIGBUS) at `pc`, with the state block holding the registers
 * before the faulting instruction: runs the guest's handler, which returns to the context in its
 * frame as rt_sigreturn does, so a handler that fixed the mapping retries the instruction and one
 * that changed uc_mcontext.pc goes on there. The caller has checked that a handler is installed
 * and the signal not blocked.
 */
export function runFaultHandler(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry,
  sig: number, code: number, addr: bigint, pc: bigint): void {
  new DataView(memory.buffer).setBigUint64(STATE.pc, pc, true);
  runHandler(memory, signals, reentry, sig, { code, addr });
}

/**
 * Taking and returning from an exception clears the local exclusive monitor (qemu-aarch64 clears
 * it whenever guest code resumes): a store exclusive in the handler, or after it returns, fails.
 * (SVC clears it in the translated code: arch/aarch64/table/branch.ts.)
 */
function openExclusiveMonitor(memory: WebAssembly.Memory): void {
  new DataView(memory.buffer).setBigUint64(STATE.exclusiveAddr, 0n, true); // complemented: 0 holds no address
}

/** what the handler's siginfo says: si_code, and the sender (kill, sigqueue with its sigval), the faulting address or a POSIX timer's fields */
interface SigInfo { code: number; pid?: number; uid?: number; addr?: bigint; timer?: SignalInfo['timer']; value?: bigint; status?: number }

/** a raised signal's siginfo: a signal from a process names the sender (unless it says which: `self`, the receiver), the kernel's none */
export function siginfoOf(si: SignalInfo, self: { pid: number; uid: number }): SigInfo {
  return si.code === SI_KERNEL || si.code === SI_TIMER ? si : { ...si, pid: si.pid ?? self.pid, uid: si.uid ?? self.uid };
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
    if (si.status !== undefined) dv.setInt32(at + 24, si.status, true); // SIGCHLD's si_status
    else if (si.value !== undefined) dv.setBigUint64(at + 24, BigInt.asUintN(64, si.value), true); // sigqueue's sigval
  }
}

/** a handler's frame built over the interrupted context (pushFrame): where it lies, and what runHandler restores from */
interface PushedFrame { frame: HandlerFrame; uc: number; saved: Uint8Array }

/**
 * Builds the frame Linux builds for `sig`'s handler (rt_sigframe: siginfo, ucontext with the
 * registers, NZCV, the FP/SIMD registers and the signal mask, and above it a frame record {x29,
 * x30} that x29 points to) over the context in the state block, and points the state block at
 * the handler: its arguments, its stack, x30 the return trampoline. The handler's mask takes
 * effect.
 */
function pushFrame(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry, sig: number, si: SigInfo): PushedFrame {
  const act = signals.action(sig);
  openExclusiveMonitor(memory); // for the handler and, saved so, for the interrupted code after it
  const saved = new Uint8Array(memory.buffer, STATE_BASE, STATE.end - STATE_BASE).slice();
  const savedDv = new DataView(saved.buffer);
  const mask = signals.enterHandler(sig);

  const dv = new DataView(memory.buffer);
  const sp = dv.getBigUint64(STATE.sp, true);
  // SA_ONSTACK: the frame goes on the alternate stack unless the guest already runs on it
  const alt = signals.altstack;
  const onAlt = onAltStack(alt, sp);
  const toAlt = act.flags & SA_ONSTACK && alt.flags === 0 && !onAlt;
  const top = toAlt ? alt.sp + alt.size : sp;
  const record = (top - 16n) & ~15n;
  const info = (record - BigInt(SIGINFO_SIZE + UCONTEXT_SIZE)) & ~15n;
  const uc = info + BigInt(SIGINFO_SIZE);
  if (top > 2n ** 32n || info < 0n || (reentry.writable && !reentry.writable(Number(info), Number(top)))) {
    throw new GuestFault(`cannot deliver signal ${sig}: no writable stack for its frame at 0x${top.toString(16)}`);
  }
  new Uint8Array(memory.buffer).fill(0, Number(info), Number(record) + 16);
  writeSiginfo(dv, Number(info), sig, si);
  const u = Number(uc);
  dv.setBigUint64(u + UC_STACK, alt.sp, true);
  dv.setInt32(u + UC_STACK + 8, alt.flags === 0 ? (onAlt ? SS_ONSTACK : 0) : alt.flags, true);
  dv.setBigUint64(u + UC_STACK + 16, alt.size, true);
  dv.setBigUint64(u + UC_SIGMASK, mask, true);
  writeContext(dv, u + UC_MCONTEXT, savedDv, si.addr ?? 0n);
  dv.setBigUint64(Number(record), savedDv.getBigUint64(8 * 29, true), true);
  dv.setBigUint64(Number(record) + 8, savedDv.getBigUint64(8 * 30, true), true);

  dv.setBigUint64(STATE.x(0), BigInt(sig), true);
  dv.setBigUint64(STATE.x(1), act.flags & SA_SIGINFO ? info : 0n, true);
  dv.setBigUint64(STATE.x(2), act.flags & SA_SIGINFO ? uc : 0n, true);
  dv.setBigUint64(STATE.x(29), record, true);
  dv.setBigUint64(STATE.x(30), act.flags & SA_RESTORER && act.restorer ? act.restorer : BigInt(reentry.sigreturn), true);
  dv.setBigUint64(STATE.sp, info, true);
  dv.setBigUint64(STATE.pc, act.handler, true);
  return { frame: { floor: toAlt || onAlt ? Number(alt.sp) : 0, low: Number(info) }, uc: u, saved };
}

/**
 * The frames of every signal in `signals.toRun` that its predecessors' handlers do not block,
 * each on top of the last (pushFrame), as Linux sets them up before any handler runs: the last
 * one's handler runs first. One that a handler's mask now blocks waits until that handler
 * returns. `push` builds a frame (and, for a nested run, runs its handler).
 */
function pushWaiting(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry, sender: { pid: number; uid: number }, push: (sig: number, si: SigInfo) => void): void {
  const waiting: typeof signals.toRun = [];
  while (signals.toRun.length) {
    const next = signals.toRun.shift()!;
    if (signals.blocked(next.sig)) waiting.push(next);
    else if (signals.hasHandler(next.sig)) push(next.sig, siginfoOf(next, sender));
  }
  for (const w of waiting.reverse()) signals.putBack(w); // each first in its queue, in the order sent
}

/**
 * Runs the handler of `sig` in a nested run() on its frame (pushFrame), the state block holding
 * the interrupted context. When the handler returns, the context is taken back from the frame as
 * rt_sigreturn does: a handler may change it (musl's thread cancellation moves the PC; a handler
 * may block signals in uc_sigmask). Returns whether the context differs from the one interrupted.
 */
function runHandler(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry, sig: number, si: SigInfo, sender?: { pid: number; uid: number }): boolean {
  const { frame, uc: u, saved } = pushFrame(memory, signals, reentry, sig, si);
  if (sender) pushWaiting(memory, signals, reentry, sender, (next, nextSi) => { runHandler(memory, signals, reentry, next, nextSi, sender); });

  const depth = reentry.depth?.value as number | undefined;
  for (;;) {
    try {
      reentry.run(frame);
    } catch (e) {
      if (reentry.depth && depth !== undefined) reentry.depth.value = depth;
      if (e instanceof ContextChanged) continue; // from STATE.pc again
      const returned = e instanceof SignalReturn
        || (e instanceof GuestTrap && e.kind === TrapKind.UnknownTarget && e.pc === reentry.sigreturn);
      if (!returned) throw e;
    }
    break;
  }
  if (reentry.depth && depth !== undefined) reentry.depth.value = depth;
  // what rt_sigreturn takes from the frame; the rest (TPIDR, the monitor, …) as it was
  const after = new DataView(memory.buffer);
  const changed = readContext(after, u + UC_MCONTEXT, new DataView(saved.buffer));
  new Uint8Array(memory.buffer).set(saved, STATE_BASE);
  signals.leaveHandler(after.getBigUint64(u + UC_SIGMASK, true));
  return changed;
}

/**
 * Sets up, without running them, the handlers of the signals a syscall at `after.pc` let in before
 * it returns `after.result` (or that the context in the state block takes, after a return from a
 * handler): their frames (pushFrame, pushWaiting), the state block at the first handler
 * to run. The caller unwinds to the dispatcher, which runs it as any code, so that a handler
 * waiting for another thread can give way as any code can (a nested run cannot be unwound);
 * rt_sigreturn then takes the context back (returnFromFrame). Returns each frame's lowest
 * address (its siginfo, where the stack pointer is at rt_sigreturn), first pushed first.
 */
export function pushPendingHandlers(memory: WebAssembly.Memory, signals: SignalState, reentry: Reentry,
  sender: { pid: number; uid: number }, after?: { result: bigint; pc: bigint }): number[] {
  if (after) interruptedAt(memory, after.result, after.pc);
  const frames: number[] = [];
  pushWaiting(memory, signals, reentry, sender, (sig, si) => frames.push(pushFrame(memory, signals, reentry, sig, si).frame.low));
  return frames;
}

/** rt_sigreturn of a handler pushPendingHandlers set up, the stack pointer at its frame: the context and mask back from it */
export function returnFromFrame(memory: WebAssembly.Memory, signals: SignalState, sp: number): void {
  const dv = new DataView(memory.buffer), uc = sp + SIGINFO_SIZE;
  openExclusiveMonitor(memory);
  readContext(dv, uc + UC_MCONTEXT, new DataView(memory.buffer, STATE_BASE, STATE.end - STATE_BASE));
  signals.leaveHandler(dv.getBigUint64(uc + UC_SIGMASK, true));
}

/** the registers of `regs` (a copy of the state block) as sigcontext at `mc`: fault_address, x0–x30, sp, pc, pstate, then the FP/SIMD record */
function writeContext(dv: DataView, mc: number, regs: DataView, faultAddress: bigint): void {
  const reg = (offset: number) => regs.getBigUint64(offset - STATE_BASE, true);
  dv.setBigUint64(mc, faultAddress, true);
  for (let r = 0; r < 32; r++) dv.setBigUint64(mc + MC_X(r), reg(r === 31 ? STATE.sp : STATE.x(r)), true);
  dv.setBigUint64(mc + MC_PC, reg(STATE.pc), true);
  const flag = (offset: number, bitNo: number) => BigInt(regs.getInt32(offset - STATE_BASE, true) & 1) << BigInt(bitNo);
  dv.setBigUint64(mc + MC_PSTATE, flag(STATE.n, 31) | flag(STATE.z, 30) | flag(STATE.c, 29) | flag(STATE.v, 28), true);
  const fp = mc + MC_RESERVED;
  dv.setUint32(fp, FPSIMD_MAGIC, true);
  dv.setUint32(fp + 4, FPSIMD_SIZE, true);
  dv.setUint32(fp + 8, regs.getUint32(STATE.fpsr - STATE_BASE, true), true);
  dv.setUint32(fp + 12, regs.getUint32(STATE.fpcr - STATE_BASE, true), true);
  for (let k = 0; k < 32 * 16; k += 8) dv.setBigUint64(fp + 16 + k, regs.getBigUint64(STATE.vreg(0) - STATE_BASE + k, true), true);
}

/** takes the context back from sigcontext at `mc` into `regs` (the FP/SIMD registers if their record is still there); whether anything changed */
function readContext(dv: DataView, mc: number, regs: DataView): boolean {
  let changed = false;
  const set64 = (offset: number, v: bigint) => {
    if (regs.getBigUint64(offset - STATE_BASE, true) !== v) changed = true;
    regs.setBigUint64(offset - STATE_BASE, v, true);
  };
  const set32 = (offset: number, v: number) => {
    if (regs.getInt32(offset - STATE_BASE, true) !== v) changed = true;
    regs.setInt32(offset - STATE_BASE, v, true);
  };
  for (let r = 0; r < 32; r++) set64(r === 31 ? STATE.sp : STATE.x(r), dv.getBigUint64(mc + MC_X(r), true));
  set64(STATE.pc, dv.getBigUint64(mc + MC_PC, true));
  const pstate = Number(dv.getBigUint64(mc + MC_PSTATE, true) & 0xffffffffn);
  set32(STATE.n, (pstate >>> 31) & 1);
  set32(STATE.z, (pstate >>> 30) & 1);
  set32(STATE.c, (pstate >>> 29) & 1);
  set32(STATE.v, (pstate >>> 28) & 1);
  const fp = mc + MC_RESERVED;
  if (dv.getUint32(fp, true) === FPSIMD_MAGIC && dv.getUint32(fp + 4, true) === FPSIMD_SIZE) {
    const fpsr = dv.getInt32(fp + 8, true), fpcr = dv.getInt32(fp + 12, true);
    // as a guest write of FPCR or FPSR does: FP operations honour them from now on
    if (fpsr !== regs.getInt32(STATE.fpsr - STATE_BASE, true) || fpcr !== regs.getInt32(STATE.fpcr - STATE_BASE, true)) regs.setInt32(STATE.fpStrict - STATE_BASE, 1, true);
    set32(STATE.fpsr, fpsr);
    set32(STATE.fpcr, fpcr);
    for (let k = 0; k < 32 * 16; k += 8) set64(STATE.vreg(0) + k, dv.getBigUint64(fp + 16 + k, true));
  }
  return changed;
}
