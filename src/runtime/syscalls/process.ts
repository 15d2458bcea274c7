// Process and thread syscalls: fork, exec, wait, exit, identity, process groups, resource
// limits, futex. Processes live in the run's Kernel; each has one thread, whose tid is its pid.
import { GuestExit, SIGNAL } from '../errors.ts';
import { E, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { int, uint } from './args.ts';
import { clockNs, readTimespec, writeRusage } from './time.ts';
import { execve } from '../exec.ts';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW } from '../vfs.ts';
import { RLIMIT_NOFILE } from '../fdtable.ts';

const RLIM_INFINITY = 0xffffffffffffffffn;
const RLIMIT_STACK = 3;
const RLIMIT_CORE = 4;
const RLIM_NLIMITS = 16;
/** the capability that raising a hard limit needs */
const CAP_SYS_RESOURCE = 1n << 24n;

function getLimit(g: Guest, res: number): [bigint, bigint] {
  const set = g.limits.get(res);
  if (set) return set;
  if (res === RLIMIT_STACK) return [8n * 1024n * 1024n, RLIM_INFINITY];
  if (res === RLIMIT_NOFILE) return [1024n, 1024n];
  if (res === RLIMIT_CORE) return [0n, RLIM_INFINITY]; // no core dumps, as a default Debian
  return [RLIM_INFINITY, RLIM_INFINITY];
}

function limit(g: Guest, res: number, newAddr: bigint, oldAddr: bigint): number {
  if (res < 0 || res >= RLIM_NLIMITS) fail(E.EINVAL);
  const old = getLimit(g, res);
  let next: [bigint, bigint] | undefined;
  if (newAddr !== 0n) {
    next = [g.mem.u64(newAddr), g.mem.u64(newAddr + 8n)];
    if (next[0] > next[1]) fail(E.EINVAL);
    if (next[1] > old[1] && !(g.capabilities & CAP_SYS_RESOURCE)) fail(E.EPERM);
  }
  if (oldAddr !== 0n) {
    g.mem.check(oldAddr, 16);
    g.mem.setU64(oldAddr, old[0]);
    g.mem.setU64(oldAddr + 8n, old[1]);
  }
  if (next) {
    g.limits.set(res, next);
    if (res === RLIMIT_NOFILE) g.fds.setLimit(next[0]);
  }
  return 0;
}

const FUTEX = { WAIT: 0, WAKE: 1, REQUEUE: 3, CMP_REQUEUE: 4, WAKE_OP: 5, UNLOCK_PI: 7, WAIT_BITSET: 9, WAKE_BITSET: 10 } as const;
const FUTEX_CLOCK_REALTIME = 0x100;

/** FUTEX_WAKE_OP's operation on the u32 at `uaddr2`; whether its comparison of the old value holds */
function wakeOp(g: Guest, uaddr2: bigint, val3: number): boolean {
  const sext12 = (v: number): number => (v << 20) >> 20;
  const field = (val3 >>> 28) & 0xf;
  const op = field & 7;
  let oparg = sext12((val3 >>> 12) & 0xfff);
  if (field & 8) oparg = 1 << (oparg & 31); // FUTEX_OP_OPARG_SHIFT
  const old = g.mem.u32(uaddr2);
  const ops = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg];
  if (op < ops.length) g.mem.setU32(uaddr2, ops[op]! >>> 0);
  const cmparg = sext12(val3 & 0xfff), signed = old | 0;
  const cmps = [signed === cmparg, signed !== cmparg, signed < cmparg, signed <= cmparg, signed > cmparg, signed >= cmparg];
  return cmps[(val3 >>> 24) & 0xf] ?? false;
}

function sameId(cur: number, v: number): boolean {
  return v === -1 || v === cur;
}

