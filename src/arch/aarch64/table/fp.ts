// Scalar floating point (Arm ARM C4.1.96, the scalar FP groups): moves, arithmetic, fused
// multiply-add, compares, conditional select, precision and integer conversions, rounding.
//
// Single and double precision are complete; half precision has the moves (FMOV register,
// general, immediate), FCSEL, FCVT to/from S and D, and the FP16 conversions to integers and
// SCVTF/UCVTF (non fixed-point) here; its arithmetic, compares, rounding and fixed-point
// conversions are in fp16.ts. BFCVT is a row of bf16.ts (with the rest of FEAT_BF16).
// FRINT32/64 are in frint-int.ts.
//
// The fast path is bit-exact for Linux's default FPCR: round to nearest even, FZ = 0, DN = 0
// (NaN rules: see fp-ops.ts), and raises no FPSR flags. Once the guest writes FPCR or FPSR
// (MSR: fesetround to another mode, feclearexcept of a set flag, fesetenv...), every
// instruction that can round or raise an exception takes a strict helper instead
// (fp-strict.ts): FPCR.RMode, FZ, DN and the cumulative FPSR flags IOC, DZC, OFC, UFC, IXC, IDC. FPCR's trap enables are ignored (no traps; FCMPE differs from
// FCMP only in the flags), as are AHP and FEAT_AFP's AH/FIZ/NEP; FZ16 applies to H operands.
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { condition, i32c, i64c, setNZCV, setW, setX, tmp, wr, xr } from '../ops.ts';
import { VREG } from '../regs.ts';
import {
  callH, FD, FS, fo, ic, io, readBits, readF, roundHalfAway, writeBits,
  writeConst, writeF, type FPKind,
} from '../fp-ops.ts';
import { fusedMulAddOrStrict } from '../fp-fma.ts';
import { isStrict, nanOrStrict, orStrict } from '../fp-strict.ts';
import { FZ } from '../fp-strict-core.ts';
import { STATE } from '../../../runtime/layout.ts';

/** the NaN FPProcessNaN makes of a NaN operand (or the default NaN for an invalid operation) */
const nan1 = (b: Builder, k: FPKind, x: () => Expr) => () => callH(b, `fp_nan1_${k.sfx}`, [x()], k.t);

const I32 = ir.i32, I64 = ir.i64, F64 = ir.f64;

/** ftype 00 = S, 01 = D, 11 = H */
const kindOf = (ftype: number): FPKind => (ftype === 1 ? FD : FS);
const sizeOf = (ftype: number): 16 | 32 | 64 => (ftype === 0 ? 32 : ftype === 1 ? 64 : 16);
const sOrD = (f: Fields) => f.ftype! <= 1;
const notReserved = (f: Fields) => f.ftype !== 2;

/** the operand of an FP → integer conversion as S or D; H is flushed by FZ16 and widened (exactly) to D */
export function source(b: Builder, ftype: number, n: number): { k: FPKind; x: () => Expr } {
  if (ftype === 3) return { k: FD, x: tmp(b, F64, callH(b, 'fp_h2d', [callH(b, 'fph_flush', [readBits(b, 16, n)], I32)], F64)) };
  const k = kindOf(ftype);
  return { k, x: tmp(b, k.t, readF(b, k, n)) };
}

/**
 * integer conversion of an already rounded value `v`, saturating (NaN → 0), to W or X; in strict
 * mode fps_f2i converts x itself (scaling by 2^fbits, rounding by `rmode`: 0 N, 1 P, 2 M, 3 Z, 4 A)
 */
export function toInt(b: Builder, k: FPKind, v: Expr, sf: number, unsigned: number, rd: number, x: () => Expr, rmode: number, fbits = 0): void {
  const m = b.m, w = k.bits === 64 ? 'f64' : 'f32';
  const strict = callH(b, `fps_f2i_${k.sfx}`, [x(), i32c(b, rmode), i32c(b, unsigned | (sf << 1) | (fbits << 8))], I64);
  const r = sf ? orStrict(b, strict, (unsigned ? m.i64.trunc_u_sat : m.i64.trunc_s_sat)[w](v))
    : orStrict(b, m.i32.wrap(strict), (unsigned ? m.i32.trunc_u_sat : m.i32.trunc_s_sat)[w](v));
  // to XZR the result goes, but in strict mode the conversion still sets FPSR's flags
  if (rd === 31) b.emit(m.drop(r));
  else if (sf) setX(b, rd, r);
  else setW(b, rd, r);
}

