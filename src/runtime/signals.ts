// Signal state of the (single-threaded) guest. A signal the guest sends itself is ignored
// (SIG_IGN, default-ignore), kept pending while blocked, fatal (default action terminate/core),
// or queued for its handler, which the runtime runs before the current syscall returns.
import { GuestKilled } from './errors.ts';

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const NSIG = 64;
export const SIGKILL = 9;
export const SIGSTOP = 19;
export const SI_USER = 0;
/** sent by the kernel itself (an interval timer's) */
export const SI_KERNEL = 0x80;
export const SI_TKILL = -6;
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
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

export class SignalState {
  private readonly actions = new Map<number, SigAction>();
  private maskBits = 0n;
  pending = 0n;
  altstack = { sp: 0n, flags: 2 /* SS_DISABLE */, size: 0n };
  /** signals whose handler must run before the current syscall returns, with their si_code */
  readonly toRun: { sig: number; code: number }[] = [];
  /** si_code of the signal being raised (SI_USER for kill, SI_TKILL for tkill/tgkill) */
  private code = 0;

  action(sig: number): SigAction {
    return this.actions.get(sig) ?? { handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n };
  }

  setAction(sig: number, act: SigAction): void {
    this.actions.set(sig, act);
    // Setting SIG_IGN discards a pending instance, as POSIX requires.
    if (act.handler === SIG_IGN) this.pending &= ~bit(sig);
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
      if (ready & bit(sig)) {
        this.pending &= ~bit(sig);
        this.deliver(sig);
      }
    }
  }

  /** The guest sends `sig` to itself. Throws GuestKilled if it terminates the process. */
  raise(sig: number, code = SI_USER): void {
    if (sig === 0) return;
    this.code = code;
    if (this.blocked(sig)) {
      this.pending |= bit(sig);
      return;
    }
    this.deliver(sig);
  }

  private deliver(sig: number): void {
    const h = this.action(sig).handler;
    if (h === SIG_IGN) return;
    if (h === SIG_DFL) {
      if (DEFAULT_IGNORED.has(sig)) return;
      throw new GuestKilled(sig);
    }
    this.toRun.push({ sig, code: this.code });
  }

  /** a forked child's: the same actions, mask and alternate stack, nothing pending */
  copy(): SignalState {
    const s = new SignalState();
    for (const [k, v] of this.actions) s.actions.set(k, { ...v });
    s.maskBits = this.maskBits;
    s.altstack = { ...this.altstack };
    return s;
  }

  /** after execve: handled signals go back to their default action (ignored ones stay ignored); the mask and pending signals stay */
  afterExec(): SignalState {
    for (const [k, v] of [...this.actions]) if (v.handler !== SIG_IGN) this.actions.delete(k);
    this.altstack = { sp: 0n, flags: 2, size: 0n };
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
