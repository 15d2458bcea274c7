// Process and thread syscalls: exit, identity, process groups, resource limits, futex. The
// guest is one process with one thread whose tid equals its pid.
import { GuestExit } from '../errors.ts';
import { E, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { int, uint } from './args.ts';

const RLIM_INFINITY = 0xffffffffffffffffn;
const RLIMIT_STACK = 3;
const RLIMIT_NOFILE = 7;
const RLIM_NLIMITS = 16;

function getLimit(g: Guest, res: number): [bigint, bigint] {
  const set = g.limits.get(res);
  if (set) return set;
  if (res === RLIMIT_STACK) return [8n * 1024n * 1024n, RLIM_INFINITY];
  if (res === RLIMIT_NOFILE) return [1024n, 1024n];
  return [RLIM_INFINITY, RLIM_INFINITY];
}

function limit(g: Guest, res: number, newAddr: bigint, oldAddr: bigint): number {
  if (res < 0 || res >= RLIM_NLIMITS) fail(E.EINVAL);
  const old = getLimit(g, res);
  let next: [bigint, bigint] | undefined;
  if (newAddr !== 0n) {
    next = [g.mem.u64(newAddr), g.mem.u64(newAddr + 8n)];
    if (next[0] > next[1]) fail(E.EINVAL);
  }
  if (oldAddr !== 0n) {
    g.mem.check(oldAddr, 16);
    g.mem.setU64(oldAddr, old[0]);
    g.mem.setU64(oldAddr + 8n, old[1]);
  }
  if (next) {
    g.limits.set(res, next);
    if (res === RLIMIT_NOFILE) g.fds.limit = Number(next[0] > 1n << 20n ? 1n << 20n : next[0]);
  }
  return 0;
}

/** Applies a FUTEX_WAKE_OP operation to the word at uaddr2. */
function wakeOp(g: Guest, uaddr2: bigint, val3: number): void {
  const sext12 = (v: number): number => (v << 20) >> 20;
  const field = (val3 >>> 28) & 0xf;
  const op = field & 7;
  let oparg = sext12((val3 >>> 12) & 0xfff);
  if (field & 8) oparg = 1 << (oparg & 31); // FUTEX_OP_OPARG_SHIFT
  const old = g.mem.u32(uaddr2);
  const ops = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg];
  if (op < ops.length) g.mem.setU32(uaddr2, ops[op]!);
}

function sameId(cur: number, v: number): boolean {
  return v === -1 || v === cur;
}

