// Interval timers (src/runtime/itimer.ts) on their own: what a setting reads back, when each timer
// fires and with which signal, periods missed while nobody looked. Whole programs against qemu:
// test/timers.test.ts.
import { describe, expect, it } from 'vitest';
import { Errno } from '../../src/runtime/errno.ts';
import { IntervalTimers, ITIMER_PROF, ITIMER_REAL, ITIMER_VIRTUAL } from '../../src/runtime/itimer.ts';

describe('interval timers', () => {
  it('read back what was set, less the time gone by; a due timer not yet fired has 1 µs left', () => {
    const t = new IntervalTimers();
    expect(t.set(ITIMER_REAL, { value: 2_000_000n, interval: 500_000n }, 1000)).toEqual({ value: 0n, interval: 0n });
    expect(t.get(ITIMER_REAL, 1500)).toEqual({ value: 1_500_000n, interval: 500_000n });
    expect(t.get(ITIMER_REAL, 5000)).toEqual({ value: 1n, interval: 500_000n });
    expect(t.set(ITIMER_REAL, { value: 0n, interval: 0n }, 1500)).toEqual({ value: 1_500_000n, interval: 500_000n });
    expect(t.next()).toBeUndefined();
  });

  it('fire once at their time with SIGALRM, SIGVTALRM and SIGPROF; the earliest is next', () => {
    const t = new IntervalTimers();
    t.set(ITIMER_REAL, { value: 30_000n, interval: 0n }, 0);
    t.set(ITIMER_VIRTUAL, { value: 10_000n, interval: 0n }, 0);
    t.set(ITIMER_PROF, { value: 20_000n, interval: 0n }, 0);
    expect(t.next()).toBe(10);
    expect(t.due(9.9)).toEqual([]);
    expect(t.due(10)).toEqual([26]);
    expect(t.next()).toBe(20);
    expect(t.due(31)).toEqual([14, 27]);
    expect(t.next()).toBeUndefined();
    expect(t.due(100)).toEqual([]);
  });

  it('a periodic timer fires once for periods missed meanwhile and stays on its grid', () => {
    const t = new IntervalTimers();
    t.set(ITIMER_REAL, { value: 10_000n, interval: 10_000n }, 0);
    expect(t.due(10)).toEqual([14]);
    expect(t.next()).toBe(20);
    expect(t.due(55)).toEqual([14]);
    expect(t.next()).toBe(60);
    // on the grid: the next period is after now, not now again
    expect(t.due(70)).toEqual([14]);
    expect(t.next()).toBe(80);
    expect(t.due(70)).toEqual([]);
  });

  it('refuse another timer than the three with EINVAL', () => {
    const t = new IntervalTimers();
    expect(() => t.get(3, 0)).toThrow(Errno);
    expect(() => t.set(-1, { value: 1n, interval: 0n }, 0)).toThrow(Errno);
  });
});
