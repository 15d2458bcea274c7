// Pointer authentication's instructions that do more than pass a value through: the QARMA5 cipher
// PACGA computes (runtime/pac.ts) against the published QARMA-64 test vector, PACGA through its
// row and the runtime's pseudo-syscall with that vector's key, and LDRAA/LDRAB's addressing
// (offsets to both ends of their range, SP, writeback, Rt == Rn, XZR). Words from
// aarch64-linux-gnu-as -march=armv8.3-a. test/pauth.test.ts runs them in programs against qemu.
import { afterEach, describe, expect, it } from 'vitest';
import { PSEUDO_SYSCALL } from '../../src/abi.ts';
import type { Guest } from '../../src/runtime/guest.ts';
import { computePac, pacga, randomPacKey } from '../../src/runtime/pac.ts';
import { PSEUDO_SYSCALLS } from '../../src/runtime/syscalls/index.ts';
import { runInsn, setSyscallHandler } from '../helpers/a64-lift.ts';

// QARMA-64 test vectors (R. Avanzi, The QARMA Block Cipher Family, ToSC 2017(1), appendix; also
// IACR ePrint 2016/444): plaintext P, tweak T, key w0 || k0 and the ciphertext for each S-box σ0,
// σ1, σ2 and 5, 6, 7 rounds. The Arm ARM's ComputePAC is QARMA-64 with σ2 (its PACSub) and five
// rounds, data = P, modifier = T, key0 = w0 (APGAKeyHi), key1 = k0 (APGAKeyLo): the σ2, r = 5
// value is the one vector that applies (the others only show that a near miss would not pass).
const P = 0xfb623599da6e8127n, T = 0x477d469dec0b8762n, W0 = 0x84be85ce9804e94bn, K0 = 0xec2802d4e0a488e9n;
const C_SIGMA2_R5 = 0xc003b93999b33765n;
const C_OTHERS = [0x3ee99a6c82af0c38n, 0x544b0ab95bda7c3an, 0x270a787275c48d10n];

describe('ComputePAC (QARMA5)', () => {
  it('gives the QARMA-64 test vector for σ2 and five rounds', () => {
    expect(computePac(P, T, W0, K0).toString(16)).toBe(C_SIGMA2_R5.toString(16));
    expect(C_OTHERS).not.toContain(computePac(P, T, W0, K0));
  });

  it('depends on every input: data, modifier and both key halves', () => {
    const base = computePac(P, T, W0, K0);
    for (const [d, m, k0, k1] of [[P ^ 1n, T, W0, K0], [P, T ^ (1n << 63n), W0, K0], [P, T, W0 ^ 1n, K0], [P, T, W0, K0 ^ (1n << 40n)]]) {
      expect(computePac(d!, m!, k0!, k1!)).not.toBe(base);
    }
  });

  it('PACGA keeps bits 63:32 and clears the rest; operands are taken as unsigned', () => {
    const key = { hi: W0, lo: K0 };
    expect(pacga(key, P, T)).toBe(0xc003b93900000000n);
    expect(pacga(key, BigInt.asIntN(64, P), BigInt.asIntN(64, T))).toBe(0xc003b93900000000n);
  });

  it('draws a fresh 128-bit key each time', () => {
    const a = randomPacKey(), b = randomPacKey();
    expect(a.hi === b.hi && a.lo === b.lo).toBe(false);
  });
});

describe('PACGA (row and pseudo-syscall)', () => {
  const calls: bigint[][] = [];
  // the runtime's handler, with a guest whose thread key is the test vector's
  const guest = { pacKey: { hi: W0, lo: K0 } } as unknown as Guest;
  const answer = () => setSyscallHandler((nr, a0, a1, a2, a3, a4, a5) => {
    calls.push([nr, a0!, a1!]);
    return BigInt(PSEUDO_SYSCALLS.get(Number(nr))!(guest, a0!, a1!, a2!, a3!, a4!, a5!));
  });
  afterEach(() => { setSyscallHandler(); calls.length = 0; });
  const x = (regs: Record<number, bigint>) => Array.from({ length: 32 }, (_, r) => regs[r] ?? 0n);

  it('pacga x2, x0, x1: Xn is the data, Xm the modifier (the test vector)', () => {
    answer();
    const r = runInsn(0x9ac13002, { x: x({ 0: P, 1: T, 2: 7n }), v: [], nzcv: 0 });
    expect(r.x[2]!.toString(16)).toBe('c003b93900000000');
    expect(calls).toEqual([[BigInt(PSEUDO_SYSCALL.pacga), BigInt.asIntN(64, P), T]]);
  });

  it('pacga x2, x0, sp: Rm = 31 is SP', () => {
    answer();
    expect(runInsn(0x9adf3002, { x: x({ 0: P, 31: T }), v: [], nzcv: 0 }).x[2]!.toString(16)).toBe('c003b93900000000');
  });

  it('pacga x2, xzr, x1: Rn = 31 is XZR', () => {
    answer();
    const want = computePac(0n, T, W0, K0) & 0xffffffff00000000n;
    expect(runInsn(0x9ac133e2, { x: x({ 1: T, 31: P }), v: [], nzcv: 0 }).x[2]).toBe(want);
  });

  it('pacga xzr, x0, x1 changes nothing', () => {
    answer();
    const s = x({ 0: P, 1: T, 31: 0x1234n });
    expect(runInsn(0x9ac1301f, { x: s, v: [], nzcv: 0 }).x).toEqual(s);
  });
});

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
