// A64 scalar floating point: decoding, the Wasm helpers (exact FMA, half conversions, NaN
// rules) against exact BigInt references, lifted instructions run in a tiny Wasm harness, and —
// when the cross toolchain and qemu-aarch64 are installed — a differential run against qemu.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ir from '../../src/wasm/ir.ts';
import { WasmBuilder } from '../../src/wasm/builder.ts';
import { describe, expect, it } from 'vitest';
import { FEATURES, runInsn, type State } from '../helpers/a64-lift.ts';
import { decode } from '../../src/arch/aarch64/index.ts';
import { helpers } from '../../src/arch/aarch64/helpers.ts';
import { rng } from '../helpers/rng.ts';
import { differTranslated, type InsnCase } from '../helpers/qemu-insn.ts';
import { configureV8 } from '../../src/node/engine.ts';
import { hardwareFma, hasRelaxedSimd } from '../../src/runtime/fma.ts';

const I32 = ir.i32, I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;

// ---------------------------------------------------------------------------------------------
// Exact reference arithmetic (BigInt)

interface Fmt { p: number; ebits: number; bias: number; width: number }
const D: Fmt = { p: 53, ebits: 11, bias: 1023, width: 64 };
const S: Fmt = { p: 24, ebits: 8, bias: 127, width: 32 };
const H: Fmt = { p: 11, ebits: 5, bias: 15, width: 16 };

const signBit = (f: Fmt) => 1n << BigInt(f.width - 1);
const infBits = (f: Fmt) => ((1n << BigInt(f.ebits)) - 1n) << BigInt(f.p - 1);
const qBit = (f: Fmt) => 1n << BigInt(f.p - 2);
const defaultNaN = (f: Fmt) => infBits(f) | qBit(f);
const absBits = (f: Fmt, x: bigint) => x & (signBit(f) - 1n);
const isNaN_ = (f: Fmt, x: bigint) => absBits(f, x) > infBits(f);
const isSNaN = (f: Fmt, x: bigint) => isNaN_(f, x) && (x & qBit(f)) === 0n;
const isInf = (f: Fmt, x: bigint) => absBits(f, x) === infBits(f);
const isZero = (f: Fmt, x: bigint) => absBits(f, x) === 0n;
const bitLength = (n: bigint) => n.toString(2).length;

/** finite value as (neg, N, e): value = ±N·2^e */
function unpack(f: Fmt, x: bigint): { neg: boolean; N: bigint; e: number } {
  const neg = (x & signBit(f)) !== 0n;
  const field = Number((x >> BigInt(f.p - 1)) & ((1n << BigInt(f.ebits)) - 1n));
  let N = x & ((1n << BigInt(f.p - 1)) - 1n);
  if (field) N |= 1n << BigInt(f.p - 1);
  return { neg, N, e: Math.max(field, 1) - f.bias - (f.p - 1) };
}

/** ±N·2^e rounded to nearest even in format f (N ≥ 0) */
function roundTo(f: Fmt, neg: boolean, N: bigint, e: number): bigint {
  const sign = neg ? signBit(f) : 0n;
  if (N === 0n) return sign;
  const E = bitLength(N) - 1 + e;
  const emin = 1 - f.bias;
  let lsb = Math.max(E - (f.p - 1), emin - (f.p - 1));
  const sh = lsb - e;
  let q: bigint;
  if (sh <= 0) q = N << BigInt(-sh);
  else {
    q = N >> BigInt(sh);
    const rem = N - (q << BigInt(sh)), half = 1n << BigInt(sh - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  }
  if (q === 1n << BigInt(f.p)) { q >>= 1n; lsb++; }
  if (q < 1n << BigInt(f.p - 1)) return sign | q;
  const field = lsb + (f.p - 1) + f.bias;
  if (field >= 2 ** f.ebits - 1) return sign | infBits(f);
  return sign | (BigInt(field) << BigInt(f.p - 1)) | (q - (1n << BigInt(f.p - 1)));
}

/** AArch64 FPMulAdd(addend, op1, op2) with FPCR = 0, bit-exact, by exact rational arithmetic */
function refFma(f: Fmt, a: bigint, b: bigint, c: bigint): bigint {
  const quiet = (x: bigint) => x | qBit(f);
  if (isSNaN(f, c)) return quiet(c);
  if (isSNaN(f, a)) return quiet(a);
  if (isSNaN(f, b)) return quiet(b);
  const infZero = (isInf(f, a) && isZero(f, b)) || (isZero(f, a) && isInf(f, b));
  if (isNaN_(f, c)) return infZero ? defaultNaN(f) : c;
  if (isNaN_(f, a)) return a;
  if (isNaN_(f, b)) return b;
  if (infZero) return defaultNaN(f);
  const pNeg = ((a ^ b) & signBit(f)) !== 0n, cNeg = (c & signBit(f)) !== 0n;
  if (isInf(f, a) || isInf(f, b)) {
    if (isInf(f, c) && cNeg !== pNeg) return defaultNaN(f);
    return (pNeg ? signBit(f) : 0n) | infBits(f);
  }
  if (isInf(f, c)) return c;
  const ua = unpack(f, a), ub = unpack(f, b), uc = unpack(f, c);
  const N1 = ua.N * ub.N, e1 = ua.e + ub.e;
  if (N1 === 0n && uc.N === 0n) return pNeg && cNeg ? signBit(f) : 0n;
  const e = Math.min(e1, uc.e);
  const s = (pNeg ? -1n : 1n) * (N1 << BigInt(e1 - e)) + (cNeg ? -1n : 1n) * (uc.N << BigInt(uc.e - e));
  if (s === 0n) return 0n;
  return roundTo(f, s < 0n, s < 0n ? -s : s, e);
}

/** conversion between formats (FCVT), with FPConvertNaN for NaNs */
function refConvert(from: Fmt, to: Fmt, x: bigint): bigint {
  const neg = (x & signBit(from)) !== 0n, sign = neg ? signBit(to) : 0n;
  if (isNaN_(from, x)) {
    const frac = (x & (qBit(from) - 1n)) << BigInt(51 - (from.p - 2)); // 51-bit payload
    return sign | infBits(to) | qBit(to) | (frac >> BigInt(51 - (to.p - 2)));
  }
  if (isInf(from, x)) return sign | infBits(to);
  const u = unpack(from, x);
  return roundTo(to, neg, u.N, u.e);
}

// deterministic random numbers (FP_SEED replays another sequence)
const { rnd64, rndInt } = rng(0x12345678);
const hex = (x: bigint, w = 16) => '0x' + x.toString(16).padStart(w, '0');

/** a float of format f with a random mantissa and an exponent field from [lo, hi] */
function rndFloat(f: Fmt, lo: number, hi: number, neg = rndInt(2) === 1): bigint {
  if (hi < lo) [lo, hi] = [hi, lo];
  const field = BigInt(lo + rndInt(hi - lo + 1));
  let frac = rnd64() & ((1n << BigInt(f.p - 1)) - 1n);
  // sometimes few significant bits: products and sums then hit ties and exact cases
  if (rndInt(3) === 0) frac &= ~((1n << BigInt(rndInt(f.p - 1))) - 1n);
  return (neg ? signBit(f) : 0n) | (field << BigInt(f.p - 1)) | frac;
}

// ---------------------------------------------------------------------------------------------
// The helpers compiled alone, behind bit-level wrappers (so JS never touches a NaN's payload)

/** d/s: f64/f32 passed as their bits (i64/i32); i: i32; l: i64 */
type Sig = [name: string, params: ('d' | 's' | 'i')[], result: 'd' | 's' | 'i' | 'l'];
const SIGS: Sig[] = [
  ['fp_fmadd_d', ['d', 'd', 'd'], 'd'], ['fp_fmadd_s', ['s', 's', 's'], 's'],
  ['fp_d2h', ['d'], 'i'], ['fp_s2h', ['s'], 'i'], ['fp_h2s', ['i'], 's'], ['fp_h2d', ['i'], 'd'],
  ['fp_nan2_d', ['d', 'd'], 'd'], ['fp_nanm_s', ['s', 's'], 's'], ['fp_fjcvtzs', ['d'], 'l'],
];

function compileHelpers() {
  const m = new WasmBuilder();
  m.setFeatures(FEATURES);
  for (const [name, params, result] of SIGS) {
    helpers[name]!(m, name);
    const wt = (t: string) => (t === 'd' || t === 'l' ? I64 : I32);
    const ft = (t: string) => (t === 'd' ? F64 : t === 's' ? F32 : t === 'l' ? I64 : I32);
    const args = params.map((t, i) => {
      const g = m.local.get(i, wt(t));
      return t === 'd' ? m.f64.reinterpret(g) : t === 's' ? m.f32.reinterpret(g) : g;
    });
    let body = m.call(name, args, ft(result));
    if (result === 'd') body = m.i64.reinterpret(body);
    if (result === 's') body = m.i32.reinterpret(body);
    m.addFunction(`w_${name}`, ir.createType(params.map(wt)), wt(result), [], body);
    m.addFunctionExport(`w_${name}`, name);
  }
  expect(m.validate()).toBeTruthy();
  const bin = m.emitBinary();
  m.dispose();
  return new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bin))).exports as Record<string, (...a: (number | bigint)[]) => number | bigint>;
}

