// Signal state of the (single-threaded) guest. Handlers are recorded but never run: the runtime
// cannot re-enter translated code at a handler. A signal the guest sends itself is therefore
// either ignored (SIG_IGN, default-ignore, or a handler is installed: it is treated as delivered
// and returned from), kept pending while blocked, or fatal (default action terminate/core).
import { GuestKilled } from './errors.ts';

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const NSIG = 64;
export const SIGKILL = 9;
export const SIGSTOP = 19;

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
  /** told about signals that were "delivered" to a handler that could not run */
  onHandled?: (sig: number) => void;

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
  raise(sig: number): void {
    if (sig === 0) return;
    if (this.maskBits & bit(sig)) {
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
    this.onHandled?.(sig);
  }
}
