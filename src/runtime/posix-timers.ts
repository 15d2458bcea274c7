// A process's POSIX timers (timer_create, timer_settime, timer_gettime, timer_getoverrun,
// timer_delete), fired by the kernel with the interval timers (itimer.ts: where interrupts are
// taken, and no wait sleeps past the next one). Each sends its signal with si_code SI_TIMER, its
// id, overrun count and sigev_value (glibc's and musl's SIGEV_THREAD timers are built on that:
// a helper thread takes SIGEV_THREAD_ID signals with sigwaitinfo), or nothing (SIGEV_NONE).
// Deadlines are the host's monotonic clock in ms, whatever the timer's clock: an absolute time
// on CLOCK_REALTIME is taken as from now (a later change of the wall clock does not move it), and
// the CPU-time clocks count wall time, as they do here.
import { E, fail } from './errno.ts';
import { forward } from './itimer.ts';

export const SIGEV_SIGNAL = 0;
export const SIGEV_NONE = 1;
export const SIGEV_THREAD_ID = 4;
/** the most si_overrun and timer_getoverrun say (Linux's DELAYTIMER_MAX) */
const DELAYTIMER_MAX = 0x7fffffff;

/** what a due timer sends: signal, id, overrun count, sigev_value, and the thread it goes to alone (SIGEV_THREAD_ID) */
export interface TimerSignal { sig: number; id: number; overrun: number; value: bigint; tid?: number }

interface PosixTimer {
  /** the clock it was created on (absolute settings are times on it) */
  clock: number;
  /** the signal, 0 for SIGEV_NONE */
  sig: number;
  /** SIGEV_THREAD_ID's thread */
  tid?: number;
  value: bigint;
  /** when it fires next (performance.now), undefined while disarmed */
  at?: number;
  /** the period after that (ms), 0 for once */
  interval: number;
  /** expirations after the one last signalled that sent nothing (timer_getoverrun) */
  overrun: number;
}

/** a setting in nanoseconds: time to the next expiry and period (struct itimerspec) */
export interface TimerSpec { value: bigint; interval: bigint }

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;
const msToNs = (ms: number): bigint => BigInt(Math.ceil(ms * 1e6));

export class PosixTimers {
  private readonly timers = new Map<number, PosixTimer>();
  private nextId = 0;

  /**
   * A new disarmed timer on `clock` sending `sig` (0: none) with `value` (default: its id), to
   * thread `tid` alone if given; its id, lowest first as Linux hands them out.
   */
  create(clock: number, sig: number, value: bigint | undefined, tid?: number): number {
    const id = this.nextId++;
    this.timers.set(id, { clock, sig, tid, value: value ?? BigInt(id), interval: 0, overrun: 0 });
    return id;
  }

  clockOf(id: number): number {
    return this.timer(id).clock;
  }

  delete(id: number): void {
    if (!this.timers.delete(id)) fail(E.EINVAL);
  }

  /** `id`'s setting at `now`; an armed timer that is due but not yet fired has 1 ns left, as on Linux */
  get(id: number, now: number): TimerSpec {
    const t = this.timer(id);
    if (t.at === undefined) return { value: 0n, interval: msToNs(t.interval) };
    const left = msToNs(t.at - now);
    return { value: left > 0n ? left : 1n, interval: msToNs(t.interval) };
  }

  /** arms `id` to fire in `spec.value` ns (disarms it for 0); returns the setting it replaces */
  set(id: number, spec: TimerSpec, now: number): TimerSpec {
    const old = this.get(id, now), t = this.timer(id);
    t.at = spec.value > 0n ? now + nsToMs(spec.value) : undefined;
    t.interval = nsToMs(spec.interval);
    t.overrun = 0;
    return old;
  }

  overrun(id: number): number {
    return this.timer(id).overrun;
  }

  /** the earliest time a timer fires, if any is armed */
  next(): number | undefined {
    let at: number | undefined;
    for (const t of this.timers.values()) if (t.at !== undefined && (at === undefined || t.at < at)) at = t.at;
    return at;
  }

  /** what the timers due at `now` send; periodic ones go on, periods missed meanwhile counted as overruns */
  due(now: number): TimerSignal[] {
    const out: TimerSignal[] = [];
    for (const [id, t] of this.timers) {
      if (t.at === undefined || t.at > now) continue;
      let missed = 0;
      if (t.interval > 0) missed = forward(t as { at: number; interval: number }, now);
      else t.at = undefined;
      t.overrun = Math.min(missed, DELAYTIMER_MAX);
      if (t.sig) out.push({ sig: t.sig, id, overrun: t.overrun, value: t.value, tid: t.tid });
    }
    return out;
  }

  private timer(id: number): PosixTimer {
    return this.timers.get(id) ?? fail(E.EINVAL);
  }
}