export const proc: Record<string, Handler> = {
  exit: (g, status) => {
    g.kernel?.exitThread(g); // other threads go on: only this one ends
    throw new GuestExit(int(status));
  },
  exit_group: (_g, status) => {
    throw new GuestExit(int(status));
  },
  set_tid_address: (g, addr) => {
    if (g.kernel) g.kernel.self(g).clearTid = addr;
    return g.tid;
  },
  set_robust_list: (_g, _head, len) => (len === 24n ? 0 : fail(E.EINVAL)),
  get_robust_list: () => fail(E.EPERM),
  rseq: () => fail(E.ENOSYS), // glibc copes: it then does not use rseq
  getpid: (g) => g.pid,
  gettid: (g) => g.tid,
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
  setuid: (g, u) => {
    if (g.uid !== 0) return int(u) === g.uid ? 0 : fail(E.EPERM);
    g.uid = uint(u);
    if (g.uid !== 0) g.capabilities = 0n; // root becoming another user loses its capabilities, as on Linux
    return 0;
  },
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
  getpgid: (g, pid) => g.kernel ? g.kernel.getpgid(g, int(pid)) : int(pid) === 0 || int(pid) === g.pid ? g.pid : fail(E.ESRCH),
  setpgid: (g, pid, pgid) => g.kernel ? g.kernel.setpgid(g, int(pid), int(pgid)) : int(pid) === 0 || int(pid) === g.pid ? (int(pgid) < 0 ? fail(E.EINVAL) : 0) : fail(E.ESRCH),
  getsid: (g, pid) => g.kernel ? g.kernel.getsid(g, int(pid)) : int(pid) === 0 || int(pid) === g.pid ? g.pid : fail(E.ESRCH),
  setsid: (g) => g.kernel ? g.kernel.setsid(g) : g.pid,
  prlimit64: (g, pid, res, newAddr, oldAddr) => {
    if (int(pid) !== 0 && int(pid) !== g.pid) fail(E.ESRCH);
    return limit(g, int(res), newAddr, oldAddr);
  },
  getrlimit: (g, res, addr) => limit(g, int(res), 0n, addr),
  setrlimit: (g, res, addr) => limit(g, int(res), addr, 0n),
  futex: (g, uaddr, opArg, valArg, timeout, uaddr2, val3) => {
    const op = int(opArg), cmd = op & 0x7f; // less FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME
    const k = g.kernel;
    const bitset = cmd === FUTEX.WAIT_BITSET || cmd === FUTEX.WAKE_BITSET ? int(val3) : -1;
    if (bitset === 0) fail(E.EINVAL);
    switch (cmd) {
      case FUTEX.WAIT:
      case FUTEX.WAIT_BITSET: {
        if (!k) {
          // a lone thread: nobody can wake it; a timed wait times out, an untimed one returns
          // as a spurious wakeup (callers re-check their condition)
          if (g.mem.u32(uaddr) !== uint(valArg)) fail(E.EAGAIN);
          if (timeout !== 0n) fail(E.ETIMEDOUT);
          return 0;
        }
        // FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's is absolute, on CLOCK_REALTIME with FUTEX_CLOCK_REALTIME
        let ms = Infinity;
        if (timeout !== 0n) {
          const ns = readTimespec(g, timeout);
          ms = Number(cmd === FUTEX.WAIT ? ns : ns - clockNs(g, op & FUTEX_CLOCK_REALTIME ? 0 : 1)) / 1e6;
          if (ms <= 0 && g.mem.u32(uaddr) === uint(valArg)) fail(E.ETIMEDOUT);
        }
        return k.futexes(g).wait(uaddr, uint(valArg), bitset, Math.max(ms, 0));
      }
      case FUTEX.WAKE:
      case FUTEX.WAKE_BITSET:
        g.mem.u32(uaddr);
        return k ? k.futexes(g).wake(uaddr, int(valArg), bitset) : 0;
      case FUTEX.CMP_REQUEUE:
      case FUTEX.REQUEUE:
        if (cmd === FUTEX.CMP_REQUEUE && g.mem.u32(uaddr) !== uint(val3)) fail(E.EAGAIN);
        // the number to requeue comes in the timeout argument
        return k ? k.futexes(g).requeue(uaddr, int(valArg), Number(BigInt.asUintN(32, timeout)), uaddr2) : 0;
      case FUTEX.WAKE_OP: {
        const wake2 = wakeOp(g, uaddr2, uint(val3));
        if (!k) return 0;
        const f = k.futexes(g);
        return f.wake(uaddr, int(valArg), -1) + (wake2 ? f.wake(uaddr2, Number(BigInt.asUintN(32, timeout)), -1) : 0);
      }
      case FUTEX.UNLOCK_PI:
        g.mem.setU32(uaddr, 0);
        return 0;
      default:
        fail(E.ENOSYS);
    }
  },
  clone: (g, flags, stack, parentTid, tls, childTid) => clone(g, flags, stack, parentTid, tls, childTid),
  clone3: (g, args, size) => {
    // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, …
    if (size < 64n) fail(E.EINVAL);
    g.mem.check(args, 64);
    const f = (i: number) => g.mem.u64(args + BigInt(8 * i));
    if (f(4) > 0xffn || f(0) & 0xffn) fail(E.EINVAL);
    const stack = f(5) !== 0n ? f(5) + f(6) : 0n;
    return clone(g, f(0) | f(4), stack, f(3), f(7), f(2));
  },
  execve: (g, path, argv, envp) => execve(g, AT_FDCWD, path, argv, envp, 0),
  execveat: (g, dirfd, path, argv, envp, flags) => {
    if (int(flags) & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) fail(E.EINVAL);
    return execve(g, int(dirfd), path, argv, envp, int(flags));
  },
  wait4: (g, pid, status, options, rusage) => {
    if (!g.kernel) fail(E.ECHILD);
    if (status !== 0n) g.mem.check(status, 4);
    const r = g.kernel.wait4(g, int(pid), int(options));
    if (r.pid > 0 && status !== 0n) g.mem.setI32(status, r.status);
    if (rusage !== 0n) writeRusage(g, rusage, r.cpuNs); // the reaped child's, its reaped children's included
    return r.pid;
  },
  waitid: (g, idtype, id, info, options, rusage) => {
    if (!g.kernel) fail(E.ECHILD);
    if (info !== 0n) g.mem.check(info, 128);
    const r = g.kernel.waitid(g, int(idtype), int(id), int(options));
    if (info !== 0n) {
      g.mem.zero(info, 128);
      if (r?.info) {
        const { code, status } = r.info;
        g.mem.setI32(info, SIGNAL.SIGCHLD);
        g.mem.setI32(info + 8n, code);
        g.mem.setI32(info + 16n, r.pid);
        g.mem.setI32(info + 20n, g.uid);
        g.mem.setI32(info + 24n, status);
      }
    }
    if (rusage !== 0n) writeRusage(g, rusage, r?.cpuNs);
    return 0;
  },
};