export const proc: Record<string, Handler> = {
  exit: (_g, status) => {
    throw new GuestExit(int(status));
  },
  exit_group: (_g, status) => {
    throw new GuestExit(int(status));
  },
  set_tid_address: (g) => g.pid,
  set_robust_list: (_g, _head, len) => (len === 24n ? 0 : fail(E.EINVAL)),
  get_robust_list: () => fail(E.EPERM),
  rseq: () => fail(E.ENOSYS), // glibc copes: it then does not use rseq
  getpid: (g) => g.pid,
  gettid: (g) => g.pid,
  getppid: (g) => g.ppid,
  getuid: (g) => g.uid,
  geteuid: (g) => g.uid,
  getgid: (g) => g.gid,
  getegid: (g) => g.gid,
  getresuid: (g, r, e, s) => {
    for (const a of [r, e, s]) g.mem.setU32(a, g.uid);
    return 0;
  },
  getresgid: (g, r, e, s) => {
    for (const a of [r, e, s]) g.mem.setU32(a, g.gid);
    return 0;
  },
  // Credentials can only be "changed" to what they already are (an unprivileged process),
  // except that uid 0 may change anything.
  setuid: (g, u) => (g.uid === 0 ? ((g.uid = uint(u)), 0) : int(u) === g.uid ? 0 : fail(E.EPERM)),
  setgid: (g, v) => (g.uid === 0 ? ((g.gid = uint(v)), 0) : int(v) === g.gid ? 0 : fail(E.EPERM)),
  setreuid: (g, r, e) => (g.uid === 0 || (sameId(g.uid, int(r)) && sameId(g.uid, int(e))) ? 0 : fail(E.EPERM)),
  setregid: (g, r, e) => (g.uid === 0 || (sameId(g.gid, int(r)) && sameId(g.gid, int(e))) ? 0 : fail(E.EPERM)),
  setresuid: (g, r, e, s) => (g.uid === 0 || [r, e, s].every((v) => sameId(g.uid, int(v))) ? 0 : fail(E.EPERM)),
  setresgid: (g, r, e, s) => (g.uid === 0 || [r, e, s].every((v) => sameId(g.gid, int(v))) ? 0 : fail(E.EPERM)),
  setfsuid: (g) => g.uid,
  setfsgid: (g) => g.gid,
  getgroups: (g, size, list) => {
    if (int(size) === 0) return g.groups.length;
    if (int(size) < g.groups.length) fail(E.EINVAL);
    g.mem.check(list, 4 * g.groups.length);
    g.groups.forEach((id, i) => g.mem.setU32(list + BigInt(4 * i), id));
    return g.groups.length;
  },
  setgroups: (g) => (g.uid === 0 ? 0 : fail(E.EPERM)),
  umask: (g, mask) => {
    const old = g.umask;
    g.umask = uint(mask) & 0o777;
    return old;
  },
  getpgid: (g, pid) => (int(pid) === 0 || int(pid) === g.pid ? g.pid : fail(E.ESRCH)),
  setpgid: (g, pid, pgid) => (int(pid) === 0 || int(pid) === g.pid ? (int(pgid) < 0 ? fail(E.EINVAL) : 0) : fail(E.ESRCH)),
  getsid: (g, pid) => (int(pid) === 0 || int(pid) === g.pid ? g.pid : fail(E.ESRCH)),
  setsid: (g) => g.pid,
  prlimit64: (g, pid, res, newAddr, oldAddr) => {
    if (int(pid) !== 0 && int(pid) !== g.pid) fail(E.ESRCH);
    return limit(g, int(res), newAddr, oldAddr);
  },
  getrlimit: (g, res, addr) => limit(g, int(res), 0n, addr),
  setrlimit: (g, res, addr) => limit(g, int(res), addr, 0n),
  futex: (g, uaddr, opArg, valArg, timeout, uaddr2, val3) => {
    const cmd = int(opArg) & 0x7f; // strip FUTEX_PRIVATE_FLAG / FUTEX_CLOCK_REALTIME
    switch (cmd) {
      case 0: // FUTEX_WAIT
      case 9: // FUTEX_WAIT_BITSET
        if (g.mem.u32(uaddr) !== uint(valArg)) fail(E.EAGAIN);
        // No other thread exists to wake us: a timed wait times out, an untimed one returns
        // as a spurious wakeup (callers re-check their condition).
        if (timeout !== 0n) fail(E.ETIMEDOUT);
        return 0;
      case 1: // FUTEX_WAKE
      case 10: // FUTEX_WAKE_BITSET
        g.mem.u32(uaddr);
        return 0;
      case 3: // FUTEX_REQUEUE
        return 0;
      case 4: // FUTEX_CMP_REQUEUE
        if (g.mem.u32(uaddr) !== uint(val3)) fail(E.EAGAIN);
        return 0;
      case 5: // FUTEX_WAKE_OP
        wakeOp(g, uaddr2, uint(val3));
        return 0;
      case 7: // FUTEX_UNLOCK_PI
        g.mem.setU32(uaddr, 0);
        return 0;
      default:
        fail(E.ENOSYS);
    }
  },
  // No other processes: creating or waiting for one is not possible.
  clone: () => fail(E.ENOSYS),
  clone3: () => fail(E.ENOSYS),
  execve: () => fail(E.ENOSYS),
  wait4: () => fail(E.ECHILD),
  waitid: () => fail(E.ECHILD),
};
