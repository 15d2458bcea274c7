// Signal state of a process, as its running thread sees it (the mask and the signals pending for
// that thread alone are swapped with the thread: kernel.ts use). A signal raised is ignored
// (SIG_IGN, default-ignore), kept pending while blocked, fatal (default action terminate/core),
// or queued for its handler, which the runtime runs before the current syscall returns (or at
// the loop head that took it).
import { GuestKilled } from './errors.ts';

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const NSIG = 64;
export const SIGKILL = 9;
export const SIGSTOP = 19;
export const SI_USER = 0;
export const SI_TKILL = -6;
/** sent by the kernel itself (an interval timer's) */
export const SI_KERNEL = 0x80;
/** sent by a POSIX timer (posix-timers.ts), with its id, overrun count and sigev_value */
export const SI_TIMER = -2;
/** sent by sigqueue (rt_sigqueueinfo), with its sigval */
export const SI_QUEUE = -1;
/** the first real-time signal: each instance sent is queued (Linux's SIGRTMIN; the C libraries keep two or three for themselves) */
const SIGRT_FIRST = 32;

/**
 * what a signal's siginfo says beyond its number: si_code, the sending process (unset: the
 * receiver itself), a POSIX timer's fields, sigqueue's sigval, SIGCHLD's si_status
 */
export interface SignalInfo { code: number; pid?: number; uid?: number; timer?: { id: number; overrun: number; value: bigint }; value?: bigint; status?: number }
/** signals pending for one thread that is not running, with the siginfo of each instance (several of a real-time signal) */
export type ThreadSignals = Map<number, SignalInfo[]>;
export const SA_SIGINFO = 4n;
export const SA_ONSTACK = 0x08000000n;
export const SA_RESTART = 0x10000000n;
export const SA_RESTORER = 0x04000000n;
export const SA_NODEFER = 0x40000000n;
export const SA_RESETHAND = 0x80000000n;

export interface SigAction {
  handler: bigint;
  flags: bigint;
  restorer: bigint;
  mask: bigint;
}

/** Signals whose default action is to ignore (SIGCHLD, SIGCONT, SIGURG, SIGWINCH) or to stop
 *  the process (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: there is no job control to stop for). */
const DEFAULT_IGNORED = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);

/** the lowest-numbered signal of a non-empty set (the one sigwait and signalfd take first) */
export function lowestSignal(set: bigint): number {
  let sig = 1;
  while (!(set & bit(sig))) sig++;
  return sig;
}

/**
 * `sig` pending with `info` in `queues` (a process's or one thread's): after the instances already
 * there (`first`: before them) if real-time — a POSIX timer's only once, its overrun counts the
 * rest — else once.
 */
export function enqueue(queues: Map<number, SignalInfo[]>, sig: number, info: SignalInfo, first = false): void {
  const q = queues.get(sig);
  if (!q) queues.set(sig, [info]);
  else if (sig >= SIGRT_FIRST && !(info.timer && q.some((x) => x.timer?.id === info.timer!.id))) {
    if (first) q.unshift(info);
    else q.push(info);
  }
}
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

/** sigaltstack's stack of the running thread (Kernel.use swaps it with the thread) */
export interface AltStack { readonly sp: bigint; readonly flags: number; readonly size: bigint }
export const NO_ALTSTACK: AltStack = { sp: 0n, flags: 2 /* SS_DISABLE */, size: 0n };

/** whether a thread whose stack pointer is `sp` runs on `alt` (Linux's on_sig_stack: it grows down from its top) */
export function onAltStack(alt: AltStack, sp: bigint): boolean {
  return alt.flags === 0 && sp > alt.sp && sp - alt.sp <= alt.size;
}

export class SignalState {
  private readonly actions = new Map<number, SigAction>();
  private maskBits = 0n;
  pending = 0n;
  altstack: AltStack = NO_ALTSTACK;
  /** signals whose handler must run before the current syscall returns, with their siginfo */
  readonly toRun: ({ sig: number } & SignalInfo)[] = [];
  /** the siginfo of the signal being raised (si_code SI_USER for kill, SI_TKILL for tkill/tgkill) */
  private info: SignalInfo = { code: SI_USER };
  /** the siginfo of each pending signal: one instance of a standard signal, every instance of a real-time one, oldest first */
  private readonly pendingInfo = new Map<number, SignalInfo[]>();
  /** the pending signals sent to the running thread alone (tgkill, SIGEV_THREAD_ID): they leave with it (takeThread) */
  private directed = 0n;

  action(sig: number): SigAction {
    return this.actions.get(sig) ?? { handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n };
  }

  setAction(sig: number, act: SigAction): void {
    this.actions.set(sig, act);
    // Setting SIG_IGN discards the pending instances, as POSIX requires.
    if (act.handler === SIG_IGN) {
      this.pending &= ~bit(sig);
      this.directed &= ~bit(sig);
      this.pendingInfo.delete(sig);
    }
  }

  get mask(): bigint {
    return this.maskBits;
  }

  blocked(sig: number): boolean {
    return (this.maskBits & bit(sig)) !== 0n;
  }

  /**
   * Whether a synchronous fault signal (SIGSEGV, SIGBUS from the instruction just executed) goes
   * to a handler; if not, Linux kills the process even when the signal is ignored or blocked.
   */
  catches(sig: number): boolean {
    const h = this.action(sig).handler;
    return h !== SIG_DFL && h !== SIG_IGN && !this.blocked(sig);
  }

