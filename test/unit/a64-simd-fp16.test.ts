// Advanced SIMD half precision (FEAT_FP16): every form of the two-register misc, by element,
// across lanes, scalar pairwise, scalar three-same, fixed-point and FMOV immediate groups (and the
// vector three-same compares and FMULX), and FMLAL/FMLSL (FEAT_FHM), run under qemu-aarch64 and in the Wasm harness, record by
// record, under every rounding mode, FZ16 and DN, FPSR included. The estimates see every half
// input; and a C program using them (test/fixtures/fp16/neon-half.c, built with musl) runs as under
// qemu. Expectations are qemu's, recorded at test time (the cross toolchain is needed: without it
// the suite is skipped outside CI, saying why, and fails under CI=true).
import { describe, expect, it } from 'vitest';
import { describeBad, differ, muslMissing, muslProgram, toolchainMissing, type InsnCase } from '../helpers/qemu-insn.ts';
import { rng } from '../helpers/rng.ts';

const { rnd64, rndInt } = rng(0xf16);
const RP = 1 << 22, RM = 2 << 22, RZ = 3 << 22, FZ = 1 << 24, DN = 1 << 25, FZ16 = 1 << 19;
const FPCRS = [0, RP, RM, RZ, FZ16, DN, FZ16 | DN | RM, FZ];

/** halves worth testing: zeros, subnormals, normal limits, infinities, NaNs, values near integers and the int16 limits */
const SPECIAL = [
  0x0000, 0x0001, 0x00ff, 0x0100, 0x0200, 0x03ff, 0x0400, 0x0401, 0x3555, 0x3800, 0x3a00, 0x3bff, 0x3c00, 0x3c01, 0x3e00,
  0x4000, 0x4100, 0x4200, 0x4500, 0x5bff, 0x7000, 0x77ff, 0x7800, 0x7801, 0x7bff, 0x7c00, 0x7c01, 0x7d00, 0x7e00, 0x7fff,
];
const HALVES = [...SPECIAL, ...SPECIAL.map((h) => h | 0x8000)];
const halfBits = (): bigint => {
  if (rndInt(3) === 0) return BigInt(HALVES[rndInt(HALVES.length)]!);
  // mostly moderate exponents, so that sums, products and conversions do not all overflow
  return BigInt((rndInt(2) << 15) | ((6 + rndInt(20)) << 10) | rndInt(1024));
};
const vec = (): bigint => { let v = 0n; for (let k = 0; k < 8; k++) v |= halfBits() << BigInt(16 * k); return v; };
/** `n` random states (v0 the accumulator, v1/v2 the operands, random bits above) under every FPCR */
const states = (n: number) => Array.from({ length: n }, () => [vec(), vec(), vec()]).flatMap((v) =>
  FPCRS.map((fpcr) => ({ x: [rnd64(), rnd64(), rnd64(), rnd64()], v, nzcv: rndInt(16), fpcr })));

const MISC = ['fabs', 'fneg', 'fsqrt', 'frintn', 'frinta', 'frintp', 'frintm', 'frintz', 'frintx', 'frinti', 'fcvtns', 'fcvtnu', 'fcvtms',
  'fcvtmu', 'fcvtas', 'fcvtau', 'fcvtps', 'fcvtpu', 'fcvtzs', 'fcvtzu', 'scvtf', 'ucvtf', 'frecpe', 'frsqrte'];
const SCALAR_MISC = ['fcvtns', 'fcvtnu', 'fcvtms', 'fcvtmu', 'fcvtas', 'fcvtau', 'fcvtps', 'fcvtpu', 'fcvtzs', 'fcvtzu', 'scvtf', 'ucvtf',
  'frecpe', 'frsqrte', 'frecpx'];
const CMP0 = ['fcmgt', 'fcmge', 'fcmeq', 'fcmle', 'fcmlt'];

