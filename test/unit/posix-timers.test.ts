// POSIX timers (src/runtime/posix-timers.ts) on their own: ids, settings read back, expiries with
// their signal, sigev_value and overruns, SIGEV_NONE, deletion. Whole programs against qemu:
// test/timers.test.ts (the posix-* cases).
import { describe, expect, it } from 'vitest';
import { Errno } from '../../src/runtime/errno.ts';
import { PosixTimers } from '../../src/runtime/posix-timers.ts';

describe('POSIX timers', () => {
  it('are numbered from 0, read back what was set less the time gone by, 1 ns when due but not fired', () => {
    const t = new PosixTimers();
    expect(t.create(1, 10, 42n)).toBe(0);
    expect(t.create(0, 14, undefined)).toBe(1);
    expect(t.clockOf(1)).toBe(0);
    expect(t.set(0, { value: 2_000_000n, interval: 1_000_000n }, 100)).toEqual({ value: 0n, interval: 0n });
    expect(t.get(0, 101)).toEqual({ value: 1_000_000n, interval: 1_000_000n });
    expect(t.get(0, 500)).toEqual({ value: 1n, interval: 1_000_000n });
    expect(t.next()).toBe(102);
  });

  it('send their signal with sigev_value (the id by default); periods missed meanwhile are overruns', () => {
    const t = new PosixTimers();
    const a = t.create(1, 10, 42n), b = t.create(1, 12, undefined, 1001);
    t.set(a, { value: 1_000_000n, interval: 1_000_000n }, 0);
    t.set(b, { value: 5_000_000n, interval: 0n }, 0);
    expect(t.due(1)).toEqual([{ sig: 10, id: a, overrun: 0, value: 42n, tid: undefined }]);
    expect(t.due(4.5)).toEqual([{ sig: 10, id: a, overrun: 2, value: 42n, tid: undefined }]);
    expect(t.overrun(a)).toBe(2);
    expect(t.next()).toBe(5);
    expect(t.due(5)).toEqual([
      { sig: 10, id: a, overrun: 0, value: 42n, tid: undefined },
      { sig: 12, id: b, overrun: 0, value: 1n, tid: 1001 },
    ]);
    expect(t.get(b, 6)).toEqual({ value: 0n, interval: 0n });
  });

  it('SIGEV_NONE sends nothing but expires; a deleted or unknown timer is EINVAL', () => {
    const t = new PosixTimers();
    const n = t.create(1, 0, undefined);
    t.set(n, { value: 1_000_000n, interval: 0n }, 0);
    expect(t.due(2)).toEqual([]);
    expect(t.get(n, 2)).toEqual({ value: 0n, interval: 0n });
    t.delete(n);
    expect(() => t.get(n, 0)).toThrow(Errno);
    expect(() => t.delete(7)).toThrow(Errno);
  });
});