  /** Replaces the blocked set without delivering anything: another thread's mask comes in (kernel.ts) */
  swapMask(mask: bigint): void {
    this.maskBits = mask;
  }

  /** Replaces the blocked set; newly unblocked pending signals are delivered (may throw). */
  setMask(mask: bigint): void {
    this.maskBits = BigInt.asUintN(64, mask) & ~UNBLOCKABLE;
    const ready = this.pending & ~this.maskBits;
    if (ready === 0n) return;
    for (let sig = 1; sig <= NSIG; sig++) {
      // every queued instance of a real-time signal (its handler's mask decides when each runs: signal-frame.ts)
      while (this.pending & bit(sig) & ready) {
        this.info = this.takePending(sig);
        this.deliver(sig);
      }
    }
  }

  /**
   * The guest sends `sig` to itself (`toThread`: to the running thread alone). Throws GuestKilled
   * if it terminates the process.
   */
  raise(sig: number, info: SignalInfo = { code: SI_USER }, toThread = false): void {
    if (sig === 0) return;
    this.info = info;
    if (this.blocked(sig)) {
      this.addPending(sig, this.info);
      if (toThread) this.directed |= bit(sig);
      return;
    }
    this.deliver(sig);
  }

  private addPending(sig: number, info: SignalInfo, first = false): void {
    enqueue(this.pendingInfo, sig, info, first);
    this.pending |= bit(sig);
  }

  /** takes (the oldest instance of) pending `sig` (sigtimedwait, delivery): its siginfo */
  takePending(sig: number): SignalInfo {
    const q = this.pendingInfo.get(sig);
    const info = q?.shift() ?? { code: SI_USER };
    if (!q?.length) {
      this.pending &= ~bit(sig);
      this.directed &= ~bit(sig);
      this.pendingInfo.delete(sig);
    }
    return info;
  }

  /** a signal taken for its handler that a handler set up before it now blocks: pending again, first in its queue */
  putBack({ sig, ...info }: { sig: number } & SignalInfo): void {
    this.addPending(sig, info, true);
  }

  /**
   * The running thread leaves (kernel.ts use): the signals pending for it alone go with it, and
   * those taken for its handlers that have not run yet (it unwound, or lets another thread run
   * from inside a syscall), pending for it again.
   */
  takeThread(): ThreadSignals {
    const out: ThreadSignals = new Map();
    for (const { sig, ...info } of this.toRun) enqueue(out, sig, info);
    this.toRun.length = 0;
    for (let sig = 1; sig <= NSIG; sig++) while (this.directed & bit(sig)) enqueue(out, sig, this.takePending(sig));
    return out;
  }

  /** a thread comes in with the signals pending for it alone (see takeThread, Kernel.signalThread) */
  putThread(sigs: ThreadSignals): void {
    for (const [sig, infos] of sigs) {
      for (const info of infos) this.addPending(sig, info);
      this.directed |= bit(sig);
    }
  }

  /** the pending signals of the running thread alone (see takeThread) */
  get directedBits(): bigint { return this.directed; }

  /** delivers what became deliverable without a mask change: signals put pending for a thread that came in unblocked (may throw) */
  deliverPending(): void {
    if (this.pending & ~this.maskBits) this.setMask(this.maskBits);
  }

  private deliver(sig: number): void {
    if (this.hasHandler(sig)) this.toRun.push({ sig, ...this.info });
  }

  /**
   * Whether `sig` has a handler to run; else its default action happens now: nothing (ignored)
   * or the process ends (GuestKilled). Asked again as each handler's frame is set up: an earlier
   * one's SA_RESETHAND may have reset it (a second queued instance then gets the default action).
   */
  hasHandler(sig: number): boolean {
    const h = this.action(sig).handler;
    if (h === SIG_IGN) return false;
    if (h === SIG_DFL) {
      if (DEFAULT_IGNORED.has(sig)) return false;
      throw new GuestKilled(sig);
    }
    return true;
  }

  /** a forked child's: the same actions, mask and alternate stack, nothing pending */
  copy(): SignalState {
    const s = new SignalState();
    for (const [k, v] of this.actions) s.actions.set(k, { ...v });
    s.maskBits = this.maskBits;
    s.altstack = this.altstack;
    return s;
  }

  /** after execve: handled signals go back to their default action (ignored ones stay ignored); the mask and pending signals stay */
  afterExec(): SignalState {
    for (const [k, v] of [...this.actions]) if (v.handler !== SIG_IGN) this.actions.delete(k);
    this.altstack = NO_ALTSTACK;
    this.toRun.length = 0;
    return this;
  }

  /** the mask while a handler runs: sa_mask plus the signal itself (unless SA_NODEFER) */
  enterHandler(sig: number): bigint {
    const act = this.action(sig);
    const saved = this.maskBits;
    this.maskBits |= act.mask & ~UNBLOCKABLE;
    if (!(act.flags & SA_NODEFER)) this.maskBits |= bit(sig);
    if (act.flags & SA_RESETHAND) this.actions.delete(sig);
    return saved;
  }

  /** restores the mask after a handler returned (may make more signals deliverable) */
  leaveHandler(saved: bigint): void {
    this.setMask(saved);
  }
}