function cases(): InsnCase[] {
  const T: InsnCase[] = [];
  const add = (asm: string, n = 12) => T.push({ asm, states: states(n) });
  for (const op of MISC) add(`${op} v0.8h, v1.8h`);
  for (const op of ['fsqrt', 'frintx', 'fcvtzs', 'ucvtf', 'frecpe']) add(`${op} v0.4h, v1.4h`, 4);
  for (const op of SCALAR_MISC) add(`${op} h0, h1`);
  for (const op of CMP0) { add(`${op} v0.8h, v1.8h, #0.0`); add(`${op} h0, h1, #0.0`, 6); }
  for (const op of ['fmla', 'fmls', 'fmul', 'fmulx']) { add(`${op} v0.8h, v1.8h, v2.h[5]`); add(`${op} v0.4h, v1.4h, v2.h[2]`, 4); add(`${op} h0, h1, v2.h[7]`); }
  for (const op of ['fmaxnmv', 'fminnmv', 'fmaxv', 'fminv']) { add(`${op} h0, v1.8h`); add(`${op} h0, v1.4h`, 4); }
  for (const op of ['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp']) add(`${op} h0, v1.2h`);
  for (const op of ['fabd', 'fmulx', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt', 'frecps', 'frsqrts']) add(`${op} h0, h1, h2`);
  for (const op of ['fmulx', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt']) add(`${op} v0.8h, v1.8h, v2.8h`, 6);
  for (const op of ['scvtf', 'ucvtf', 'fcvtzs', 'fcvtzu']) {
    for (const fbits of [1, 7, 16]) { add(`${op} v0.8h, v1.8h, #${fbits}`, 6); add(`${op} h0, h1, #${fbits}`, 6); }
    add(`${op} v0.4h, v1.4h, #3`, 2);
  }
  for (const imm of ['1.0', '-0.125', '31.0', '0.1328125']) { add(`fmov v0.8h, #${imm}`, 1); add(`fmov v0.4h, #${imm}`, 1); }
  // FEAT_FHM: v0 also holds half bits (an accumulator of small or subnormal singles is drawn too)
  for (const op of ['fmlal', 'fmlal2', 'fmlsl', 'fmlsl2']) {
    add(`${op} v0.4s, v1.4h, v2.4h`); add(`${op} v0.2s, v1.2h, v2.2h`, 6);
    add(`${op} v0.4s, v1.4h, v2.h[6]`); add(`${op} v0.2s, v1.2h, v2.h[1]`, 6);
  }
  // the estimates of every half input, 8 per vector
  for (const op of ['frecpe', 'frsqrte']) {
    const all = Array.from({ length: 8192 }, (_, k) => [0n, [0, 1, 2, 3, 4, 5, 6, 7].reduce((v, j) => v | (BigInt(8 * k + j) << BigInt(16 * j)), 0n)]);
    T.push({ asm: `${op} v0.8h, v1.8h`, states: all.flatMap((v) => [0, FZ16 | RM].map((fpcr) => ({ x: [], v, nzcv: 0, fpcr }))) });
  }
  return T;
}

const missing = toolchainMissing();
const noMusl = muslMissing();
describe.skipIf(!!missing && !process.env.CI)(`A64 Advanced SIMD half precision against qemu-aarch64${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('agree bit for bit, FPSR included, under every FPCR rounding mode, FZ16 and DN', { timeout: 600_000 }, () => {
    const { total, bad } = differ(cases(), { march: 'armv8.2-a+fp16+fp16fml' });
    expect(describeBad(bad), `${bad.length} of ${total} records differ`).toBe('');
  });

  it.skipIf(!!noMusl && !process.env.CI)(`a compiled program (gcc -O3, _Float16 loops and arm_neon.h half and FHM intrinsics) prints what it prints under qemu, HWCAP bits included${noMusl ? ` (skipped: ${noMusl})` : ''}`, { timeout: 600_000 }, async () => {
    const { want, got } = await muslProgram('fp16/neon-half.c', ['-O3', '-march=armv8.2-a+fp16+fp16fml']);
    expect(want).toContain('fphp 1 asimdhp 1 asimdfhm 1'); // qemu's max CPU has them: so must we, to take the same paths
    expect(got).toEqual({ stdout: want, stderr: '', status: 0 });
  });
});
