// The buffers of a readv/writev-style transfer ([address, length] pairs in guest memory, as
// vfs.ts guestIovecs reads them): their total, and copies into and out of them.
import type { Guest } from './guest.ts';

export type Iovecs = [number, number][];

export const iovTotal = (iovs: Iovecs): number => iovs.reduce((n, [, len]) => n + len, 0);

/** the buffers of `iovs` cut after their first `n` bytes */
export function firstOfIovs(iovs: Iovecs, n: number): Iovecs {
  const out: Iovecs = [];
  for (const [base, len] of iovs) {
    if (n === 0) break;
    out.push([base, Math.min(len, n)]);
    n -= Math.min(len, n);
  }
  return out;
}

/** copies `bytes` into the buffers of `iovs` in order (as many as they hold) */
export function scatterIovs(g: Guest, iovs: Iovecs, bytes: Uint8Array): void {
  const mem = g.mem.bytes();
  let at = 0;
  for (const [base, len] of iovs) {
    if (at === bytes.length) return;
    const k = Math.min(len, bytes.length - at);
    mem.set(bytes.subarray(at, at + k), base);
    at += k;
  }
}

/** the first `n` bytes of the buffers of `iovs` (all of them) */
export function gatherIovs(g: Guest, iovs: Iovecs, n = iovTotal(iovs)): Uint8Array {
  const mem = g.mem.bytes(), out = new Uint8Array(n);
  let at = 0;
  for (const [base, len] of iovs) {
    if (at === n) break;
    const k = Math.min(len, n - at);
    out.set(mem.subarray(base, base + k), at);
    at += k;
  }
  return out;
}