/** a fresh local holding `v` (which the strict path may replace) */
function local(b: Builder, t: number, v: Expr): { get: () => Expr; idx: number } {
  const idx = b.temp(t);
  b.emit(b.m.local.set(idx, v));
  return { get: () => b.m.local.get(idx, t), idx };
}

/** strict mode: FCMP's operands go through fps_cmpin (FZ flush, IOC) */
function checkCompare(b: Builder, k: FPKind, E: number, ops: { get: () => Expr; idx: number }[], cond?: () => Expr): void {
  const m = b.m, on = cond ? m.i32.and(isStrict(b), cond()) : isStrict(b);
  b.emit(m.if(on, m.block(null, ops.map((o) => m.local.set(o.idx, callH(b, `fps_cmpin_${k.sfx}`, [o.get(), i32c(b, E)], k.t))))));
}

/** 2^e as a float constant of the kind (|e| ≤ 64) */
const pow2 = (b: Builder, k: FPKind, e: number): Expr => (k.bits === 64 ? b.m.f64.const(2 ** e) : b.m.f32.const(2 ** e));

/** FPRoundInt for the rounding of FCVT{N,P,M,Z}/FRINT{N,P,M,Z} (rmode 0..3) or A (4) */
function roundBy(b: Builder, k: FPKind, rmode: number, x: () => Expr): Expr {
  const f = fo(b.m, k);
  switch (rmode) {
    case 0: return f.nearest(x());
    case 1: return f.ceil(x());
    case 2: return f.floor(x());
    case 3: return f.trunc(x());
    default: return roundHalfAway(b, k, x);
  }
}

/** VFPExpandImm: the 8-bit FMOV immediate as the bits of a half/single/double */
export function expandImm(imm8: number, size: 16 | 32 | 64): bigint {
  const E = size === 16 ? 5 : size === 32 ? 8 : 11, F = size - E - 1;
  const sign = BigInt(imm8 >> 7), b6 = (imm8 >> 6) & 1;
  let exp = BigInt(b6 ^ 1);
  for (let i = 0; i < E - 3; i++) exp = (exp << 1n) | BigInt(b6);
  exp = (exp << 2n) | BigInt((imm8 >> 4) & 3);
  const frac = BigInt(imm8 & 15) << BigInt(F - 4);
  return (sign << BigInt(size - 1)) | (exp << BigInt(F)) | frac;
}

export function compare(b: Builder, k: FPKind, x: () => Expr, y: () => Expr): [Expr, Expr, Expr, Expr] {
  const f = fo(b.m, k), m = b.m;
  // less: 1000, equal: 0110, greater: 0010, unordered: 0011
  return [f.lt(x(), y()), f.eq(x(), y()), m.i32.eqz(f.lt(x(), y())), m.i32.or(f.ne(x(), x()), f.ne(y(), y()))];
}

