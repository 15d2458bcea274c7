// A process's interval timers (setitimer, getitimer; alarm is ITIMER_REAL in glibc and musl).
// The kernel fires them where it takes signals from outside (every syscall, interrupt point and
// wait: Kernel.takeInterrupts) and sleeps no longer than until the next one, so a timer ends a
// wait (pause, sigsuspend, nanosleep: EINTR) and reaches a program that computes without
// syscalls at its next loop interrupt point. Times are the host's monotonic clock in ms; the
// CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF) count wall time, as the CPU-time clocks here do.
import { E, fail } from './errno.ts';

export const ITIMER_REAL = 0;
export const ITIMER_VIRTUAL = 1;
export const ITIMER_PROF = 2;
/** the signal each timer sends: SIGALRM, SIGVTALRM, SIGPROF */
const TIMER_SIGNAL = [14, 26, 27];

interface Timer {
  /** when it fires next (performance.now) */
  at: number;
  /** the period after that, 0 for once */
  interval: number;
}

/** a timer's setting: time to the next expiry and period, in microseconds (struct itimerval) */
export interface TimerValue { value: bigint; interval: bigint }

/**
 * A periodic timer `t` that expired at `t.at` goes on to its first period after `now` (Linux's
 * hrtimer_forward); returns the periods missed meanwhile, which send nothing (POSIX timers count
 * them as overruns). Shared with posix-timers.ts.
 */
export function forward(t: { at: number; interval: number }, now: number): number {
  const missed = Math.floor((now - t.at) / t.interval);
  t.at += (missed + 1) * t.interval;
  return missed;
}

const usToMs = (us: bigint): number => Number(us) / 1000;
const msToUs = (ms: number): bigint => BigInt(Math.ceil(ms * 1000));

export class IntervalTimers {
  private readonly timers: (Timer | undefined)[] = [];

  /** `which`'s setting at `now`; an armed timer that is due but not yet fired has 1 µs left, as on Linux */
  get(which: number, now: number): TimerValue {
    const t = this.timers[check(which)];
    if (!t) return { value: 0n, interval: 0n };
    const left = msToUs(t.at - now);
    return { value: left > 0n ? left : 1n, interval: msToUs(t.interval) };
  }

  /** arms `which` (a value of 0 disarms it); returns the setting it replaces */
  set(which: number, v: TimerValue, now: number): TimerValue {
    const old = this.get(which, now);
    this.timers[which] = v.value > 0n ? { at: now + usToMs(v.value), interval: usToMs(v.interval) } : undefined;
    return old;
  }

  /** the earliest time a timer fires, if any is armed */
  next(): number | undefined {
    let at: number | undefined;
    for (const t of this.timers) if (t && (at === undefined || t.at < at)) at = t.at;
    return at;
  }

  /**
   * The signals of the timers due at `now`. A periodic one is armed again for its next period
   * after `now`: periods missed meanwhile send no more (Linux counts them as overruns).
   */
  due(now: number): number[] {
    const sigs: number[] = [];
    this.timers.forEach((t, which) => {
      if (!t || t.at > now) return;
      sigs.push(TIMER_SIGNAL[which]!);
      if (t.interval > 0) forward(t, now);
      else this.timers[which] = undefined;
    });
    return sigs;
  }
}

function check(which: number): number {
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) fail(E.EINVAL);
  return which;
}
