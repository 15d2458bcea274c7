// Files with no path, as Linux's anon_inode files: eventfd counters, timerfd timers and signalfd
// views of the pending signals (epoll instances are epoll.ts). A read that finds nothing waits
// through Kernel.sleep, so another process, a timer or a signal can end it.
import { E, fail } from './errno.ts';
import { gatherIovs, iovTotal, scatterIovs } from './iovecs.ts';
import { makeOpenFile, type AnonFile, type OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import type { Kernel } from './kernel.ts';
import { READABLE, WRITABLE } from './poll.ts';
import { siginfoOf } from './signal-frame.ts';
import type { TimerSpec } from './posix-timers.ts';
import { lowestSignal, SI_QUEUE, SI_TIMER } from './signals.ts';
import { O } from './vfs.ts';

const u64Bytes = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

/**
 * Waits until `ready()` for a read or write of `f`, or fails with EAGAIN at once under O_NONBLOCK
 * (and where nothing could ever make it ready: a lone process, no timer, no signal to come). An
 * SA_RESTART handler restarts the call, as for any read.
 */
export function waitReady(g: Guest, f: OpenFile, ready: () => boolean): void {
  while (!ready()) if (f.flags & O.NONBLOCK || !g.kernel?.sleep(g, Infinity, ready, true)) fail(E.EAGAIN);
}

/** an open file of `anon`, read-write, O_NONBLOCK from `flags` */
export const anonFile = (anon: AnonFile, flags: number): OpenFile => makeOpenFile({ wasiFd: -1, flags: O.RDWR | (flags & O.NONBLOCK), anon });

/** installs `anon` at the lowest free fd, with O_NONBLOCK and O_CLOEXEC from `flags` */
export function installAnon(g: Guest, anon: AnonFile, flags: number): number {
  return g.fds.install(anonFile(anon, flags), (flags & O.CLOEXEC) !== 0);
}

const COUNTER_MAX = 0xfffffffffffffffen;

/** eventfd: a 64-bit counter writes add to and reads take (all of it, or 1 in semaphore mode) */
export class EventFd implements AnonFile {
  readonly link = 'anon_inode:[eventfd]';
  private reads = 0;
  private writes = 0;

  constructor(private count: bigint, private readonly semaphore: boolean) {}

  read(g: Guest, f: OpenFile, iovs: [number, number][]): number {
    if (iovTotal(iovs) < 8) fail(E.EINVAL);
    waitReady(g, f, () => this.count > 0n);
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    this.reads++;
    scatterIovs(g, iovs, u64Bytes(v));
    return 8;
  }

  write(g: Guest, f: OpenFile, iovs: [number, number][]): number {
    if (iovTotal(iovs) < 8) fail(E.EINVAL);
    const v = new DataView(gatherIovs(g, iovs, 8).buffer).getBigUint64(0, true);
    if (v > COUNTER_MAX) fail(E.EINVAL);
    waitReady(g, f, () => COUNTER_MAX - this.count >= v);
    this.count += v;
    this.writes++;
    return 8;
  }

  poll(): number {
    return (this.count > 0n ? READABLE : 0) | (this.count < COUNTER_MAX ? WRITABLE : 0);
  }

  wakeups(): readonly [number, number] {
    return [this.writes, this.reads];
  }
}

/**
 * timerfd: a timer whose expirations are counted for reads (8 bytes: how many since the last read
 * or settime). Kept on the monotonic clock in ns; an absolute time of CLOCK_REALTIME is taken to
 * it when set (the clock is never set here). Expirations are counted lazily from the clock.
 */
export class TimerFd implements AnonFile {
  readonly link = 'anon_inode:[timerfd]';
  /** the next expiry (monotonic ns), undefined when disarmed */
  private next?: bigint;
  private interval = 0n;
  /** expirations not read yet, and all so far (the wake-ups) */
  private ticks = 0n;
  private fired = 0;

  constructor(readonly clock: number, private readonly now: () => bigint, private readonly kernel: Kernel | undefined) {}

  /** counts the expirations up to now */
  private update(): bigint {
    const now = this.now();
    if (this.next !== undefined && now >= this.next) {
      const n = this.interval > 0n ? (now - this.next) / this.interval + 1n : 1n;
      this.ticks += n;
      this.fired++;
      this.next = this.interval > 0n ? this.next + n * this.interval : undefined;
      if (this.next === undefined) this.kernel?.wakers.delete(this);
    }
    return now;
  }

  /** the time to the next expiry and the interval (ns), as timerfd_gettime reports them */
  get(): TimerSpec {
    const now = this.update();
    return { value: this.next === undefined ? 0n : this.next - now, interval: this.interval };
  }

  /** arms the timer to expire `delay` ns from now (past: at once, with the intervals missed since counted; undefined: disarm), then every `interval` ns */
  set(delay: bigint | undefined, interval: bigint): void {
    this.update();
    this.ticks = 0n;
    this.interval = interval;
    this.next = delay === undefined ? undefined : this.now() + delay;
    if (this.next === undefined) this.kernel?.wakers.delete(this);
    else this.kernel?.wakers.add(this);
  }

  /** when it next expires on performance.now()'s scale (Kernel.wakers) */
  wakeAt(): number {
    this.update();
    return this.next === undefined ? Infinity : performance.now() + Number(this.next - this.now()) / 1e6;
  }

  read(g: Guest, f: OpenFile, iovs: [number, number][]): number {
    if (iovTotal(iovs) < 8) fail(E.EINVAL);
    waitReady(g, f, () => (this.update(), this.ticks > 0n));
    scatterIovs(g, iovs, u64Bytes(this.ticks));
    this.ticks = 0n;
    return 8;
  }

  poll(): number {
    this.update();
    return this.ticks > 0n ? READABLE : 0;
  }

  wakeups(): readonly [number, number] {
    this.update();
    return [this.fired, 0];
  }

  release(): void {
    this.kernel?.wakers.delete(this);
  }
}

/** struct signalfd_siginfo's size */
export const SIGNALFD_SIGINFO = 128;

/** signalfd: reads take the reader's pending signals of a set (blocked, as a rule, so they wait for it) */
export class SignalFd implements AnonFile {
  readonly link = 'anon_inode:[signalfd]';

  constructor(public mask: bigint) {}

  /** the signals of the set pending for the process of `g` (while others run, not in g.signals) */
  private pending(g: Guest): bigint {
    const k = g.kernel;
    return (k ? k.pendingFor(k.self(g)) : g.signals.pending) & this.mask;
  }

  read(g: Guest, f: OpenFile, iovs: [number, number][]): number {
    const room = Math.floor(iovTotal(iovs) / SIGNALFD_SIGINFO);
    if (room === 0) fail(E.EINVAL);
    waitReady(g, f, () => this.pending(g) !== 0n);
    const out = new Uint8Array(room * SIGNALFD_SIGINFO), dv = new DataView(out.buffer);
    let n = 0;
    for (; n < room; n++) {
      const ready = g.signals.pending & this.mask;
      if (ready === 0n) break;
      const sig = lowestSignal(ready);
      const si = siginfoOf(g.signals.takePending(sig), g), at = n * SIGNALFD_SIGINFO;
      dv.setUint32(at, sig, true); // ssi_signo
      dv.setInt32(at + 8, si.code, true); // ssi_code
      dv.setUint32(at + 12, si.pid ?? 0, true); // ssi_pid
      dv.setUint32(at + 16, si.uid ?? 0, true); // ssi_uid
      if (si.status !== undefined) dv.setInt32(at + 40, si.status, true); // ssi_status
      const value = si.timer?.value ?? si.value;
      if (si.timer) {
        dv.setUint32(at + 24, si.timer.id, true); // ssi_tid
        dv.setUint32(at + 32, si.timer.overrun, true); // ssi_overrun
      }
      if (value !== undefined && (si.code === SI_QUEUE || si.code === SI_TIMER)) {
        dv.setInt32(at + 44, Number(BigInt.asIntN(32, value)), true); // ssi_int
        dv.setBigUint64(at + 48, BigInt.asUintN(64, value), true); // ssi_ptr
      }
    }
    scatterIovs(g, iovs, out.subarray(0, n * SIGNALFD_SIGINFO));
    return n * SIGNALFD_SIGINFO;
  }

  poll(g: Guest): number {
    return this.pending(g) !== 0n ? READABLE : 0;
  }
}
