// FEAT_FCMA (FCADD, FCMLA vector and by element; half, single and double lanes) and FEAT_BF16
// (BFCVT, BFCVTN/BFCVTN2, BFDOT vector and by element, BFMLALB/BFMLALT vector and by element,
// BFMMLA), run under qemu-aarch64 and in the Wasm harness, record by record, under every rounding
// mode, FZ, FZ16 and DN, FPSR included; FCADD/FCMLA on single and double lanes again in translated
// programs, on their default-FPCR path; and a C program using them through arm_neon.h and a loop
// gcc vectorises (test/fixtures/fcma-bf16/complex-bf16.c, built with musl) runs as under qemu. Expectations are
// qemu's, recorded at test time (the cross toolchain is needed: without it the suite is skipped
// outside CI, saying why, and fails under CI=true).
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/arch/aarch64/index.ts';
import { describeBad, differ, differTranslated, muslMissing, muslProgram, toolchainMissing, type InsnCase } from '../helpers/qemu-insn.ts';
import { rng } from '../helpers/rng.ts';

const { rnd64, rndInt } = rng(0xfc3a);
const RP = 1 << 22, RM = 2 << 22, RZ = 3 << 22, FZ = 1 << 24, DN = 1 << 25, FZ16 = 1 << 19;
const FPCRS = [0, RP, RM, RZ, FZ, DN, FZ16, FZ | DN | RM, FZ16 | DN | RZ];

/** a float of `bits` bits (`exp` exponent bits) worth testing: zeros, subnormals, limits, ∞, NaNs (quiet and signalling), or moderate */
function float(bits: number, exp: number): bigint {
  const frac = bits - 1 - exp, bias = (1 << (exp - 1)) - 1, top = (1n << BigInt(exp)) - 1n;
  const mant = () => { let v = 0n; for (let k = 0; k < frac; k += 16) v = (v << 16n) | BigInt(rndInt(0x10000)); return v & ((1n << BigInt(frac)) - 1n); };
  const sign = BigInt(rndInt(2)) << BigInt(bits - 1);
  const pack = (e: bigint, m: bigint) => sign | (e << BigInt(frac)) | m;
  switch (rndInt(12)) {
    case 0: return pack(0n, rndInt(2) ? 0n : mant()); // zero or subnormal
    case 1: return pack(top, rndInt(3) ? mant() | 1n : 0n); // NaN (either kind) or ∞
    case 2: return pack(BigInt(rndInt(2) ? 1 : Number(top) - 1), mant()); // the smallest or largest exponent
    case 3: return pack(BigInt(bias + rndInt(3)), mant() & ~((1n << BigInt(frac - 2)) - 1n)); // 1, 1.25 … 7
    default: return pack(BigInt(bias - 12 + rndInt(25)), mant());
  }
}
const vec = (bits: number, exp: number): bigint => {
  let v = 0n;
  for (let k = 0; k < 128; k += bits) v |= float(bits, exp) << BigInt(k);
  return v;
};
/** BFloat16 near 2^±63, whose products lie near the smallest normal single or overflow */
const bfEdge = (): bigint => {
  let v = 0n;
  for (let k = 0; k < 128; k += 16) v |= (BigInt(rndInt(2) << 15) | (BigInt(127 + (rndInt(2) ? 60 : -66) + rndInt(7)) << 7n) | BigInt(rndInt(128))) << BigInt(k);
  return v;
};
/** BFloat16 lanes: the halves of singles (top: the single rounded down; low: its mantissa bits), drawn as BFloat16, or near the edges */
const bfloats = (): bigint => [() => vec(32, 8), () => vec(16, 8), bfEdge][rndInt(3)]!();
const FORMATS = { h: () => vec(16, 5), s: () => vec(32, 8), d: () => vec(64, 11), bf: bfloats };

/** `n` random states (v0 the accumulator, v1/v2 the operands) under each of `fpcrs` */
const states = (n: number, acc: () => bigint, ops: () => bigint, fpcrs = FPCRS) => Array.from({ length: n }, () => [acc(), ops(), ops(), rnd64()]).flatMap((v) =>
  fpcrs.map((fpcr) => ({ x: [rnd64(), rnd64(), rnd64(), rnd64()], v, nzcv: rndInt(16), fpcr })));

/** every FCADD and FCMLA form, half precision unless `singleDouble` */
function complexCases(n: number, fpcrs: number[], singleDouble = false): InsnCase[] {
  const T: InsnCase[] = [];
  const add = (asm: string, f: () => bigint) => T.push({ asm, states: states(n, f, f, fpcrs) });
  for (const [arr, f] of [['4h', 'h'], ['8h', 'h'], ['2s', 's'], ['4s', 's'], ['2d', 'd']] as const) {
    if (singleDouble && f === 'h') continue;
    for (const rot of [90, 270]) add(`fcadd v0.${arr}, v1.${arr}, v2.${arr}, #${rot}`, FORMATS[f]);
    for (const rot of [0, 90, 180, 270]) add(`fcmla v0.${arr}, v1.${arr}, v2.${arr}, #${rot}`, FORMATS[f]);
  }
  for (const rot of [0, 90, 180, 270]) {
    if (!singleDouble) add(`fcmla v0.8h, v1.8h, v2.h[${rot / 90}], #${rot}`, FORMATS.h);
    if (!singleDouble) add(`fcmla v0.4h, v1.4h, v2.h[${(rot / 90) & 1}], #${rot}`, FORMATS.h);
    add(`fcmla v0.4s, v1.4s, v2.s[${(rot / 90) & 1}], #${rot}`, FORMATS.s);
  }
  return T;
}