const CLONE = { VM: 0x100n, SIGHAND: 0x800n, VFORK: 0x4000n, THREAD: 0x10000n, SETTLS: 0x80000n, PARENT_SETTID: 0x100000n, CHILD_CLEARTID: 0x200000n, CHILD_SETTID: 0x1000000n } as const;

/**
 * clone without a shared address space is fork: a new process (see Kernel.fork). vfork
 * (CLONE_VM|CLONE_VFORK, as glibc's posix_spawn and busybox use it) is a fork whose parent waits
 * until the child execs or exits; the child's writes to memory are its own, which vfork's rules
 * (the child may only exec or _exit) make invisible. CLONE_THREAD is a thread (Kernel.thread);
 * other sharing of an address space between processes (CLONE_VM alone) is not supported.
 */
function clone(g: Guest, flags: bigint, stack: bigint, parentTid: bigint, tls: bigint, childTid: bigint): number {
  const kernel = g.kernel;
  if (!kernel) fail(E.ENOSYS);
  if (flags & CLONE.THREAD) {
    // Linux's rules: a thread shares the signal handlers, which need the shared memory
    if (!(flags & CLONE.VM) || !(flags & CLONE.SIGHAND)) fail(E.EINVAL);
    return kernel.thread(g, BigInt(g.lastPc), {
      stack,
      tls: flags & CLONE.SETTLS ? tls : undefined,
      parentTid: flags & CLONE.PARENT_SETTID ? parentTid : undefined,
      childTid: flags & CLONE.CHILD_SETTID ? childTid : undefined,
      clearTid: flags & CLONE.CHILD_CLEARTID ? childTid : undefined,
    });
  }
  if (flags & CLONE.VM && !(flags & CLONE.VFORK)) {
    g.log('clone: CLONE_VM without CLONE_THREAD or CLONE_VFORK (another process sharing this memory) is not supported');
    fail(E.ENOSYS);
  }
  // a vfork done again after its parent was unwound while waiting: the child exists already
  const forked = kernel.progress(g);
  if (forked) {
    kernel.vforkWait(g, forked);
    return forked;
  }
  const pid = kernel.fork(g, BigInt(g.lastPc), {
    exitSignal: Number(flags & 0xffn),
    stack: stack !== 0n ? stack : undefined,
    tls: flags & CLONE.SETTLS ? tls : undefined,
    childTid: flags & CLONE.CHILD_SETTID ? childTid : undefined,
    parentTid: flags & CLONE.PARENT_SETTID ? parentTid : undefined,
  });
  if (flags & CLONE.VFORK) kernel.vforkWait(g, pid);
  return pid;
}