// ---------------------------------------------------------------------------------------------
// One lifted instruction in a Wasm function: registers in memory (16 bytes each, numbered as
// in regs.ts: x0..x30, sp, n z c v, v0..v31), loaded before and stored after.


// ---------------------------------------------------------------------------------------------
// Decoding. Words from `aarch64-linux-gnu-as -march=armv8.3-a+fp16` + objdump -d.

const ENCODINGS: [word: number, text: string, name: string, fields: Record<string, number>][] = [
  [0x1e204041, 'fmov s1, s2', 'FMOV_reg', { ftype: 0, rn: 2, rd: 1 }],
  [0x1e604083, 'fmov d3, d4', 'FMOV_reg', { ftype: 1, rn: 4, rd: 3 }],
  [0x1ee040c5, 'fmov h5, h6', 'FMOV_reg', { ftype: 3, rn: 6, rd: 5 }],
  [0x1e20c020, 'fabs s0, s1', 'FABS', { ftype: 0, rn: 1, rd: 0 }],
  [0x1e60c062, 'fabs d2, d3', 'FABS', { ftype: 1, rn: 3, rd: 2 }],
  [0x1e2140a4, 'fneg s4, s5', 'FNEG', { ftype: 0 }],
  [0x1e6140e6, 'fneg d6, d7', 'FNEG', { ftype: 1 }],
  [0x1e21c128, 'fsqrt s8, s9', 'FSQRT', { ftype: 0, rn: 9, rd: 8 }],
  [0x1e61c16a, 'fsqrt d10, d11', 'FSQRT', { ftype: 1 }],
  [0x1e22c020, 'fcvt d0, s1', 'FCVT', { ftype: 0, opc: 1 }],
  [0x1e624062, 'fcvt s2, d3', 'FCVT', { ftype: 1, opc: 0 }],
  [0x1e23c0a4, 'fcvt h4, s5', 'FCVT', { ftype: 0, opc: 3 }],
  [0x1e63c0e6, 'fcvt h6, d7', 'FCVT', { ftype: 1, opc: 3 }],
  [0x1ee24128, 'fcvt s8, h9', 'FCVT', { ftype: 3, opc: 0 }],
  [0x1ee2c16a, 'fcvt d10, h11', 'FCVT', { ftype: 3, opc: 1 }],
  [0x1e644020, 'frintn d0, d1', 'FRINT', { ftype: 1, rmode: 0 }],
  [0x1e24c062, 'frintp s2, s3', 'FRINT', { ftype: 0, rmode: 1 }],
  [0x1e6540a4, 'frintm d4, d5', 'FRINT', { rmode: 2 }],
  [0x1e25c0e6, 'frintz s6, s7', 'FRINT', { rmode: 3 }],
  [0x1e664128, 'frinta d8, d9', 'FRINT', { rmode: 4 }],
  [0x1e27416a, 'frintx s10, s11', 'FRINT', { rmode: 6 }],
  [0x1e67c1ac, 'frinti d12, d13', 'FRINT', { rmode: 7 }],
  [0x1e222020, 'fcmp s1, s2', 'FCMP', { ftype: 0, rn: 1, rm: 2, E: 0, Z: 0 }],
  [0x1e642070, 'fcmpe d3, d4', 'FCMP', { ftype: 1, rn: 3, rm: 4, E: 1, Z: 0 }],
  [0x1e6020a8, 'fcmp d5, #0.0', 'FCMP', { rn: 5, E: 0, Z: 1 }],
  [0x1e2020d8, 'fcmpe s6, #0.0', 'FCMP', { rn: 6, E: 1, Z: 1 }],
  [0x1e220424, 'fccmp s1, s2, #0x4, eq', 'FCCMP', { ftype: 0, rn: 1, rm: 2, nzcv: 4, cond: 0, E: 0 }],
  [0x1e64b47b, 'fccmpe d3, d4, #0xb, lt', 'FCCMP', { ftype: 1, rn: 3, rm: 4, nzcv: 0xb, cond: 11, E: 1 }],
  [0x1e220820, 'fmul s0, s1, s2', 'FP_2SRC', { opc: 0, rn: 1, rm: 2, rd: 0 }],
  [0x1e651883, 'fdiv d3, d4, d5', 'FP_2SRC', { opc: 1, ftype: 1 }],
  [0x1e2828e6, 'fadd s6, s7, s8', 'FP_2SRC', { opc: 2 }],
  [0x1e6b3949, 'fsub d9, d10, d11', 'FP_2SRC', { opc: 3 }],
  [0x1e2e49ac, 'fmax s12, s13, s14', 'FP_2SRC', { opc: 4 }],
  [0x1e715a0f, 'fmin d15, d16, d17', 'FP_2SRC', { opc: 5 }],
  [0x1e346a72, 'fmaxnm s18, s19, s20', 'FP_2SRC', { opc: 6 }],
  [0x1e777ad5, 'fminnm d21, d22, d23', 'FP_2SRC', { opc: 7 }],
  [0x1e3a8b38, 'fnmul s24, s25, s26', 'FP_2SRC', { opc: 8, rn: 25, rm: 26, rd: 24 }],
  [0x1e631c41, 'fcsel d1, d2, d3, ne', 'FCSEL', { ftype: 1, cond: 1, rn: 2, rm: 3, rd: 1 }],
  [0x1e26aca4, 'fcsel s4, s5, s6, ge', 'FCSEL', { ftype: 0, cond: 10 }],
  [0x1e2e1000, 'fmov s0, #1.0', 'FMOV_imm', { ftype: 0, imm8: 0x70, rd: 0 }],
  [0x1e709001, 'fmov d1, #-2.5', 'FMOV_imm', { ftype: 1, imm8: 0x84, rd: 1 }],
  [0x1f420c20, 'fmadd d0, d1, d2, d3', 'FMADD', { ftype: 1, o1: 0, o0: 0, rn: 1, rm: 2, ra: 3, rd: 0 }],
  [0x1f069ca4, 'fmsub s4, s5, s6, s7', 'FMADD', { ftype: 0, o1: 0, o0: 1 }],
  [0x1f6a2d28, 'fnmadd d8, d9, d10, d11', 'FMADD', { o1: 1, o0: 0 }],
  [0x1f2ebdac, 'fnmsub s12, s13, s14, s15', 'FMADD', { o1: 1, o0: 1, ra: 15 }],
  [0x9e42c020, 'scvtf d0, x1, #16', 'CVTF_fix', { sf: 1, ftype: 1, U: 0, scale: 48 }],
  [0x1e03fc62, 'ucvtf s2, w3, #1', 'CVTF_fix', { sf: 0, ftype: 0, U: 1, scale: 63 }],
  [0x9e5880a4, 'fcvtzs x4, d5, #32', 'FCVTZ_fix', { sf: 1, U: 0, scale: 32 }],
  [0x1e19e0e6, 'fcvtzu w6, s7, #8', 'FCVTZ_fix', { sf: 0, U: 1, scale: 56 }],
  [0x1e200020, 'fcvtns w0, s1', 'FCVT_int', { sf: 0, rmode: 0, U: 0 }],
  [0x9e610062, 'fcvtnu x2, d3', 'FCVT_int', { sf: 1, rmode: 0, U: 1 }],
  [0x1e6800a4, 'fcvtps w4, d5', 'FCVT_int', { rmode: 1, U: 0 }],
  [0x9e2900e6, 'fcvtpu x6, s7', 'FCVT_int', { rmode: 1, U: 1 }],
  [0x9e700128, 'fcvtms x8, d9', 'FCVT_int', { rmode: 2 }],
  [0x1e31016a, 'fcvtmu w10, s11', 'FCVT_int', { rmode: 2, U: 1 }],
  [0x1e7801ac, 'fcvtzs w12, d13', 'FCVT_int', { rmode: 3, U: 0 }],
  [0x9e3901ee, 'fcvtzu x14, s15', 'FCVT_int', { rmode: 3, U: 1 }],
  [0x1e640230, 'fcvtas w16, d17', 'FCVTA_int', { U: 0 }],
  [0x9e250272, 'fcvtau x18, s19', 'FCVTA_int', { U: 1 }],
  [0x1e620020, 'scvtf d0, w1', 'CVTF_int', { sf: 0, ftype: 1, U: 0 }],
  [0x9e230062, 'ucvtf s2, x3', 'CVTF_int', { sf: 1, ftype: 0, U: 1 }],
  [0x1e260020, 'fmov w0, s1', 'FMOV_gen', { sf: 0, ftype: 0, toFP: 0 }],
  [0x1e270062, 'fmov s2, w3', 'FMOV_gen', { sf: 0, ftype: 0, toFP: 1 }],
  [0x9e6600a4, 'fmov x4, d5', 'FMOV_gen', { sf: 1, ftype: 1, toFP: 0 }],
  [0x9e6700e6, 'fmov d6, x7', 'FMOV_gen', { sf: 1, ftype: 1, toFP: 1 }],
  [0x9eae0128, 'fmov x8, v9.d[1]', 'FMOV_gen', { sf: 1, ftype: 2, rmode: 1, toFP: 0, rn: 9, rd: 8 }],
  [0x9eaf016a, 'fmov v10.d[1], x11', 'FMOV_gen', { sf: 1, ftype: 2, rmode: 1, toFP: 1, rn: 11, rd: 10 }],
  [0x1ee601ac, 'fmov w12, h13', 'FMOV_gen', { sf: 0, ftype: 3, toFP: 0 }],
  [0x9ee701ee, 'fmov h14, x15', 'FMOV_gen', { sf: 1, ftype: 3, toFP: 1 }],
  [0x1e7e0020, 'fjcvtzs w0, d1', 'FJCVTZS', { rn: 1, rd: 0 }],
  [0x1ef80020, 'fcvtzs w0, h1', 'FCVT_int', { ftype: 3, rmode: 3 }],
  [0x1ee20062, 'scvtf h2, w3', 'CVTF_int', { ftype: 3 }],
  [0x1e634020, 'bfcvt h0, s1', 'BFCVT', { rn: 1, rd: 0 }], // FEAT_BF16 (table/bf16.ts; against qemu: a64-fcma-bf16.test.ts)
];

