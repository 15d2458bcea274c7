import { describe, expect, it } from 'vitest';
import { zeroFill } from '../../src/runtime/zero-fill.ts';

const KiB = 1024, MiB = 1024 * KiB, PAGE = 4 * KiB;

/** the offsets in [from, to) of non-zero bytes */
function nonZero(memory: WebAssembly.Memory, from: number, to: number): number[] {
  const u8 = new Uint8Array(memory.buffer), out: number[] = [];
  for (let i = from; i < to; i++) if (u8[i] !== 0) out.push(i);
  return out;
}

describe('zeroFill', () => {
  it('clears every non-zero byte of the range, wherever it lies in its page, and nothing outside', () => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536 }); // 4 MiB
    const u8 = new Uint8Array(memory.buffer);
    // an unaligned range over many pages: the scan's path, with partial pages at both ends
    const start = 100 * PAGE + 123, end = 700 * PAGE + 77;
    const marks = [start - 1, start, start + 1, 101 * PAGE, 101 * PAGE + 15, 102 * PAGE + 16, 103 * PAGE + 63, 104 * PAGE + 64,
      200 * PAGE - 1, 300 * PAGE + 2048, 699 * PAGE + 4095, 700 * PAGE, end - 1, end, end + 1];
    for (const at of marks) u8[at] = 0xa5;
    zeroFill(memory, start, end);
    expect(nonZero(memory, 0, memory.buffer.byteLength)).toEqual([start - 1, end, end + 1]);
  });

  it('clears a short range directly', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint8Array(memory.buffer).fill(7);
    zeroFill(memory, 10, 5000);
    expect(nonZero(memory, 0, 64 * KiB)).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 64 * KiB - 5000 }, (_, i) => 5000 + i)]);
  });

  it('takes addresses at and above 2 GiB (negative as i32)', () => {
    // virtual memory only: the untouched pages are never committed
    const memory = new WebAssembly.Memory({ initial: 2 * 16384 + 16, maximum: 65536 });
    const base = 2 * 1024 * MiB, u8 = new Uint8Array(memory.buffer);
    u8[base] = 1;
    u8[base + 700 * KiB + 5] = 2;
    u8[base + MiB - 1] = 3;
    zeroFill(memory, base, base + MiB - 1);
    expect([u8[base], u8[base + 700 * KiB + 5], u8[base + MiB - 1]]).toEqual([0, 0, 3]);
  });
});
