// System V IPC syscalls over the run's objects (sysv-ipc.ts). Checks come in Linux's order: the
// caller's memory first where the kernel copies it in, then the object, then permissions. Waits
// (semop, msgsnd, msgrcv) are never restarted after a handler (EINTR), as signal(7) lists.
import { E, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { MAP_FIXED, MAP_SHARED, pageUp, PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory.ts';
import { IPC, MSGMAX, MSGMNB, MsgQueue, seconds, SEMMSL, SEMOPM, SemSet, SEMVMX, type IpcObject, type Perm, type SemOp, type SysvIpc } from '../sysv-ipc.ts';
import { i64, int, uint } from './args.ts';
import { nothingMapped, unmapShared, writableMapping } from './mm.ts';
import { readTimespec } from './time.ts';

const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000, SHMLBA = 4096;
const SHM_LOCK = 11, SHM_UNLOCK = 12;
/** shm_perm.mode's bits of a segment removed while attached, and of a locked one */
const SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
const SEM = { GETPID: 11, GETVAL: 12, GETALL: 13, GETNCNT: 14, GETZCNT: 15, SETVAL: 16, SETALL: 17 } as const;
const SEM_UNDO = 0x1000;
const MSG_NOERROR = 0o10000, MSG_EXCEPT = 0o20000;
/** glibc and musl may add IPC_64 to a ctl command; AArch64's kernel takes the 64-bit layouts only */
const IPC_64 = 0x100;
const SHMID_DS = 112, SEMID_DS = 88, MSQID_DS = 120;

function ipcOf(g: Guest): SysvIpc {
  return g.kernel?.ipc ?? fail(E.ENOSYS);
}


/** struct ipc64_perm at `at` */
function writePerm(g: Guest, at: bigint, p: Perm): void {
  g.mem.setI32(at, p.key);
  g.mem.setU32(at + 4n, p.uid);
  g.mem.setU32(at + 8n, p.gid);
  g.mem.setU32(at + 12n, p.cuid);
  g.mem.setU32(at + 16n, p.cgid);
  g.mem.setU32(at + 20n, p.mode);
  g.mem.setU16(at + 24n, p.seq);
}

/** IPC_SET's part every kind shares: owner, group and permission bits, by the owner, creator or root */
function setPerm(g: Guest, o: IpcObject, buf: bigint, size: number): void {
  g.mem.check(buf, size);
  owner(g, o);
  o.perm.uid = g.mem.u32(buf + 4n);
  o.perm.gid = g.mem.u32(buf + 8n);
  o.perm.mode = (o.perm.mode & ~0o777) | (g.mem.u32(buf + 20n) & 0o777);
  o.ctime = seconds();
}

/** IPC_RMID and IPC_SET: the owner, the creator or root (EPERM) */
function owner(g: Guest, o: IpcObject): void {
  if (g.uid !== 0 && g.uid !== o.perm.uid && g.uid !== o.perm.cuid) fail(E.EPERM);
}

/** IPC_STAT's start: permission to read, the buffer zeroed, the perm written */
function statStart(g: Guest, o: IpcObject, buf: bigint, size: number): void {
  if (!o.allows(g, 4)) fail(E.EACCES);
  g.mem.check(buf, size);
  g.mem.zero(buf, size);
  writePerm(g, buf, o.perm);
}

/** the task making the syscall (a Proc; the guest itself without a kernel) */
const taskOf = (g: Guest): object => g.kernel?.self(g) ?? g;

/**
 * Waits until `ready()` (ms: the longest; Infinity: no limit) as the kernel's wait, on object `o`
 * (removed meanwhile: EIDRM, also after an unwind, see SysvIpc.lookup); whether it holds then.
 */
function waitFor(g: Guest, o: IpcObject, ready: () => boolean, ms = Infinity): boolean {
  if (ready()) return true;
  const ipc = ipcOf(g), me = taskOf(g);
  ipc.waiting(me, o);
  try {
    if (ms > 0) g.kernel?.sleep(g, ms, () => o.removed || ready());
  } finally {
    // (an unwind to run others keeps it: the syscall comes again)
    if (!(g.kernel && g.kernel.self(g).state === 'waiting')) ipc.waiting(me);
  }
  if (o.removed) fail(E.EIDRM);
  return ready();
}

// ---- shared memory -------------------------------------------------------------------------

function shmat(g: Guest, id: number, addrArg: bigint, flags: number): bigint {
  const ipc = ipcOf(g), s = ipc.shm.get(id);
  let addr = Number(addrArg);
  if (addr % SHMLBA) {
    if (!(flags & SHM_RND)) fail(E.EINVAL);
    addr -= addr % SHMLBA;
  }
  const prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
  if (!s.allows(g, flags & SHM_RDONLY ? 4 : 6)) fail(E.EACCES);
  const len = pageUp(s.size);
  if (addr) {
    // over what is mapped there only with SHM_REMAP; its shared pages reach their owners first
    if (!(flags & SHM_REMAP) && !nothingMapped(g, addr, addr + len)) fail(E.EINVAL);
    unmapShared(g, addr, addr + len);
  }
  const key = (s.perm.key >>> 0).toString(16).padStart(8, '0');
  const start = g.vm.mmap(addr, len, prot, MAP_SHARED | (addr ? MAP_FIXED : 0), `/SYSV${key} (deleted)`);
  g.sharedAnon.attach(start, start + len, s.seg);
  s.atime = seconds();
  s.lpid = g.pid;
  writableMapping(g, start, start + len, prot, BigInt(start)); // last: it may unwind
  return BigInt(start);
}

function shmctl(g: Guest, id: number, cmd: number, buf: bigint): number {
  const ipc = ipcOf(g), s = ipc.shm.get(id);
  switch (cmd) {
    case IPC.STAT:
      statStart(g, s, buf, SHMID_DS);
      g.mem.setU64(buf + 48n, BigInt(s.size));
      g.mem.setI64(buf + 56n, BigInt(s.atime));
      g.mem.setI64(buf + 64n, BigInt(s.dtime));
      g.mem.setI64(buf + 72n, BigInt(s.ctime));
      g.mem.setI32(buf + 80n, s.cpid);
      g.mem.setI32(buf + 84n, s.lpid);
      g.mem.setU64(buf + 88n, BigInt(s.attachments()));
      g.mem.setU32(buf + 20n, s.perm.mode | (s.doomed ? SHM_DEST : 0) | (s.locked ? SHM_LOCKED : 0));
      return 0;
    case IPC.SET:
      setPerm(g, s, buf, SHMID_DS);
      return 0;
    case IPC.RMID:
      owner(g, s);
      ipc.removeShm(s);
      return 0;
    case SHM_LOCK:
    case SHM_UNLOCK:
      owner(g, s);
      s.locked = cmd === SHM_LOCK; // (nothing is swapped out here)
      return 0;
    default:
      fail(E.EINVAL);
  }
}

// ---- semaphores ----------------------------------------------------------------------------

function semop(g: Guest, id: number, sopsAddr: bigint, nsops: number, timeout?: bigint): number {
  if (nsops < 1) fail(E.EINVAL);
  if (nsops > SEMOPM) fail(E.E2BIG);
  g.mem.check(sopsAddr, 6 * nsops);
  const ops: SemOp[] = Array.from({ length: nsops }, (_, i) => {
    const at = sopsAddr + BigInt(6 * i);
    return { num: g.mem.u16(at), op: (g.mem.u16(at + 2n) << 16) >> 16, flags: g.mem.u16(at + 4n) };
  });
  const ms = timeout ? Number(readTimespec(g, timeout)) / 1e6 : Infinity;
  const ipc = ipcOf(g), me = taskOf(g), set = ipc.lookup(ipc.sem, id, me);
  set.waiting.delete(me); // (done again after an unwind: it may go through at once now)
  if (ops.some((o) => o.num >= set.sems.length)) fail(E.EFBIG);
  if (!set.allows(g, ops.some((o) => o.op !== 0) ? 2 : 4)) fail(E.EACCES);
  let r = set.attempt(ops);
  if (!Array.isArray(r)) {
    if (r.flags & IPC.NOWAIT) fail(E.EAGAIN);
    set.waiting.set(me, r); // GETNCNT and GETZCNT count the operation it waits on
    try {
      waitFor(g, set, () => canDo(set, ops), ms);
    } finally {
      // (an unwind to run others keeps the process waiting: it comes back here)
      if (!(g.kernel && g.kernel.self(g).state === 'waiting')) set.waiting.delete(me);
    }
    r = set.attempt(ops);
    if (!Array.isArray(r)) fail(E.EAGAIN); // the time ran out
  }
  r.forEach((v, i) => (set.sems[i]!.value = v));
  for (const o of ops) {
    set.sems[o.num]!.pid = g.pid;
    if (o.flags & SEM_UNDO && o.op) ipc.recordUndo(g.pid, set, o.num, o.op);
  }
  set.otime = seconds();
  return 0;
}

/** whether `ops` can all be done now (ERANGE too: the syscall, done again, reports it) */
function canDo(set: SemSet, ops: SemOp[]): boolean {
  try {
    return Array.isArray(set.attempt(ops));
  } catch {
    return true;
  }
}

/** processes waiting on semaphore `num` for its value to grow (GETNCNT) or to be zero (GETZCNT) */
function waiters(set: SemSet, num: number, zero: boolean): number {
  let n = 0;
  for (const [who, op] of set.waiting) {
    if ('state' in who && (who.state === 'gone' || who.state === 'zombie')) continue;
    if (op.num === num && (zero ? op.op === 0 : op.op < 0)) n++;
  }
  return n;
}

function semctl(g: Guest, id: number, num: number, cmd: number, arg: bigint): number {
  if (cmd === SEM.SETVAL && (int(arg) < 0 || int(arg) > SEMVMX)) fail(E.ERANGE); // before the id, as Linux
  const ipc = ipcOf(g), set = ipc.sem.get(id);
  const one = (): { value: number; pid: number } => {
    if (num < 0 || num >= set.sems.length) fail(E.EINVAL);
    return set.sems[num]!;
  };
  const may = (need: number): void => {
    if (!set.allows(g, need)) fail(E.EACCES);
  };
  switch (cmd) {
    case IPC.STAT:
      statStart(g, set, arg, SEMID_DS);
      g.mem.setI64(arg + 48n, BigInt(set.otime));
      g.mem.setI64(arg + 56n, BigInt(set.ctime));
      g.mem.setU64(arg + 64n, BigInt(set.sems.length));
      return 0;
    case IPC.SET:
      setPerm(g, set, arg, SEMID_DS);
      return 0;
    case IPC.RMID:
      owner(g, set);
      ipc.sem.remove(set);
      return 0;
    case SEM.GETVAL: may(4); return one().value;
    case SEM.GETPID: may(4); return one().pid;
    case SEM.GETNCNT: may(4); one(); return waiters(set, num, false);
    case SEM.GETZCNT: may(4); one(); return waiters(set, num, true);
    case SEM.GETALL:
      may(4);
      g.mem.check(arg, 2 * set.sems.length);
      set.sems.forEach((s, i) => g.mem.setU16(arg + BigInt(2 * i), s.value));
      return 0;
    case SEM.SETVAL: {
      const s = one(), v = int(arg);
      may(2);
      s.value = v;
      s.pid = g.pid;
      ipc.clearUndo(set, num);
      set.ctime = seconds();
      return 0;
    }
    case SEM.SETALL: {
      may(2);
      g.mem.check(arg, 2 * set.sems.length);
      const values = set.sems.map((_, i) => g.mem.u16(arg + BigInt(2 * i)));
      if (values.some((v) => v > SEMVMX)) fail(E.ERANGE);
      values.forEach((v, i) => Object.assign(set.sems[i]!, { value: v, pid: g.pid }));
      ipc.clearUndo(set);
      set.ctime = seconds();
      return 0;
    }
    default:
      fail(E.EINVAL);
  }
}

// ---- message queues ------------------------------------------------------------------------

function msgsnd(g: Guest, id: number, msgp: bigint, size: bigint, flags: number): number {
  if (i64(size) < 0n || size > BigInt(MSGMAX)) fail(E.EINVAL);
  const n = Number(size);
  g.mem.check(msgp, 8 + n);
  const type = g.mem.i64(msgp);
  if (type < 1n) fail(E.EINVAL);
  const ipc = ipcOf(g), q = ipc.lookup(ipc.msg, id, taskOf(g));
  if (!q.allows(g, 2)) fail(E.EACCES);
  const room = (): boolean => q.bytes + n <= q.qbytes && q.msgs.length < q.qbytes;
  if (!room()) {
    if (flags & IPC.NOWAIT) fail(E.EAGAIN);
    if (!waitFor(g, q, room)) fail(E.EAGAIN);
  }
  q.msgs.push({ type, data: g.mem.bytes().slice(Number(msgp) + 8, Number(msgp) + 8 + n) });
  q.bytes += n;
  q.lspid = g.pid;
  q.stime = seconds();
  return 0;
}

/** msgrcv's choice: the first message (0), the first of `type` (> 0; with MSG_EXCEPT not of it), the lowest type up to -type (< 0) */
function pick(q: MsgQueue, type: bigint, except: boolean): number {
  if (type === 0n) return q.msgs.length ? 0 : -1;
  if (type > 0n) return q.msgs.findIndex((m) => (m.type === type) !== except);
  let best = -1;
  q.msgs.forEach((m, i) => {
    if (m.type <= -type && (best < 0 || m.type < q.msgs[best]!.type)) best = i;
  });
  return best;
}

function msgrcv(g: Guest, id: number, msgp: bigint, sizeArg: bigint, type: bigint, flags: number): number {
  if (i64(sizeArg) < 0n) fail(E.EINVAL);
  const ipc = ipcOf(g), q = ipc.lookup(ipc.msg, id, taskOf(g));
  if (!q.allows(g, 4)) fail(E.EACCES);
  const except = (flags & MSG_EXCEPT) !== 0;
  if (pick(q, type, except) < 0) {
    if (flags & IPC.NOWAIT) fail(E.ENOMSG);
    if (!waitFor(g, q, () => pick(q, type, except) >= 0)) fail(E.ENOMSG);
  }
  const i = pick(q, type, except), m = q.msgs[i]!;
  const size = Number(sizeArg > 0x7fffffffn ? 0x7fffffffn : sizeArg);
  if (m.data.length > size && !(flags & MSG_NOERROR)) fail(E.E2BIG);
  const n = Math.min(m.data.length, size);
  g.mem.check(msgp, 8 + n);
  g.mem.setI64(msgp, m.type);
  g.mem.bytes().set(m.data.subarray(0, n), Number(msgp) + 8);
  q.msgs.splice(i, 1);
  q.bytes -= m.data.length;
  q.lrpid = g.pid;
  q.rtime = seconds();
  return n;
}

function msgctl(g: Guest, id: number, cmd: number, buf: bigint): number {
  const ipc = ipcOf(g), q = ipc.msg.get(id);
  switch (cmd) {
    case IPC.STAT:
      statStart(g, q, buf, MSQID_DS);
      g.mem.setI64(buf + 48n, BigInt(q.stime));
      g.mem.setI64(buf + 56n, BigInt(q.rtime));
      g.mem.setI64(buf + 64n, BigInt(q.ctime));
      g.mem.setU64(buf + 72n, BigInt(q.bytes));
      g.mem.setU64(buf + 80n, BigInt(q.msgs.length));
      g.mem.setU64(buf + 88n, BigInt(q.qbytes));
      g.mem.setI32(buf + 96n, q.lspid);
      g.mem.setI32(buf + 100n, q.lrpid);
      return 0;
    case IPC.SET: {
      g.mem.check(buf, MSQID_DS);
      const qbytes = Number(g.mem.u64(buf + 88n));
      owner(g, q);
      if (qbytes > MSGMNB && g.uid !== 0) fail(E.EPERM);
      setPerm(g, q, buf, MSQID_DS);
      q.qbytes = qbytes;
      return 0;
    }
    case IPC.RMID:
      owner(g, q);
      ipc.msg.remove(q);
      return 0;
    default:
      fail(E.EINVAL);
  }
}

export const ipc: Record<string, Handler> = {
  shmget: (g, key, size, flags) => {
    const ipc = ipcOf(g), n = size > BigInt(2 ** 40) ? Infinity : Number(size);
    return ipc.get(g, ipc.shm, int(key), int(flags), (perm) => ipc.newShm(perm, n, g.pid), (s) => {
      if (n > s.size) fail(E.EINVAL);
    });
  },
  shmat: (g, id, addr, flags) => shmat(g, int(id), addr, int(flags)),
  shmdt: (g, addr) => {
    const at = g.sharedAnon.segmentAt(Number(addr));
    const s = at && g.kernel?.ipc.shmOf(at.seg);
    if (!at || !s || addr % BigInt(SHMLBA)) fail(E.EINVAL);
    g.sharedAnon.unmap(Number(addr), at.end);
    g.vm.munmap(Number(addr), at.end - Number(addr));
    s.dtime = seconds();
    s.lpid = g.pid;
    return 0;
  },
  shmctl: (g, id, cmd, buf) => shmctl(g, int(id), int(cmd) & ~IPC_64, buf),
  semget: (g, key, nsems, flags) => {
    const ipc = ipcOf(g), n = int(nsems);
    if (n < 0 || n > SEMMSL) fail(E.EINVAL);
    return ipc.get(g, ipc.sem, int(key), int(flags), (perm) => {
      if (n === 0) fail(E.EINVAL); // (0 finds an existing set of any size)
      return new SemSet(perm, n);
    }, (set) => {
      if (n > set.sems.length) fail(E.EINVAL);
    });
  },
  semop: (g, id, sops, nsops) => semop(g, int(id), sops, uint(nsops)),
  semtimedop: (g, id, sops, nsops, timeout) => semop(g, int(id), sops, uint(nsops), timeout),
  semctl: (g, id, num, cmd, arg) => semctl(g, int(id), int(num), int(cmd) & ~IPC_64, arg),
  msgget: (g, key, flags) => {
    const ipc = ipcOf(g);
    return ipc.get(g, ipc.msg, int(key), int(flags), (perm) => new MsgQueue(perm), () => {});
  },
  msgsnd: (g, id, msgp, size, flags) => msgsnd(g, int(id), msgp, size, int(flags)),
  msgrcv: (g, id, msgp, size, type, flags) => msgrcv(g, int(id), msgp, size, i64(type), int(flags)),
  msgctl: (g, id, cmd, buf) => msgctl(g, int(id), int(cmd) & ~IPC_64, buf),
};