// Encodings in the scalar FP space that must stay UNDEF (not implemented or unallocated), edited by hand.
// (half-precision arithmetic decodes since table/fp16.ts; the fuzzer's fp classes check it against qemu)
const UNMATCHED: [number, string][] = [
  [0x1ee84020, 'frint32z h0, h1 (FRINT32/64 have no half-precision form; S and D: a64-frint-int.test.ts)'],
  [0x1e229820, 'fmul with opcode 1001 (unallocated)'],
  [0x1ea04020, 'fmov s0, s1 with ftype 10 (unallocated)'],
  [0x1e660020, 'fmov w0, d1 (sf/ftype mismatch)'],
  [0x1e024020, 'scvtf s0, w1, #48 (fbits > 32 for W)'],
  [0x3e204020, 'fmov s0, s1 with the S bit set'],
  [0x1e2e1020, 'fmov s0, #1.0 with imm5 != 0'],
];

describe('A64 scalar FP decoding', () => {
  it.each(ENCODINGS.map(([w, t, n, f]) => [t, w, n, f] as const))('%s', (_text, word, name, fields) => {
    const d = decode(word, 0);
    expect(d.name).toBe(name);
    for (const [k, v] of Object.entries(fields)) expect(d.f[k], k).toBe(v);
  });
  it('leaves unimplemented and unallocated encodings to UNDEF', () => {
    for (const [word, what] of UNMATCHED) expect(decode(word, 0).name, what).toBe('UNDEF');
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers against the exact references

const SPECIAL_D = [
  0n, signBit(D), infBits(D), infBits(D) | signBit(D), defaultNaN(D), defaultNaN(D) | signBit(D),
  0x7ff0000000000001n, 0xfff4000000000abcn, 0x7ff8000000012345n, // sNaN, -sNaN, qNaN with payload
  1n, 0x000fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn, 0x3ff0000000000000n, 0xbff0000000000001n,
  0x4340000000000000n, 0x3ca0000000000000n, 0x8000000000000001n,
];
const SPECIAL_S = [
  0n, signBit(S), infBits(S), infBits(S) | signBit(S), defaultNaN(S), 0xffc00000n,
  0x7f800001n, 0xff812345n, 0x7fc0abcdn, 1n, 0x007fffffn, 0x00800000n, 0x7f7fffffn, 0x3f800000n, 0xbf800001n, 0x4b000000n,
  0x33800000n, 0x80000001n,
];

/** random operand triples for fma(a, b, c) that stress the rounding of a·b + c */
function* fmaCases(f: Fmt, n: number): Generator<[bigint, bigint, bigint]> {
  const emax = 2 ** f.ebits - 2, mid = f.bias;
  for (let k = 0; k < n; k++) {
    const kind = rndInt(9);
    let a: bigint, b: bigint, c: bigint;
    if (kind <= 2) { // ordinary magnitudes, c near the product, maybe cancelling
      a = rndFloat(f, mid - 30, mid + 30); b = rndFloat(f, mid - 30, mid + 30);
      const ea = Number((a >> BigInt(f.p - 1)) & BigInt(emax + 1)) + Number((b >> BigInt(f.p - 1)) & BigInt(emax + 1)) - mid;
      c = rndFloat(f, Math.max(1, ea - f.p * 2 - 4 + rndInt(f.p * 2 + 8)), Math.max(1, ea - f.p * 2 - 4 + rndInt(f.p * 2 + 8)));
      if (kind === 2) { // c = -RN(a·b) + small: the result is (nearly) the rounding error of the product
        const p = refFma(f, a, b, 0n);
        c = p ^ signBit(f);
        if (rndInt(2)) c += BigInt(rndInt(5)) - 2n;
      }
    } else if (kind === 3) { // anything finite
      a = rndFloat(f, 0, emax); b = rndFloat(f, 0, emax); c = rndFloat(f, 0, emax);
    } else if (kind === 4) { // tiny products and results: subnormals
      a = rndFloat(f, 0, mid); b = rndFloat(f, 0, Math.max(1, mid - rndInt(mid))); c = rndFloat(f, 0, 1 + rndInt(f.p * 2));
    } else if (kind === 5) { // huge products: overflow, or cancelled back into range
      a = rndFloat(f, emax - rndInt(10), emax); b = rndFloat(f, mid, mid + 3);
      c = rndInt(2) ? refFma(f, a, b, 0n) ^ signBit(f) : rndFloat(f, emax - 3, emax);
    } else if (kind === 6) { // exact midpoints: c cancels the product's top half, leaving a tie
      a = rndFloat(f, mid - 5, mid + 5) & ~((1n << BigInt(f.p / 2 | 0)) - 1n);
      b = rndFloat(f, mid - 5, mid + 5) & ~((1n << BigInt(f.p / 2 | 0)) - 1n);
      c = (refFma(f, a, b, 0n) ^ signBit(f)) + BigInt(rndInt(3)) - 1n;
    } else if (kind === 7) { // operands at the edges of the double fast path's exponent window
      const edge = () => [563, 564, 565, 1482, 1483, 1484, 52, 53, 54, 2022, 2023, 2024][rndInt(12)]! + rndInt(3) - 1;
      a = rndFloat(f, Math.min(edge(), emax), Math.min(edge(), emax)); b = rndFloat(f, Math.min(edge(), emax), Math.min(edge(), emax));
      c = rndInt(2) ? refFma(f, a, b, 0n) ^ signBit(f) : rndFloat(f, Math.min(edge(), emax), Math.min(edge(), emax));
      if (rndInt(2)) c += BigInt(rndInt(3)) - 1n;
    } else { // specials mixed in
      const sp = f === D ? SPECIAL_D : SPECIAL_S;
      const pick = () => (rndInt(2) ? sp[rndInt(sp.length)]! : rndFloat(f, 0, emax));
      a = pick(); b = pick(); c = pick();
    }
    yield [a, b, BigInt.asUintN(f.width, c)];
  }
}

/** random FMA cases per format (FP_FMA_CASES=5000000 for a long soak) */
const FMA_CASES = Number(process.env.FP_FMA_CASES ?? 200000);
const SLOW = { timeout: 600_000 };

describe('A64 FP helpers', () => {
  const h = compileHelpers();
  const fmaD = (a: bigint, b: bigint, c: bigint) => BigInt.asUintN(64, h.fp_fmadd_d!(BigInt.asIntN(64, a), BigInt.asIntN(64, b), BigInt.asIntN(64, c)) as bigint);
  const fmaS = (a: bigint, b: bigint, c: bigint) => BigInt(h.fp_fmadd_s!(Number(a) | 0, Number(b) | 0, Number(c) | 0) as number >>> 0);

  it('fp_fmadd_d is the exact fused multiply-add (specials exhaustively)', () => {
    for (const a of SPECIAL_D) for (const b of SPECIAL_D) for (const c of SPECIAL_D) {
      expect(hex(fmaD(a, b, c)), `fma(${hex(a)}, ${hex(b)}, ${hex(c)})`).toBe(hex(refFma(D, a, b, c)));
    }
  });
  it('fp_fmadd_d on random and adversarial operands', SLOW, () => {
    let bad = 0;
    for (const [a, b, c] of fmaCases(D, FMA_CASES)) {
      const got = fmaD(a, b, c), want = refFma(D, a, b, c);
      if (got !== want && bad++ < 5) expect(hex(got), `fma(${hex(a)}, ${hex(b)}, ${hex(c)})`).toBe(hex(want));
    }
    expect(bad).toBe(0);
  });
  it('fp_fmadd_s is the exact fused multiply-add', SLOW, () => {
    for (const a of SPECIAL_S) for (const b of SPECIAL_S) for (const c of SPECIAL_S) {
      expect(hex(fmaS(a, b, c), 8), `fma(${hex(a, 8)}, ${hex(b, 8)}, ${hex(c, 8)})`).toBe(hex(refFma(S, a, b, c), 8));
    }
    let bad = 0;
    for (const [a, b, c] of fmaCases(S, FMA_CASES)) {
      const got = fmaS(a, b, c), want = refFma(S, a, b, c);
      if (got !== want && bad++ < 5) expect(hex(got, 8), `fma(${hex(a, 8)}, ${hex(b, 8)}, ${hex(c, 8)})`).toBe(hex(want, 8));
    }
    expect(bad).toBe(0);
  });

  it('half precision conversions', SLOW, () => {
    const check = (got: bigint, want: bigint, what: string) => { if (got !== want) expect(hex(got), what).toBe(hex(want)); };
    // H → S and H → D: all 65536 inputs
    for (let x = 0; x < 0x10000; x++) {
      check(BigInt(h.fp_h2s!(x) as number >>> 0), refConvert(H, S, BigInt(x)), `h2s ${x}`);
      check(BigInt.asUintN(64, h.fp_h2d!(x) as bigint), refConvert(H, D, BigInt(x)), `h2d ${x}`);
    }
    // S → H: every exponent, random mantissas, plus values right at half-way points
    const cases: bigint[] = [...SPECIAL_S];
    for (let e = 0; e < 256; e++) for (let k = 0; k < 60; k++) cases.push(rndFloat(S, e, e));
    for (let x = 0x0000; x < 0x7c00; x += 7) { // midpoints between adjacent halves, and ±1 ulp
      const lo = refConvert(H, S, BigInt(x)), hi = refConvert(H, S, BigInt(x + 1));
      const mid = (lo + hi) / 2n;
      cases.push(mid, mid + 1n, mid - 1n, mid | signBit(S));
    }
    for (const x of cases) check(BigInt(h.fp_s2h!(Number(x) | 0) as number >>> 0), refConvert(S, H, x), `s2h ${hex(x, 8)}`);
    const dcases: bigint[] = [...SPECIAL_D];
    for (let e = 0; e < 2048; e++) for (let k = 0; k < 10; k++) dcases.push(rndFloat(D, e, e));
    for (let e = 1023 - 30; e < 1023 + 17; e++) for (let k = 0; k < 500; k++) dcases.push(rndFloat(D, e, e));
    for (let x = 0x0000; x < 0x7c00; x += 5) {
      const lo = refConvert(H, D, BigInt(x)), hi = refConvert(H, D, BigInt(x + 1));
      const mid = (lo + hi) / 2n;
      dcases.push(mid, mid + 1n, mid - 1n, mid | signBit(D));
    }
    for (const x of dcases) check(BigInt(h.fp_d2h!(BigInt.asIntN(64, x)) as number >>> 0), refConvert(D, H, x), `d2h ${hex(x)}`);
  });

  it('NaN selection', () => {
    const nan2 = (a: bigint, b: bigint) => BigInt.asUintN(64, h.fp_nan2_d!(BigInt.asIntN(64, a), BigInt.asIntN(64, b)) as bigint);
    const qa = 0x7ff8000000000001n, qb = 0xfff8000000000002n, sa = 0x7ff0000000000003n, sb = 0xfff0000000000004n;
    expect(hex(nan2(qa, qb))).toBe(hex(qa));
    expect(hex(nan2(qa, sb))).toBe(hex(sb | qBit(D)));
    expect(hex(nan2(sa, sb))).toBe(hex(sa | qBit(D)));
    expect(hex(nan2(0n, qb))).toBe(hex(qb));
    expect(hex(nan2(infBits(D), infBits(D) | signBit(D)))).toBe(hex(defaultNaN(D)));
    const nanm = (a: bigint, b: bigint) => BigInt(h.fp_nanm_s!(Number(a) | 0, Number(b) | 0) as number >>> 0);
    expect(hex(nanm(0x7fc00001n, 0x3f800000n), 8)).toBe(hex(0x3f800000n, 8));
    expect(hex(nanm(0xbf800000n, 0xffc00001n), 8)).toBe(hex(0xbf800000n, 8));
    expect(hex(nanm(0x7f800001n, 0x3f800000n), 8)).toBe(hex(0x7fc00001n, 8));
    expect(hex(nanm(0x7fc00005n, 0xffc00001n), 8)).toBe(hex(0x7fc00005n, 8));
  });

  it('fp_fjcvtzs', () => {
    const js = (x: number) => {
      const r = h.fp_fjcvtzs!(new BigInt64Array(new Float64Array([x]).buffer)[0]!) as bigint;
      return [Number(BigInt.asIntN(32, r)), Number((r >> 32n) & 1n)];
    };
    for (const x of [0, -0, 1.5, -1.5, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 4294967297, -4294967297.75, 2 ** 63, 2 ** 64 + 2 ** 40 * 3,
      -(2 ** 70) - 2 ** 33, 1e300, Infinity, -Infinity, NaN, 5e-324, 123456789012345, -1e19]) {
      const want = x | 0, exact = Number.isInteger(x) && want === x && !Object.is(x, -0) ? 1 : 0;
      expect(js(x), String(x)).toEqual([want, exact]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Lifted instructions against qemu-aarch64: every template below runs over a table of inputs
// under qemu (a static test program built with the cross gcc) and in the Wasm harness; all of
// v0..v3, x0..x3 and NZCV must agree bit for bit. Skipped without the toolchain.

function hasToolchain(): boolean {
  try {
    execFileSync('qemu-aarch64', ['--version'], { stdio: 'ignore' });
    execFileSync('aarch64-linux-gnu-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch { return false; }
}

const f64bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const f32bits = (x: number) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);
const ROUNDING = [0.5, -0.5, 1.5, 2.5, -2.5, 3.5, -3.5, 0.49999999999999994, 1e-3, -0.75, 2 ** 31, 2 ** 31 - 0.5, -(2 ** 31),
  -(2 ** 31) - 1, -(2 ** 31) - 0.5, 2 ** 32, 2 ** 32 - 1, 4294967295.5, 2 ** 63, 2 ** 64, -(2 ** 63), -(2 ** 63) - 4096, 2 ** 53 + 2,
  1e300, -1e-300, Math.PI, -7.75, 65504, 65520, 65519.99, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 1 / 3, 255.5, -256.5];

function pool(f: Fmt, extra: number): bigint[] {
  const out = f === D ? [...SPECIAL_D, ...ROUNDING.map(f64bits)] : [...SPECIAL_S, ...ROUNDING.map(f32bits)];
  const emax = 2 ** f.ebits - 2;
  for (let k = 0; k < extra; k++) out.push(rndInt(4) ? rndFloat(f, f.bias - 40, f.bias + 40) : rndFloat(f, 0, emax));
  return out;
}

interface Template { asm: string; inputs: () => bigint[][] /* per record: scalar operands for v1, v2, v3 (or x1, x2) */ }

const pairs = (p: bigint[]) => p.flatMap((a) => p.map((b) => [a, b]));
const singles = (p: bigint[]) => p.map((a) => [a]);

function templates(): Template[] {
  const T: Template[] = [];
  const pd = pool(D, 12), ps = pool(S, 12), ph = [0n, 0x8000n, 0x7c00n, 0xfc00n, 0x7e00n, 0x7d01n, 0xfe3fn, 0x3c00n, 0xc0ffn, 0x0001n, 0x03ffn, 0x0400n, 0x7bffn, 0x3555n, 0x4248n, 0xb800n, 0x3800n, 0x3e00n];
  for (const [r, p] of [['s', ps], ['d', pd]] as const) {
    for (const op of ['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul']) T.push({ asm: `${op} ${r}0, ${r}1, ${r}2`, inputs: () => pairs(p) });
    for (const op of ['fabs', 'fneg', 'fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti', 'fmov']) T.push({ asm: `${op} ${r}0, ${r}1`, inputs: () => singles(p) });
    for (const op of ['fmadd', 'fmsub', 'fnmadd', 'fnmsub']) {
      T.push({ asm: `${op} ${r}0, ${r}1, ${r}2, ${r}3`, inputs: () => [...(function* () {
        for (let k = 0; k < 1500; k++) yield [p[rndInt(p.length)]!, p[rndInt(p.length)]!, p[rndInt(p.length)]!];
        for (const [a, b, c] of fmaCases(r === 'd' ? D : S, 1500)) yield [a, b, c];
      })()] });
    }
    T.push({ asm: `fcmp ${r}1, ${r}2`, inputs: () => pairs(p) }, { asm: `fcmpe ${r}1, #0.0`, inputs: () => singles(p) });
    T.push({ asm: `fccmp ${r}1, ${r}2, #5, ge`, inputs: () => pairs(p.slice(0, 20)) }, { asm: `fccmpe ${r}1, ${r}2, #10, eq`, inputs: () => pairs(p.slice(0, 20)) });
    T.push({ asm: `fcsel ${r}0, ${r}1, ${r}2, lt`, inputs: () => pairs(p.slice(0, 8)) });
    for (const w of ['w', 'x']) {
      for (const m of ['n', 'p', 'm', 'z', 'a']) for (const u of ['s', 'u']) T.push({ asm: `fcvt${m}${u} ${w}0, ${r}1`, inputs: () => singles(p) });
      for (const fb of [1, 7, 32]) {
        T.push({ asm: `fcvtzs ${w}0, ${r}1, #${fb}`, inputs: () => singles(p) }, { asm: `fcvtzu ${w}0, ${r}1, #${fb}`, inputs: () => singles(p) });
        T.push({ asm: `scvtf ${r}0, ${w}1, #${fb}`, inputs: () => ints() }, { asm: `ucvtf ${r}0, ${w}1, #${fb}`, inputs: () => ints() });
      }
      if (w === 'x') T.push({ asm: `fcvtzs x0, ${r}1, #64`, inputs: () => singles(p) }, { asm: `ucvtf ${r}0, x1, #64`, inputs: () => ints() });
      T.push({ asm: `scvtf ${r}0, ${w}1`, inputs: () => ints() }, { asm: `ucvtf ${r}0, ${w}1`, inputs: () => ints() });
      T.push({ asm: `fcvtzs ${w}0, h1`, inputs: () => singles(ph) }, { asm: `fcvtau ${w}0, h1`, inputs: () => singles(ph) });
      T.push({ asm: `scvtf h0, ${w}1`, inputs: () => ints() }, { asm: `ucvtf h0, ${w}1`, inputs: () => ints() });
      T.push({ asm: `fmov ${w}0, h1`, inputs: () => singles(ph) }, { asm: `fmov h0, ${w}1`, inputs: () => ints() });
    }
    T.push({ asm: `fcvt h0, ${r}1`, inputs: () => singles([...p, ...pool(r === 'd' ? D : S, 200)]) }, { asm: `fcvt ${r}0, h1`, inputs: () => singles(ph) });
    T.push({ asm: `fmov ${r}0, #-1.25`, inputs: () => [[0n]] }, { asm: `fmov ${r}0, #31.0`, inputs: () => [[0n]] });
  }
  T.push({ asm: 'fcvt d0, s1', inputs: () => singles(ps) }, { asm: 'fcvt s0, d1', inputs: () => singles([...pd, ...pool(D, 100), 0x36a0000000000000n, 0x36a0000000000001n, 0x380fffffe0000000n, 0x47efffffefffffffn]) });
  T.push({ asm: 'fmov w0, s1', inputs: () => singles(ps) }, { asm: 'fmov s0, w1', inputs: () => ints() });
  T.push({ asm: 'fmov x0, d1', inputs: () => singles(pd) }, { asm: 'fmov d0, x1', inputs: () => ints() });
  T.push({ asm: 'fmov x0, v1.d[1]', inputs: () => [[0n]] }, { asm: 'fmov v0.d[1], x1', inputs: () => ints() });
  T.push({ asm: 'fmov h0, h1', inputs: () => singles(ph) }, { asm: 'fmov h0, #0.5', inputs: () => [[0n]] }, { asm: 'fcsel h0, h1, h2, vs', inputs: () => pairs(ph.slice(0, 4)) });
  T.push({ asm: 'fjcvtzs w0, d1', inputs: () => singles([...pd, f64bits(-(2 ** 80) - 2 ** 40), f64bits(2 ** 84 + 2 ** 33), f64bits(-1e19)]) });
  return T;
}

function ints(): bigint[][] {
  const out = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 24n + 1n, 0x7fffffbfn, 0xfff0n, 65520n, 65519n]
    .map((x) => [BigInt.asUintN(64, x)]);
  for (let k = 0; k < 20; k++) out.push([rnd64() >> BigInt(rndInt(64))]);
  return out;
}

const RECORD = 112; // v0..v3, x0..x3, nzcv, pad

// Without the cross toolchain this differential suite cannot run; in CI (which installs it) a missing
// toolchain is an error, not a skip.
describe.skipIf(!hasToolchain() && !process.env.CI)('A64 scalar FP against qemu-aarch64', () => {
  it('agrees bit for bit', SLOW, () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64fp-'));
    try {
      const tps = templates();
      const inputs: Buffer[] = [];
      const counts: number[] = [];
      const states: State[] = [];
      for (const t of tps) {
        const isGen = /\b[wx]1\b/.test(t.asm), src = /\b([shd])1\b/.exec(t.asm)?.[1];
        const mask = src === 's' ? 0xffffffffn : src === 'h' ? 0xffffn : (1n << 64n) - 1n;
        const recs = t.inputs();
        counts.push(recs.length);
        for (const ops of recs) {
          const v = [0, 1, 2, 3].map(() => (rnd64() << 64n) | rnd64());
          const x = [0, 1, 2, 3].map(() => rnd64());
          if (isGen) x[1] = ops[0]!;
          else if (src) ops.forEach((o, k) => { v[k + 1] = (v[k + 1]! & ~mask) | o; });
          const nzcv = rndInt(16);
          states.push({ x, v, nzcv });
          const buf = Buffer.alloc(RECORD);
          v.forEach((q, k) => { buf.writeBigUInt64LE(q & ((1n << 64n) - 1n), k * 16); buf.writeBigUInt64LE(q >> 64n, k * 16 + 8); });
          x.forEach((q, k) => buf.writeBigUInt64LE(q, 64 + k * 8));
          buf.writeBigUInt64LE(BigInt(nzcv) << 28n, 96);
          inputs.push(buf);
        }
      }
      writeFileSync(join(dir, 'in.bin'), Buffer.concat(inputs));
      const total = states.length;
      let asm = `.text\n.global _start\n_start:\n  ldr x20, =inputs\n  ldr x21, =outputs\n  ldr x23, =words\n`;
      tps.forEach((t, k) => {
        asm += `  adr x9, insn${k}\n  ldr w10, [x9]\n  str w10, [x23], #4\n  mov x22, #${counts[k]}\n`;
        asm += `loop${k}:\n  ldp q0, q1, [x20]\n  ldp q2, q3, [x20, #32]\n  ldp x0, x1, [x20, #64]\n  ldp x2, x3, [x20, #80]\n  ldr x9, [x20, #96]\n  msr nzcv, x9\n`;
        asm += `insn${k}:\n  ${t.asm}\n`;
        asm += `  mrs x9, nzcv\n  stp q0, q1, [x21]\n  stp q2, q3, [x21, #32]\n  stp x0, x1, [x21, #64]\n  stp x2, x3, [x21, #80]\n  str x9, [x21, #96]\n`;
        asm += `  add x20, x20, #${RECORD}\n  add x21, x21, #${RECORD}\n  subs x22, x22, #1\n  b.ne loop${k}\n`;
      });
      asm += `  ldr x1, =words\n  ldr x2, =${tps.length * 4 + total * RECORD}\n1:\n  mov x0, #1\n  mov x8, #64\n  svc #0\n  cmp x0, #0\n  b.le 2f\n  add x1, x1, x0\n  subs x2, x2, x0\n  b.ne 1b\n2:\n  mov x0, #0\n  mov x8, #93\n  svc #0\n`;
      asm += `.ltorg\n.data\n.balign 16\ninputs:\n.incbin "${join(dir, 'in.bin')}"\n.bss\n.balign 16\nwords: .skip ${tps.length * 4}\noutputs: .skip ${total * RECORD}\n`;
      writeFileSync(join(dir, 't.s'), asm);
      execFileSync('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-march=armv8.3-a+fp16', '-o', join(dir, 't'), join(dir, 't.s')]);
      const out = execFileSync('qemu-aarch64', [join(dir, 't')], { maxBuffer: 1 << 30 });
      expect(out.length).toBe(tps.length * 4 + total * RECORD);
      let rec = 0, failures = 0;
      const report: string[] = [];
      tps.forEach((t, k) => {
        const word = out.readUInt32LE(k * 4);
        for (let j = 0; j < counts[k]!; j++, rec++) {
          const o = tps.length * 4 + rec * RECORD;
          const want: State = {
            v: [0, 1, 2, 3].map((q) => out.readBigUInt64LE(o + q * 16) | (out.readBigUInt64LE(o + q * 16 + 8) << 64n)),
            x: [0, 1, 2, 3].map((q) => out.readBigUInt64LE(o + 64 + q * 8)),
            nzcv: Number(out.readBigUInt64LE(o + 96) >> 28n) & 15,
          };
          const got = runInsn(word, states[rec]!);
          const same = got.nzcv === want.nzcv && got.v.every((q, i) => q === want.v[i]) && got.x.every((q, i) => q === want.x[i]);
          if (!same && failures++ < 20) {
            const s = states[rec]!;
            report.push(`${t.asm}: in v1=${hex(s.v[1]! & ((1n << 64n) - 1n))} v2=${hex(s.v[2]! & ((1n << 64n) - 1n))} v3=${hex(s.v[3]! & ((1n << 64n) - 1n))} x1=${hex(s.x[1]!)} nzcv=${s.nzcv}\n`
              + `   qemu v0=${want.v[0]!.toString(16)} x0=${hex(want.x[0]!)} nzcv=${want.nzcv}\n   ours v0=${got.v[0]!.toString(16)} x0=${hex(got.x[0]!)} nzcv=${got.nzcv}`);
          }
        }
      });
      expect(report.join('\n'), `${failures} of ${total} records differ`).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The fused multiply-adds in whole translated programs against qemu-aarch64: there (unlike in the
// harness above) the runtime hands the module the engine's fused multiply-add, which the default-FPCR
// path uses inline with relaxed SIMD (TranslateOptions.relaxedSimd) or through the runtime's import
// without; every lane's NaN still goes to the software rules. A program that never writes FPCR
// stays on that path; one that does (`strict`: some records set flush to zero, default NaN or
// directed rounding) takes the strict helpers from its first write on.

function fmaInsnCases(strict: boolean): InsnCase[] {
  const FPCRS = [0x01000000, 0x02000000, 0x00400000, 0x00800000, 0x00c00000, 0x03c00000];
  const fmt = (r: string) => (r === 'd' ? D : S);
  const lanesOf = (r: string, q: bigint[]) => q.reduce((v, x, k) => v | (x << BigInt((r === 'd' ? 64 : 32) * k)), 0n);
  // records of [v1, v2, v3] lanes: `lanes` operand triples each, from the rounding-stressing generator
  const states = (r: string, lanes: number): State[] => {
    const triples = [...fmaCases(fmt(r), 600 * lanes)];
    const out: State[] = [];
    for (let k = 0; k + lanes <= triples.length; k += lanes) {
      const pick = (i: number) => lanesOf(r, triples.slice(k, k + lanes).map((t) => t[i]!));
      const fill = (v: bigint) => (lanes === 1 ? (((rnd64() << 64n) | rnd64()) & ~(r === 'd' ? (1n << 64n) - 1n : 0xffffffffn)) | v : v);
      // operands in v1, v2 (multiplicands) and v3 / v0 (addend: fmadd's ra, fmla's destination)
      const [a, b, c] = [pick(0), pick(1), pick(2)];
      out.push({ x: [], v: [fill(c), fill(a), fill(b), fill(c)], nzcv: 0, fpcr: strict && out.length % 7 === 6 ? FPCRS[rndInt(FPCRS.length)]! : 0 });
    }
    return out;
  };
  const cases: InsnCase[] = [];
  for (const r of ['s', 'd']) {
    for (const op of ['fmadd', 'fmsub', 'fnmadd', 'fnmsub']) cases.push({ asm: `${op} ${r}0, ${r}1, ${r}2, ${r}3`, states: states(r, 1) });
  }
  for (const [asm, r, lanes] of [['fmla v0.2d, v1.2d, v2.2d', 'd', 2], ['fmls v0.2d, v1.2d, v2.2d', 'd', 2], ['fmla v0.4s, v1.4s, v2.4s', 's', 4],
    ['fmls v0.2s, v1.2s, v2.2s', 's', 2], ['fmla v0.2d, v1.2d, v2.d[1]', 'd', 2], ['fmla v0.4s, v1.4s, v2.s[2]', 's', 4], ['fmla d0, d1, v2.d[0]', 'd', 1]] as const) {
    cases.push({ asm, states: states(r, lanes) });
  }
  return cases;
}

describe.skipIf(!hasToolchain() && !process.env.CI)('fused multiply-adds in translated programs against qemu-aarch64', () => {
  it('this engine has a fused multiply-add for them to use (else only the software path would be tested)', () => {
    configureV8();
    expect(hasRelaxedSimd()).toBe(true);
    expect(hardwareFma()).not.toBeNull();
  });
  for (const [relaxedSimd, strict] of [[true, false], [false, false], [true, true]]) {
    it(`agree bit for bit ${relaxedSimd ? 'with relaxed SIMD (inline)' : 'without relaxed SIMD (the import)'}${strict ? ', FPCR written' : ''}`, SLOW, async () => {
      const { total, bad } = await differTranslated(fmaInsnCases(strict), { relaxedSimd }, { fpState: strict });
      expect(total).toBeGreaterThan(8000);
      expect(bad.map((b) => `${b.asm}: ${b.records} records differ`).join('\n')).toBe('');
    });
  }
});
