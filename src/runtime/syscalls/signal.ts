// Signal syscalls. Signals the guest sends itself are delivered by SignalState (fatal default
// actions end the process with 128+signal; handlers run before the syscall returns).
import { E, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { type AltStack, lowestSignal, NO_ALTSTACK, NSIG, onAltStack, SI_TKILL, SIG_DFL, SIG_IGN, SIGKILL, SIGSTOP, type SignalInfo } from '../signals.ts';
import { SIGNAL } from '../errors.ts';
import { SIGINFO_SIZE, siginfoOf, SignalReturn, writeSiginfo } from '../signal-frame.ts';
import { int } from './args.ts';
import { readTimespec } from './time.ts';
import { MINSIGSTKSZ, STATE } from '../layout.ts';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
const SS_ONSTACK = 1;
const SS_DISABLE = 2;
const SS_AUTODISARM = 1 << 31;

function checkSigsetSize(size: bigint): void {
  if (size !== 8n) fail(E.EINVAL);
}

/**
 * A syscall's signal mask for the time it waits (rt_sigsuspend, ppoll, pselect6): set now; the
 * old one comes back once the handlers it let run are done (Guest.syscall). Done again after an
 * unwind, the mask to restore is still the one from before the first try.
 */
export function waitWithMask(g: Guest, set: bigint, size: bigint): void {
  checkSigsetSize(size);
  const mask = g.mem.u64(set);
  g.maskAfterHandlers ??= g.signals.mask;
  g.signals.setMask(mask);
}

function validSignal(sig: number): boolean {
  return sig >= 1 && sig <= NSIG;
}

/** kill/tkill/tgkill to the guest itself. */
function sendSelf(g: Guest, sig: number, info?: SignalInfo): number {
  if (sig < 0 || sig > NSIG) fail(E.EINVAL);
  // in a process tree stop signals stop (Kernel.signal); a lone process has nobody to continue it
  if (g.kernel) g.kernel.signal(g.kernel.of(g), sig, info);
  else g.signals.raise(sig, info);
  return 0;
}

/**
 * tkill/tgkill: `sig` to thread `tid` (of process `tgid` if `checkGroup`): pending for that thread
 * alone (Kernel.signalThread). To another process's thread it is that process's (kill).
 */
function sendThread(g: Guest, tgid: number, tid: number, sig: number, checkGroup: boolean, info: SignalInfo = { code: SI_TKILL }): number {
  if (sig < 0 || sig > NSIG) fail(E.EINVAL);
  const k = g.kernel;
  if (!k) {
    if (tid !== g.pid || (checkGroup && tgid !== g.pid)) fail(E.ESRCH);
    return sendSelf(g, sig, info);
  }
  const t = k.task(tid);
  if (!t || (checkGroup && t.group.pid !== tgid)) fail(E.ESRCH);
  if (t.guest !== g) return k.kill(g, t.group.pid, sig, info);
  k.signalThread(t, sig, info);
  return 0;
}

/**
 * The siginfo rt_sigqueueinfo/rt_tgsigqueueinfo send (sigqueue, pthread_sigqueue): its si_code and
 * sigval. Only the kernel may claim to be the kernel or kill(2): to another process such a code is EPERM.
 */
function queuedInfo(g: Guest, uinfo: bigint, toSelf: boolean): SignalInfo {
  g.mem.check(uinfo, SIGINFO_SIZE);
  const code = g.mem.i32(uinfo + 8n);
  if ((code >= 0 || code === SI_TKILL) && !toSelf) fail(E.EPERM);
  // the sender is whom the caller's siginfo says (glibc's sigqueue: itself)
  return { code, pid: g.mem.i32(uinfo + 16n), uid: g.mem.u32(uinfo + 20n), value: g.mem.u64(uinfo + 24n) };
}

export const signal: Record<string, Handler> = {
  rt_sigaction: (g, sigArg, act, oact, size) => {
    const sig = int(sigArg);
    checkSigsetSize(size);
    if (!validSignal(sig) || (act !== 0n && (sig === SIGKILL || sig === SIGSTOP))) fail(E.EINVAL);
    // struct sigaction on arm64: handler, flags, restorer, mask (u64 each)
    const next = act !== 0n ? { handler: g.mem.u64(act), flags: g.mem.u64(act + 8n), restorer: g.mem.u64(act + 16n), mask: g.mem.u64(act + 24n) } : undefined;
    if (oact !== 0n) {
      const old = g.signals.action(sig);
      g.mem.check(oact, 32);
      g.mem.setU64(oact, old.handler);
      g.mem.setU64(oact + 8n, old.flags);
      g.mem.setU64(oact + 16n, old.restorer);
      g.mem.setU64(oact + 24n, old.mask);
    }
    if (next) g.signals.setAction(sig, next);
    // a fault handler needs precise faults: the process goes on in checked code (RuntimeCode.checkFaults)
    if (next && (sig === SIGNAL.SIGSEGV || sig === SIGNAL.SIGBUS) && next.handler !== SIG_DFL && next.handler !== SIG_IGN && g.code?.checkFaults()) g.kernel?.restartAfter(g, 0n);
    return 0;
  },
  rt_sigprocmask: (g, howArg, set, oset, size) => {
    checkSigsetSize(size);
    const old = g.signals.mask;
    let next = old;
    if (set !== 0n) {
      const bits = g.mem.u64(set);
      const how = int(howArg);
      if (how === SIG_BLOCK) next = old | bits;
      else if (how === SIG_UNBLOCK) next = old & ~bits;
      else if (how === SIG_SETMASK) next = bits;
      else fail(E.EINVAL);
    }
    if (oset !== 0n) g.mem.setU64(oset, old);
    g.signals.setMask(next); // may deliver a pending signal (glibc's raise() relies on this)
    return 0;
  },
  rt_sigpending: (g, set, size) => {
    checkSigsetSize(size);
    g.mem.setU64(set, g.signals.pending);
    return 0;
  },
  rt_sigsuspend: (g, set, size) => {
    waitWithMask(g, set, size);
    // until a signal comes: from another process, a timer or outside the run (Kernel.sleep); a
    // lone process nothing can signal gets EINTR at once, as if one had come
    g.kernel?.sleep(g, Infinity);
    fail(E.EINTR);
  },
  rt_sigtimedwait: (g, set, info, timeout, size) => {
    checkSigsetSize(size);
    const wanted = g.mem.u64(set);
    if ((g.signals.pending & wanted) === 0n && g.kernel) {
      // another thread or process may send one: wait for it (a signal not waited for interrupts:
      // EINTR); while others run, what is pending for this thread is not in g.signals
      const k = g.kernel, me = k.self(g);
      const ms = timeout !== 0n ? Number(readTimespec(g, timeout)) / 1e6 : Infinity;
      if (ms > 0) k.sleep(g, ms, () => (k.pendingFor(me) & wanted) !== 0n);
    }
    const ready = g.signals.pending & wanted;
    if (ready !== 0n) {
      const sig = lowestSignal(ready);
      const si = g.signals.takePending(sig);
      if (info !== 0n) {
        const at = g.mem.check(info, SIGINFO_SIZE);
        g.mem.zero(info, SIGINFO_SIZE);
        writeSiginfo(new DataView(g.memory.buffer), at, sig, siginfoOf(si, g));
      }
      return sig;
    }
    if (timeout !== 0n) readTimespec(g, timeout);
    fail(E.EAGAIN);
  },
  // a handler's sa_restorer returning: from the dispatcher, or ending a nested run
  rt_sigreturn: (g) => {
    g.returnFromHandler();
    throw new SignalReturn();
  },
  sigaltstack: (g, ss, oss) => {
    const cur = g.signals.altstack;
    const onStack = onAltStack(cur, new DataView(g.memory.buffer).getBigUint64(STATE.sp, true));
    let next: AltStack | undefined;
    if (ss !== 0n) {
      // stack_t: ss_sp u64, ss_flags i32 (+pad), ss_size u64
      const flags = g.mem.i32(ss + 8n);
      const size = g.mem.u64(ss + 16n);
      if (onStack) fail(E.EPERM); // the stack a handler runs on cannot change under it
      const mode = flags & ~SS_AUTODISARM;
      if (mode !== 0 && mode !== SS_ONSTACK && mode !== SS_DISABLE) fail(E.EINVAL);
      if (mode !== SS_DISABLE && size < BigInt(MINSIGSTKSZ)) fail(E.ENOMEM);
      next = mode === SS_DISABLE ? NO_ALTSTACK : { sp: g.mem.u64(ss), flags: 0, size };
    }
    if (oss !== 0n) {
      g.mem.check(oss, 24);
      g.mem.zero(oss, 24);
      g.mem.setU64(oss, cur.sp);
      g.mem.setI32(oss + 8n, cur.flags === SS_DISABLE ? SS_DISABLE : onStack ? SS_ONSTACK : 0);
      g.mem.setU64(oss + 16n, cur.size);
    }
    if (next) g.signals.altstack = next;
    return 0;
  },
  kill: (g, pidArg, sig) => {
    const pid = int(pidArg);
    if (int(sig) < 0 || int(sig) > NSIG) fail(E.EINVAL);
    if (g.kernel && pid !== g.pid) return g.kernel.kill(g, pid, int(sig));
    if (pid !== g.pid && pid !== 0 && pid !== -1 && pid !== -g.pid) fail(E.ESRCH);
    return sendSelf(g, int(sig));
  },
  tkill: (g, tid, sig) => {
    if (int(tid) <= 0) fail(E.EINVAL);
    return sendThread(g, g.pid, int(tid), int(sig), false);
  },
  tgkill: (g, tgid, tid, sig) => {
    if (int(tgid) <= 0 || int(tid) <= 0) fail(E.EINVAL);
    return sendThread(g, int(tgid), int(tid), int(sig), true);
  },
  rt_sigqueueinfo: (g, tgid, sig, uinfo) => {
    const pid = int(tgid), info = queuedInfo(g, uinfo, int(tgid) === g.pid);
    if (int(sig) < 0 || int(sig) > NSIG) fail(E.EINVAL);
    if (pid <= 0) fail(E.ESRCH); // one process, named by its pid
    if (g.kernel && pid !== g.pid) return g.kernel.kill(g, pid, int(sig), info);
    if (pid !== g.pid) fail(E.ESRCH);
    return sendSelf(g, int(sig), info);
  },
  rt_tgsigqueueinfo: (g, tgid, tid, sig, uinfo) => {
    if (int(tgid) <= 0 || int(tid) <= 0) fail(E.EINVAL);
    return sendThread(g, int(tgid), int(tid), int(sig), true, queuedInfo(g, uinfo, int(tgid) === g.pid));
  },
};
