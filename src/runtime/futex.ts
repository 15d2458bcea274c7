// futex(2) between the threads of a process (kernel.ts runs them one at a time), and between
// processes on shared anonymous memory (keyed by segment: shared-anon.ts, in the kernel's table).
// A waiter is queued on its address until a wake takes it, its deadline passes or a signal
// interrupts it.
// The waiter stays on its thread across an unwind (Kernel.wait may unwind the thread and do the
// syscall again later): the syscall done again finds it and does not compare the value again,
// so a wake that came in between is not lost.
import { E, fail } from './errno.ts';
import { GuestFault, SIGNAL } from './errors.ts';
import type { Guest } from './guest.ts';
import type { Kernel } from './kernel.ts';

export interface FutexWaiter {
  addr: bigint;
  /** its queue's key: the address, or a shared segment's key */
  key: bigint;
  bitset: number;
  woken: boolean;
}

export class Futexes {
  private readonly queues = new Map<bigint, FutexWaiter[]>();

  constructor(private readonly kernel: Kernel, private readonly g: Guest) {}

  /**
   * FUTEX_WAIT(_BITSET): waits while the u32 at `addr` is `val`, until woken (0), `ms` pass
   * (ETIMEDOUT) or a signal comes (EINTR). A wait that nothing can ever end (every thread of
   * every process waits) ends the process with a message instead of hanging.
   */
  wait(addr: bigint, val: number, bitset: number, ms: number): number {
    const me = this.kernel.self(this.g);
    let w = me.futex;
    if (!w || w.addr !== addr) {
      if (this.g.mem.u32(addr) !== val) fail(E.EAGAIN);
      w = { addr, key: this.keyOf(addr), bitset, woken: false };
      this.queue(w.key).push(w);
      me.futex = w;
    }
    const waiter = w;
    let ended = false;
    try {
      ended = this.kernel.sleep(this.g, ms, () => waiter.woken);
    } catch (e) {
      // an unwind keeps the waiter queued (the syscall comes again); a signal or an end does not
      if (me.state !== 'waiting') this.forget(me, waiter);
      throw e;
    }
    this.forget(me, waiter);
    if (waiter.woken) return 0;
    if (Number.isFinite(ms) && ended) fail(E.ETIMEDOUT);
    throw new GuestFault(`deadlock: thread ${me.tid} waits on the futex at 0x${addr.toString(16)} and no thread of any process can run to wake it`, undefined, SIGNAL.SIGKILL);
  }

  /** FUTEX_WAKE(_BITSET): wakes up to `n` waiters on `addr` whose bitset meets `bitset` */
  wake(addr: bigint, n: number, bitset: number): number {
    const key = this.keyOf(addr), queues = this.queuesOf(key);
    const q = queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (let i = 0; i < q.length && woken < n;) {
      const w = q[i]!;
      if ((w.bitset & bitset) === 0) {
        i++;
        continue;
      }
      w.woken = true;
      q.splice(i, 1);
      woken++;
    }
    if (!q.length) queues.delete(key);
    return woken;
  }

  /** FUTEX_(CMP_)REQUEUE: wakes up to `n` waiters on `addr`, moves up to `moved` more to `to` */
  requeue(addr: bigint, n: number, moved: number, to: bigint): number {
    const woken = this.wake(addr, n, -1);
    const key = this.keyOf(addr), queues = this.queuesOf(key), toKey = this.keyOf(to);
    const q = queues.get(key);
    if (!q || moved <= 0) return woken;
    const move = q.splice(0, moved);
    if (!q.length) queues.delete(key);
    for (const w of move) {
      w.addr = to;
      w.key = toKey;
    }
    this.queue(toKey).push(...move);
    return woken + move.length;
  }

  private keyOf(addr: bigint): bigint {
    return this.g.sharedAnon.futexKey(addr) ?? this.g.sharedMaps.futexKey(addr) ?? addr;
  }

  /** a shared segment's queues are the kernel's, for every process */
  private queuesOf(key: bigint): Map<bigint, FutexWaiter[]> {
    return key >= 2n ** 64n ? this.kernel.sharedFutexes : this.queues;
  }

  private queue(key: bigint): FutexWaiter[] {
    const queues = this.queuesOf(key);
    let q = queues.get(key);
    if (!q) queues.set(key, (q = []));
    return q;
  }

  /** a task that ends (with its process, or at an execve) waits no more: its waiter leaves the queue */
  cancel(t: { futex?: FutexWaiter }): void {
    if (t.futex) this.forget(t, t.futex);
  }

  private forget(me: { futex?: FutexWaiter }, w: FutexWaiter): void {
    me.futex = undefined;
    const queues = this.queuesOf(w.key), q = queues.get(w.key);
    const i = q?.indexOf(w) ?? -1;
    if (i >= 0) q!.splice(i, 1);
    if (q && !q.length) queues.delete(w.key);
  }
}
