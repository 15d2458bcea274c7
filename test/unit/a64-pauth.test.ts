// LDRAA/LDRAB's addressing (offsets to both ends of their range, SP, writeback, Rt == Rn, XZR)
// on a core whose keys are disabled. Words from aarch64-linux-gnu-as -march=armv8.3-a.
// test/pauth.test.ts runs them in programs against qemu.
import { describe, expect, it } from 'vitest';
import { runInsn } from '../helpers/a64-lift.ts';

// The harness keeps x0..x30, sp at 16·r in its memory: a load from 80 reads x5.
describe('LDRAA/LDRAB (keys disabled: a 64-bit load at Xn|SP + offset)', () => {
  const V = 0x8877665544332211n, X5 = 80n;
  const state = (regs: Record<number, bigint>) => Array.from({ length: 32 }, (_, r) => (r === 5 ? V : BigInt.asUintN(64, regs[r] ?? 0n)));
  const run = (word: number, regs: Record<number, bigint>) => runInsn(word, { x: state(regs), v: [], nzcv: 0 }).x;

  it('ldraa x0, [x1] and ldraa x0, [x1, #16]: no writeback', () => {
    let r = run(0xf8200420, { 1: X5 });
    expect([r[0], r[1]]).toEqual([V, X5]);
    r = run(0xf8202420, { 1: X5 - 16n });
    expect([r[0], r[1]]).toEqual([V, X5 - 16n]);
  });

  it('ldrab x2, [x1, #-16]! and ldrab x4, [x1, #-4096]!: Xn gets the address', () => {
    let r = run(0xf8ffec22, { 1: X5 + 16n });
    expect([r[2], r[1]]).toEqual([V, X5]);
    r = run(0xf8e00c24, { 1: X5 + 4096n });
    expect([r[4], r[1]]).toEqual([V, X5]);
  });

  it('ldraa x3, [sp, #4088] and ldrab x5, [sp, #-8]!: Rn = 31 is SP', () => {
    let r = run(0xf83ff7e3, { 31: X5 - 4088n });
    expect([r[3], r[31]]).toEqual([V, BigInt.asUintN(64, X5 - 4088n)]);
    r = run(0xf8ffffe5, { 31: X5 + 8n });
    expect([r[5], r[31]]).toEqual([V, X5]);
  });

  it('ldraa x1, [x1, #16]! (Rt == Rn, CONSTRAINED UNPREDICTABLE): Rn gets the address, as under qemu', () => {
    expect(run(0xf8202c21, { 1: X5 - 16n })[1]).toBe(X5);
  });

  it('ldraa xzr, [x1] still reads memory (it faults where Xn points outside it)', () => {
    expect(run(0xf820043f, { 1: X5 })).toEqual(state({ 1: X5 }));
    expect(() => run(0xf820043f, { 1: 0x100000n })).toThrow(/out of bounds/);
  });
});