export const fpRows: Row[] = [
  // ---- Floating-point data-processing (1 source) ----
  row('FMOV_reg', '000 11110 ftype:2 1 000000 10000 rn:5 rd:5', (f, b) => {
    const sz = sizeOf(f.ftype!);
    writeBits(b, sz, f.rd!, readBits(b, sz, f.rn!));
  }, { guard: notReserved }),
  row('FABS', '000 11110 ftype:2 1 000001 10000 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!); // sign bit only, NaNs untouched
    writeBits(b, k.bits, f.rd!, io(b.m, k).and(readBits(b, k.bits, f.rn!), ic(b.m, k, ~k.sign)));
  }, { guard: sOrD }),
  row('FNEG', '000 11110 ftype:2 1 000010 10000 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!);
    writeBits(b, k.bits, f.rd!, io(b.m, k).xor(readBits(b, k.bits, f.rn!), ic(b.m, k, k.sign)));
  }, { guard: sOrD }),
  row('FSQRT', '000 11110 ftype:2 1 000011 10000 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!), x = tmp(b, k.t, readF(b, k, f.rn!));
    writeF(b, k, f.rd!, nanOrStrict(b, k, fo(b.m, k).sqrt(x()), nan1(b, k, x), () => callH(b, `fps_sqrt_${k.sfx}`, [x()], k.t)));
  }, { guard: sOrD }),
  row('FCVT', '000 11110 ftype:2 1 0001 opc:2 10000 rn:5 rd:5', (f, b) => {
    const m = b.m, from = f.ftype!, to = f.opc!;
    if (from === 3) {
      const k = kindOf(to), h = tmp(b, I32, readBits(b, 16, f.rn!));
      return writeF(b, k, f.rd!, orStrict(b, callH(b, `fps_cvt_h${k.sfx}`, [h()], k.t), callH(b, `fp_h2${k.sfx}`, [h()], k.t)));
    }
    const k = kindOf(from), x = tmp(b, k.t, readF(b, k, f.rn!));
    if (to === 3) return writeBits(b, 16, f.rd!, orStrict(b, callH(b, `fps_cvt_${k.sfx}h`, [x()], I32), callH(b, `fp_${k.sfx}2h`, [x()], I32)));
    if (to === 1) {
      writeF(b, FD, f.rd!, nanOrStrict(b, FD, m.f64.promote(x()), () => callH(b, 'fp_cvtnan_sd', [x()], F64),
        () => callH(b, 'fps_cvt_sd', [x()], F64)));
    } else {
      writeF(b, FS, f.rd!, nanOrStrict(b, FS, m.f32.demote(x()), () => callH(b, 'fp_cvtnan_ds', [x()], ir.f32),
        () => callH(b, 'fps_cvt_ds', [x()], ir.f32)));
    }
  }, { guard: (f) => f.ftype !== 2 && f.opc !== 2 && f.ftype !== f.opc }),
  // FRINTN, P, M, Z, A, X, I (101 is unallocated); X and I use FPCR.RMode (nearest on the fast path)
  row('FRINT', '000 11110 ftype:2 1 001 rmode:3 10000 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!), x = tmp(b, k.t, readF(b, k, f.rn!));
    writeF(b, k, f.rd!, nanOrStrict(b, k, roundBy(b, k, f.rmode! >= 6 ? 0 : f.rmode!, x), nan1(b, k, x),
      () => callH(b, `fps_rint_${k.sfx}`, [x(), i32c(b, f.rmode!)], k.t)));
  }, { guard: (f) => sOrD(f) && f.rmode !== 5 }),

  // ---- compare ----
  // FCMP/FCMPE Rn, Rm or #0.0 (opc bit 3; Rm is then ignored)
  row('FCMP', '000 11110 ftype:2 1 rm:5 00 1000 rn:5 E Z 000', (f, b) => {
    const k = kindOf(f.ftype!), x = local(b, k.t, readF(b, k, f.rn!));
    const y = f.Z ? undefined : local(b, k.t, readF(b, k, f.rm!));
    checkCompare(b, k, f.E!, y ? [x, y] : [x]);
    const [n, z, c, v] = compare(b, k, x.get, y ? y.get : () => fc0(b, k));
    setNZCV(b, n, z, c, v);
  }, { guard: sOrD }),
  row('FCCMP', '000 11110 ftype:2 1 rm:5 cond:4 01 rn:5 E nzcv:4', (f, b) => {
    const k = kindOf(f.ftype!), m = b.m;
    const c = tmp(b, I32, condition(b, f.cond!));
    const x = local(b, k.t, readF(b, k, f.rn!)), y = local(b, k.t, readF(b, k, f.rm!));
    checkCompare(b, k, f.E!, [x, y], c); // FPCompare (and its exceptions) only when the condition holds
    const flags = compare(b, k, x.get, y.get);
    const pick = (e: Expr, bit: number) => m.select(c(), e, i32c(b, (f.nzcv! >> bit) & 1));
    setNZCV(b, pick(flags[0], 3), pick(flags[1], 2), pick(flags[2], 1), pick(flags[3], 0));
  }, { guard: sOrD }),

  // ---- data-processing (2 source) ----
  row('FP_2SRC', '000 11110 ftype:2 1 rm:5 opc:4 10 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!), F = fo(b.m, k);
    const x = tmp(b, k.t, readF(b, k, f.rn!)), y = tmp(b, k.t, readF(b, k, f.rm!));
    // the Wasm op, its NaN fix-up (FPProcessNaNs or FMAXNM's rule) and the strict helper
    const bin = (op: (p: Expr, q: Expr) => Expr, name: string, nanHelper = 'fp_nan2') => nanOrStrict(b, k, op(x(), y()),
      () => callH(b, `${nanHelper}_${k.sfx}`, [x(), y()], k.t), () => callH(b, `fps_${name}_${k.sfx}`, [x(), y()], k.t));
    const minMax = (op: (p: Expr, q: Expr) => Expr, n: number, nanHelper?: string) => nanOrStrict(b, k, op(x(), y()),
      () => callH(b, `${nanHelper ?? 'fp_nan2'}_${k.sfx}`, [x(), y()], k.t), () => callH(b, `fps_minmax_${k.sfx}`, [x(), y(), i32c(b, n)], k.t));
    let r: Expr;
    switch (f.opc) {
      case 0: r = bin(F.mul, 'mul'); break;
      case 1: r = bin(F.div, 'div'); break;
      case 2: r = bin(F.add, 'add'); break;
      case 3: r = bin(F.sub, 'sub'); break;
      // Wasm max/min propagate NaN and order -0 < +0, as FMAX/FMIN do
      case 4: r = minMax(F.max, 0); break;
      case 5: r = minMax(F.min, 1); break;
      case 6: r = minMax(F.max, 2, 'fp_nanm'); break; // FMAXNM: a single quiet NaN loses
      case 7: r = minMax(F.min, 3, 'fp_nanm'); break;
      default: r = F.neg(bin(F.mul, 'mul')); break; // FNMUL negates the (rounded) product, NaN included
    }
    writeF(b, k, f.rd!, r);
  }, { guard: (f) => sOrD(f) && f.opc! <= 8 }),
  row('FCSEL', '000 11110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5', (f, b) => {
    const sz = sizeOf(f.ftype!), c = condition(b, f.cond!);
    writeBits(b, sz, f.rd!, b.m.select(c, readBits(b, sz, f.rn!), readBits(b, sz, f.rm!)));
  }, { guard: notReserved }),
  row('FMOV_imm', '000 11110 ftype:2 1 imm8:8 100 00000 rd:5', (f, b) => {
    writeConst(b, f.rd!, expandImm(f.imm8!, sizeOf(f.ftype!)));
  }, { guard: notReserved }),

  // ---- data-processing (3 source): FMADD, FMSUB, FNMADD, FNMSUB, all fused ----
  row('FMADD', '000 11111 ftype:2 o1 rm:5 o0 ra:5 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!), F = fo(b.m, k);
    // the negations come first, so a negated NaN operand comes out with its sign flipped
    const a = () => (f.o1 ? F.neg(readF(b, k, f.ra!)) : readF(b, k, f.ra!));
    const x = () => (f.o0 !== f.o1 ? F.neg(readF(b, k, f.rn!)) : readF(b, k, f.rn!));
    const y = () => readF(b, k, f.rm!);
    writeF(b, k, f.rd!, fusedMulAddOrStrict(b, k, x, y, a, { on: () => isStrict(b), value: () => callH(b, `fps_fma_${k.sfx}`, [x(), y(), a()], k.t) }));
  }, { guard: sOrD }),

  // ---- conversion between floating point and fixed point ----
  row('CVTF_fix', 'sf 00 11110 ftype:2 0 00 01 U scale:6 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!), F = fo(b.m, k), fbits = 64 - f.scale!;
    // int → float rounds once; the scaling by 2^-fbits is then exact (no underflow possible)
    writeF(b, k, f.rd!, F.mul(orStrict(b, strictIntToFloat(b, k, f.sf!, f.U!, f.rn!), intToFloat(b, k, f.sf!, f.U!, f.rn!)), pow2(b, k, -fbits)));
  }, { guard: (f) => sOrD(f) && (!!f.sf || f.scale! >= 32) }),
  row('FCVTZ_fix', 'sf 00 11110 ftype:2 0 11 00 U scale:6 rn:5 rd:5', (f, b) => {
    const k = kindOf(f.ftype!), F = fo(b.m, k), fbits = 64 - f.scale!;
    // scaling up by 2^fbits is exact (or overflows to ∞, which saturates the same)
    const x = tmp(b, k.t, readF(b, k, f.rn!));
    toInt(b, k, F.mul(x(), pow2(b, k, fbits)), f.sf!, f.U!, f.rd!, x, 3, fbits);
  }, { guard: (f) => sOrD(f) && (!!f.sf || f.scale! >= 32) }),

  // ---- conversion between floating point and integer ----
  // FCVTNS/NU, PS/PU, MS/MU, ZS/ZU
  row('FCVT_int', 'sf 00 11110 ftype:2 1 rmode:2 00 U 000000 rn:5 rd:5', (f, b) => {
    const { k, x } = source(b, f.ftype!, f.rn!);
    toInt(b, k, roundBy(b, k, f.rmode!, x), f.sf!, f.U!, f.rd!, x, f.rmode!);
  }, { guard: notReserved }),
  row('FCVTA_int', 'sf 00 11110 ftype:2 1 00 10 U 000000 rn:5 rd:5', (f, b) => {
    const { k, x } = source(b, f.ftype!, f.rn!);
    toInt(b, k, roundHalfAway(b, k, x), f.sf!, f.U!, f.rd!, x, 4);
  }, { guard: notReserved }),
  row('CVTF_int', 'sf 00 11110 ftype:2 1 00 01 U 000000 rn:5 rd:5', (f, b) => {
    if (f.ftype === 3) {
      // W fits a double exactly; an X that does not is far beyond the half range (→ ∞ either way)
      return writeBits(b, 16, f.rd!, orStrict(b, callH(b, 'fps_i2h', [intArg(b, f.sf!, f.U!, f.rn!), i32c(b, f.U!)], I32),
        callH(b, 'fp_d2h', [intToFloat(b, FD, f.sf!, f.U!, f.rn!)], I32)));
    }
    const k = kindOf(f.ftype!);
    writeF(b, k, f.rd!, orStrict(b, strictIntToFloat(b, k, f.sf!, f.U!, f.rn!), intToFloat(b, k, f.sf!, f.U!, f.rn!)));
  }, { guard: notReserved }),
  // FMOV between general and FP registers: W↔S, X↔D, W/X↔H, X↔V.D[1]
  row('FMOV_gen', 'sf 00 11110 ftype:2 1 rmode:2 11 toFP 000000 rn:5 rd:5', (f, b) => {
    const m = b.m, { ftype, rn, rd, toFP } = f as Required<Fields>;
    if (ftype === 2) { // the upper half of the vector register
      if (toFP) b.set(VREG + rd, m.i64x2.replace_lane(b.get(VREG + rd), 1, xr(b, rn)));
      else setX(b, rd, m.i64x2.extract_lane(b.get(VREG + rn), 1));
      return;
    }
    const sz = sizeOf(ftype);
    if (toFP) writeBits(b, sz, rd, sz === 64 ? xr(b, rn) : wr(b, rn));
    else if (sz === 64) setX(b, rd, readBits(b, 64, rn));
    else setW(b, rd, readBits(b, sz, rn));
  }, {
    guard: (f) => (f.rmode === 0 && ((f.sf === 0 && f.ftype === 0) || (f.sf === 1 && f.ftype === 1) || f.ftype === 3))
      || (f.rmode === 1 && f.sf === 1 && f.ftype === 2),
  }),
  row('FJCVTZS', '0 00 11110 01 1 11 110 000000 rn:5 rd:5', (f, b) => {
    const m = b.m, x = tmp(b, F64, readF(b, FD, f.rn!));
    b.emit(m.if(isStrict(b), callH(b, 'fps_fjcvt', [x()], ir.none)));
    // with FPCR.FZ a subnormal input is ±0 first: +0 converts exactly (Z = 1), -0 does not
    const fz = m.i32.and(isStrict(b), m.i32.ne(m.i32.and(m.i32.load(0, 4, i32c(b, STATE.fpcr)), i32c(b, FZ)), i32c(b, 0)));
    const flushed = tmp(b, F64, m.select(m.i32.and(fz, m.f64.lt(m.f64.abs(x()), m.f64.const(2 ** -1022))), m.f64.copysign(m.f64.const(0), x()), x()));
    const r = tmp(b, I64, callH(b, 'fp_fjcvtzs', [flushed()], I64));
    setW(b, f.rd!, m.i32.wrap(r()));
    setNZCV(b, i32c(b, 0), m.i32.wrap(m.i64.shr_u(r(), i64c(b, 32))), i32c(b, 0), i32c(b, 0));
  }),
];

/** the SCVTF/UCVTF operand as an i64 (W extended by signedness) */
export function intArg(b: Builder, sf: number, U: number, rn: number): Expr {
  return sf ? xr(b, rn) : U ? b.m.i64.extend_u(wr(b, rn)) : b.m.i64.extend_s(wr(b, rn));
}
/** strict SCVTF/UCVTF core: FPCR.RMode, IXC */
const strictIntToFloat = (b: Builder, k: FPKind, sf: number, U: number, rn: number): Expr =>
  callH(b, `fps_i2f_${k.sfx}`, [intArg(b, sf, U, rn), i32c(b, U)], k.t);

/** SCVTF/UCVTF core: W or X (sf), signed or not (U), rounded once to the kind */
function intToFloat(b: Builder, k: FPKind, sf: number, U: number, rn: number): Expr {
  const F = fo(b.m, k);
  const conv = U ? F.convert_u : F.convert_s;
  return sf ? conv.i64(xr(b, rn)) : conv.i32(wr(b, rn));
}

const fc0 = (b: Builder, k: FPKind): Expr => (k.bits === 64 ? b.m.f64.const(0) : b.m.f32.const(0));
