// System V IPC: shared memory segments, semaphore sets and message queues. They are the run's
// kernel objects, named by a key (ftok's) or private, found by id by every process. A segment's
// bytes are a shared-anon.ts Segment that outlives its attachments; semaphore operations apply
// all at once or wait, and a process's SEM_UNDO adjustments are applied when it ends; waits
// end with EIDRM when the object is removed. Ids follow Linux's scheme (index + 32768 × sequence).
import { E, fail } from './errno.ts';
import type { Guest } from './guest.ts';
import { pageUp } from './memory.ts';
import { Segment } from './shared-anon.ts';

export const IPC = { PRIVATE: 0, CREAT: 0o1000, EXCL: 0o2000, NOWAIT: 0o4000, RMID: 0, SET: 1, STAT: 2 } as const;
/** Linux's limits: semaphore value, operations per semop, message size and queue bytes */
export const SEMVMX = 32767, SEMOPM = 500, SEMMSL = 32000, MSGMAX = 8192, MSGMNB = 16384;
const SHMMAX = 2 ** 32 - 2 ** 24;
const SEQ_MULTIPLIER = 32768;

/** struct ipc64_perm's fields */
export interface Perm { key: number; uid: number; gid: number; cuid: number; cgid: number; mode: number; seq: number }

/** the time in seconds, as the objects' times are kept */
export const seconds = (): number => Math.floor(Date.now() / 1000);

/** what every IPC object has: its id, permissions, change time, and whether it was removed */
export class IpcObject {
  id = 0;
  ctime = seconds();
  removed = false;
  constructor(readonly perm: Perm) {}

  /** whether `g` may read (4) and/or write (2) it: the owner's, group's or others' bits (root: always), as ipcperms */
  allows(g: Guest, need: number): boolean {
    if (g.uid === 0) return true;
    const p = this.perm;
    const bits = g.uid === p.uid || g.uid === p.cuid ? p.mode >> 6 : g.gid === p.gid || g.gid === p.cgid ? p.mode >> 3 : p.mode;
    return (need & ~bits & 7) === 0;
  }
}

export class Shm extends IpcObject {
  atime = 0;
  dtime = 0;
  lpid = 0;
  /** removed with IPC_RMID while attached: destroyed once the last attachment goes */
  doomed = false;
  /** SHM_LOCK'd */
  locked = false;
  readonly seg: Segment;
  constructor(perm: Perm, readonly size: number, readonly cpid: number, unused: () => void) {
    super(perm);
    this.seg = new Segment(pageUp(size), true, unused);
  }

  /** shm_nattch: attachments in every process */
  attachments(): number {
    let n = 0;
    for (const u of this.seg.users) n += u.mappingsOf(this.seg);
    return n;
  }
}

export interface Semaphore { value: number; pid: number }
export interface SemOp { num: number; op: number; flags: number }

export class SemSet extends IpcObject {
  otime = 0;
  readonly sems: Semaphore[];
  /** the operation each waiting task waits on, for GETNCNT and GETZCNT */
  readonly waiting = new Map<object, SemOp>();
  constructor(perm: Perm, n: number) {
    super(perm);
    this.sems = Array.from({ length: n }, () => ({ value: 0, pid: 0 }));
  }

  /** the values after `ops` if they can all be done now, else the first that cannot (it waits); ERANGE past SEMVMX */
  attempt(ops: SemOp[]): number[] | SemOp {
    const v = this.sems.map((s) => s.value);
    for (const o of ops) {
      const next = v[o.num]! + o.op;
      if (o.op === 0 ? v[o.num] !== 0 : next < 0) return o;
      if (next > SEMVMX) fail(E.ERANGE);
      v[o.num] = next;
    }
    return v;
  }
}

export interface Message { type: bigint; data: Uint8Array }

export class MsgQueue extends IpcObject {
  stime = 0;
  rtime = 0;
  lspid = 0;
  lrpid = 0;
  qbytes = MSGMNB;
  bytes = 0;
  readonly msgs: Message[] = [];
}

/** one kind of object by id and by key */
class Table<T extends IpcObject> {
  private readonly slots: (T | undefined)[] = [];
  private seq = 0;

  find(key: number): T | undefined {
    return key === IPC.PRIVATE ? undefined : this.slots.find((o) => o?.perm.key === key);
  }

  /** the object of `id` (EINVAL: none) */
  get(id: number): T {
    const o = id >= 0 ? this.slots[id % SEQ_MULTIPLIER] : undefined;
    if (!o || o.id !== id) fail(E.EINVAL);
    return o;
  }