function cases(): InsnCase[] {
  const T = complexCases(10, FPCRS);
  const add = (asm: string, acc: () => bigint, ops: () => bigint = acc, n = 10) => T.push({ asm, states: states(n, acc, ops) });
  add('bfcvt h0, s1', FORMATS.s, FORMATS.s, 30);
  add('bfcvtn v0.4h, v1.4s', FORMATS.s);
  add('bfcvtn2 v0.8h, v1.4s', FORMATS.s);
  add('bfdot v0.2s, v1.4h, v2.4h', FORMATS.s, FORMATS.bf);
  add('bfdot v0.4s, v1.8h, v2.8h', FORMATS.s, FORMATS.bf, 30);
  add('bfdot v0.2s, v1.4h, v2.2h[3]', FORMATS.s, FORMATS.bf);
  add('bfdot v0.4s, v1.8h, v2.2h[1]', FORMATS.s, FORMATS.bf);
  for (const bt of ['b', 't']) {
    add(`bfmlal${bt} v0.4s, v1.8h, v2.8h`, FORMATS.s, FORMATS.bf, 20);
    add(`bfmlal${bt} v0.4s, v1.8h, v2.h[${bt === 'b' ? 6 : 3}]`, FORMATS.s, FORMATS.bf);
  }
  add('bfmmla v0.4s, v1.8h, v2.8h', FORMATS.s, FORMATS.bf, 30);
  return T;
}

describe('A64 FCMA and BF16 decoding', () => {
  it('leaves the reserved sizes and indices UNDEF', () => {
    expect(decode(0x2e02e420, 0x1000).name).toBe('UNDEF'); // fcadd, size 00
    expect(decode(0x2ec2e420, 0x1000).name).toBe('UNDEF'); // fcadd .1d (size 11, Q = 0)
    expect(decode(0x2ec2c420, 0x1000).name).toBe('UNDEF'); // fcmla .1d
    expect(decode(0x2f621820, 0x1000).name).toBe('UNDEF'); // fcmla v0.4h, …, v2.h[3]: H = 1 with Q = 0
    expect(decode(0x2f821020, 0x1000).name).toBe('UNDEF'); // fcmla v0.2s by element (S needs Q = 1)
    expect(decode(0x6fa21020, 0x1000).name).toBe('UNDEF'); // fcmla .4s by element with L = 1
    expect(decode(0x2e42ec20, 0x1000).name).toBe('UNDEF'); // bfmmla with Q = 0
  });
});

const missing = toolchainMissing();
const noMusl = muslMissing();
describe.skipIf(!!missing && !process.env.CI)(`A64 FCMA and BF16 against qemu-aarch64${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('agree bit for bit, FPSR included, under every FPCR rounding mode, FZ, FZ16 and DN', { timeout: 600_000 }, () => {
    const { total, bad } = differ(cases(), { march: 'armv8.6-a+fp16+bf16' });
    expect(describeBad(bad), `${bad.length} of ${total} records differ`).toBe('');
  });

  // single and double lanes keep FMLA's and FADD's default-FPCR fast path until FPCR is written:
  // in a whole program, with the engine's fused multiply-add (inline with relaxed SIMD, else the import)
  it.each([true, false])('FCADD and FCMLA on single and double lanes agree on the default-FPCR path of a translated program (relaxed SIMD: %s)', { timeout: 600_000 }, async (relaxedSimd) => {
    const { total, bad } = await differTranslated(complexCases(60, [0], true), { relaxedSimd }, { march: 'armv8.6-a+fp16+bf16', fpState: false });
    expect(bad.map((b) => `${b.asm}: ${b.records} of ${total} records differ`).join('\n')).toBe('');
  });

  it.skipIf(!!noMusl && !process.env.CI)(`a compiled program (arm_neon.h complex and BFloat16 intrinsics, a complex loop gcc vectorises) prints what it prints under qemu, HWCAP bits included${noMusl ? ` (skipped: ${noMusl})` : ''}`, { timeout: 600_000 }, async () => {
    const { want, got } = await muslProgram('fcma-bf16/complex-bf16.c', ['-O3', '-ffast-math', '-march=armv8.6-a+fp16+bf16']);
    expect(want).toContain('fcma 1 bf16 1'); // qemu's max CPU has them: so must we, to take the same paths
    expect(got).toEqual({ stdout: want, stderr: '', status: 0 });
  });
});
