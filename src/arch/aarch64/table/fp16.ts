// Scalar half-precision data processing (FEAT_FP16, ftype 11 of the scalar FP groups): FABS, FNEG,
// FSQRT, FRINT*, FCMP/FCMPE, FCCMP/FCCMPE, the two-source arithmetic and min/max, the fused
// multiply-adds, and the fixed-point conversions. The moves, FCSEL, FCVT and the integer
// conversions of H registers are rows of fp.ts. The arithmetic is in Wasm helpers that always
// honour FPCR and raise FPSR flags (fp16-arith.ts).
import * as ir from '../../../wasm/ir.ts';
import { row, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { condition, i32c, setNZCV, tmp } from '../ops.ts';
import { callH, FD, readBits, writeBits } from '../fp-ops.ts';
import { compare, intArg, source, toInt } from './fp.ts';

const I32 = ir.i32, F64 = ir.f64;
const SIGN = 0x8000;

const h = (b: Builder, n: number) => readBits(b, 16, n);
const call = (b: Builder, name: string, args: Expr[]) => callH(b, name, args, I32);
const neg = (b: Builder, x: Expr) => b.m.i32.xor(x, i32c(b, SIGN));
/** an FCMP operand through fph_cmpin (FZ16, IOC), widened to a double for the compare */
const cmpOperand = (b: Builder, n: number, E: number, when?: () => Expr) => {
  const checked = call(b, 'fph_cmpin', [h(b, n), i32c(b, E)]);
  return tmp(b, F64, callH(b, 'fp_h2d', [when ? b.m.if(when(), checked, h(b, n)) : checked], F64));
};
const TWO_SOURCE = ['fph_mul', 'fph_div', 'fph_add', 'fph_sub'];

export const fp16Rows: Row[] = [
  row('FABS_H', '000 11110 11 1 000001 10000 rn:5 rd:5', (f, b) => writeBits(b, 16, f.rd!, b.m.i32.and(h(b, f.rn!), i32c(b, SIGN - 1)))),
  row('FNEG_H', '000 11110 11 1 000010 10000 rn:5 rd:5', (f, b) => writeBits(b, 16, f.rd!, neg(b, h(b, f.rn!)))),
  row('FSQRT_H', '000 11110 11 1 000011 10000 rn:5 rd:5', (f, b) => writeBits(b, 16, f.rd!, call(b, 'fph_sqrt', [h(b, f.rn!)]))),
  // FRINTN, P, M, Z, A, X, I (101 is unallocated)
  row('FRINT_H', '000 11110 11 1 001 rmode:3 10000 rn:5 rd:5', (f, b) => {
    writeBits(b, 16, f.rd!, call(b, 'fph_rint', [h(b, f.rn!), i32c(b, f.rmode!)]));
  }, { guard: (f) => f.rmode !== 5 }),

  row('FCMP_H', '000 11110 11 1 rm:5 00 1000 rn:5 E Z 000', (f, b) => {
    const x = cmpOperand(b, f.rn!, f.E!), y = f.Z ? () => b.m.f64.const(0) : cmpOperand(b, f.rm!, f.E!);
    setNZCV(b, ...compare(b, FD, x, y));
  }),
  row('FCCMP_H', '000 11110 11 1 rm:5 cond:4 01 rn:5 E nzcv:4', (f, b) => {
    const m = b.m, c = tmp(b, I32, condition(b, f.cond!));
    // FPCompare (and its exceptions) only when the condition holds
    const x = cmpOperand(b, f.rn!, f.E!, c), y = cmpOperand(b, f.rm!, f.E!, c);
    const flags = compare(b, FD, x, y);
    const pick = (e: Expr, bit: number) => m.select(c(), e, i32c(b, (f.nzcv! >> bit) & 1));
    setNZCV(b, pick(flags[0], 3), pick(flags[1], 2), pick(flags[2], 1), pick(flags[3], 0));
  }),

  // FMUL FDIV FADD FSUB, FMAX FMIN FMAXNM FMINNM, FNMUL (the rounded product negated, NaN included)
  row('FP_2SRC_H', '000 11110 11 1 rm:5 opc:4 10 rn:5 rd:5', (f, b) => {
    const x = h(b, f.rn!), y = h(b, f.rm!), opc = f.opc!;
    let r: Expr;
    if (opc < 4) r = call(b, TWO_SOURCE[opc]!, [x, y]);
    else if (opc < 8) r = call(b, 'fph_minmax', [x, y, i32c(b, [0, 1, 2, 3][opc - 4]!)]);
    else r = neg(b, call(b, 'fph_mul', [x, y]));
    writeBits(b, 16, f.rd!, r);
  }, { guard: (f) => f.opc! <= 8 }),
  // FMADD, FMSUB, FNMADD, FNMSUB: the negations come first, so a negated NaN keeps its flipped sign
  row('FMADD_H', '000 11111 11 o1 rm:5 o0 ra:5 rn:5 rd:5', (f, b) => {
    const a = f.o1 ? neg(b, h(b, f.ra!)) : h(b, f.ra!), x = f.o0 !== f.o1 ? neg(b, h(b, f.rn!)) : h(b, f.rn!);
    writeBits(b, 16, f.rd!, call(b, 'fph_fma', [x, h(b, f.rm!), a]));
  }),

  // SCVTF/UCVTF Hd, Wn/Xn, #fbits; FCVTZS/FCVTZU Wd/Xd, Hn, #fbits (widened to D exactly, scaled exactly)
  row('CVTF_fix_H', 'sf 00 11110 11 0 00 01 U scale:6 rn:5 rd:5', (f, b) => {
    writeBits(b, 16, f.rd!, call(b, 'fph_i2h', [intArg(b, f.sf!, f.U!, f.rn!), i32c(b, f.U! | ((64 - f.scale!) << 8))]));
  }, { guard: (f) => !!f.sf || f.scale! >= 32 }),
  row('FCVTZ_fix_H', 'sf 00 11110 11 0 11 00 U scale:6 rn:5 rd:5', (f, b) => {
    const fbits = 64 - f.scale!, { x } = source(b, 3, f.rn!);
    toInt(b, FD, b.m.f64.mul(x(), b.m.f64.const(2 ** fbits)), f.sf!, f.U!, f.rd!, x, 3, fbits);
  }, { guard: (f) => !!f.sf || f.scale! >= 32 }),
];