  add(o: T): number {
    let i = this.slots.findIndex((s) => s === undefined);
    if (i < 0) i = this.slots.length;
    o.perm.seq = this.seq++ & 0xffff;
    o.id = i + SEQ_MULTIPLIER * o.perm.seq;
    this.slots[i] = o;
    return o.id;
  }

  /** the live objects */
  values(): T[] {
    return this.slots.filter((o): o is T => o !== undefined);
  }

  remove(o: T): void {
    o.removed = true;
    const i = o.id % SEQ_MULTIPLIER;
    if (this.slots[i] === o) this.slots[i] = undefined;
  }
}

export class SysvIpc {
  readonly shm = new Table<Shm>();
  readonly sem = new Table<SemSet>();
  readonly msg = new Table<MsgQueue>();
  /** SEM_UNDO adjustments of each process (by pid): applied when it ends */
  private readonly undo = new Map<number, Map<SemSet, Map<number, number>>>();
  /** the object each waiting task (a Proc) waits on: one removed meanwhile is EIDRM when its syscall runs again */
  private readonly waits = new WeakMap<object, IpcObject>();

  /** the object of `id` in `table` for a syscall of task `me` that may wait on it (EIDRM: removed while it waited) */
  lookup<T extends IpcObject>(table: Table<T>, id: number, me: object): T {
    const was = this.waits.get(me);
    if (was) {
      this.waits.delete(me);
      if (was.removed && was.id === id) fail(E.EIDRM);
    }
    return table.get(id);
  }

  /** `me` waits on `o` (see lookup); undefined: no longer */
  waiting(me: object, o?: IpcObject): void {
    if (o) this.waits.set(me, o);
    else this.waits.delete(me);
  }

  /**
   * shmget/semget/msgget: the object of `key` (checked by `fits`), or a new one from `make` with
   * IPC_CREAT or a private key. EEXIST with IPC_EXCL, ENOENT without IPC_CREAT, EACCES for the
   * permissions `flags` asks.
   */
  get<T extends IpcObject>(g: Guest, table: Table<T>, key: number, flags: number, make: (perm: Perm) => T, fits: (o: T) => void): number {
    const found = table.find(key);
    if (found) {
      if (flags & IPC.CREAT && flags & IPC.EXCL) fail(E.EEXIST);
      fits(found);
      if (!found.allows(g, ((flags >> 6) | (flags >> 3) | flags) & 7)) fail(E.EACCES);
      return found.id;
    }
    if (key !== IPC.PRIVATE && !(flags & IPC.CREAT)) fail(E.ENOENT);
    return table.add(make({ key, uid: g.uid, gid: g.gid, cuid: g.uid, cgid: g.gid, mode: flags & 0o777, seq: 0 }));
  }

  /** a new segment of `size` bytes for shmget */
  newShm(perm: Perm, size: number, pid: number): Shm {
    if (size < 1 || size > SHMMAX) fail(E.EINVAL);
    const s: Shm = new Shm(perm, size, pid, () => {
      if (s.doomed) this.shm.remove(s);
    });
    return s;
  }

  /** the System V segment `seg` is, if it is one (shmdt) */
  shmOf(seg: Segment): Shm | undefined {
    return this.shm.values().find((s) => s.seg === seg);
  }

  /** shmctl IPC_RMID: gone now if nothing has it attached, else once the last attachment goes; its key is free at once */
  removeShm(s: Shm): void {
    s.perm.key = IPC.PRIVATE;
    s.doomed = true;
    if (s.attachments() === 0) this.shm.remove(s);
  }

  /** semop's SEM_UNDO: what `pid`'s exit undoes */
  recordUndo(pid: number, set: SemSet, num: number, op: number): void {
    let sets = this.undo.get(pid);
    if (!sets) this.undo.set(pid, (sets = new Map()));
    let adj = sets.get(set);
    if (!adj) sets.set(set, (adj = new Map()));
    adj.set(num, (adj.get(num) ?? 0) - op);
  }

  /** SETVAL/SETALL: every process's adjustments of those semaphores are dropped */
  clearUndo(set: SemSet, num?: number): void {
    for (const sets of this.undo.values()) {
      if (num === undefined) sets.delete(set);
      else sets.get(set)?.delete(num);
    }
  }

  /** the process `pid` ends: its adjustments are applied (within 0 … SEMVMX), as Linux's exit_sem does */
  exited(pid: number): void {
    const sets = this.undo.get(pid);
    if (!sets) return;
    this.undo.delete(pid);
    for (const [set, adj] of sets) {
      if (set.removed) continue;
      for (const [num, d] of adj) {
        const s = set.sems[num]!;
        s.value = Math.min(SEMVMX, Math.max(0, s.value + d));
        s.pid = pid;
      }
    }
  }
}
