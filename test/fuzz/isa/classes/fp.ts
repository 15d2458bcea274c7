// Scalar floating point (Arm ARM C4.1.96 "data processing -- scalar floating-point"): arithmetic,
// fused multiply-add, compares, conditional select/compare, conversions between precisions, to
// and from integers and fixed point, FMOV. ftype 0 single, 1 double; 3 half (FEAT_FP16: templates
// of their own, _H). Half the sequences write FPSR first so that the
// exception flags are compared too (the translator keeps them from the first FPCR/FPSR write on).
import type { FuzzClass } from '../generate.ts';
import { t, type F } from '../template.ts';

/** ftype 0/1, or 3 (half) in the _H templates */
const precision = (f: F) => f.ftype === 0 || f.ftype === 1;
const half = (f: F) => f.ftype === 3;
/** the same template for single/double and, separately, half precision */
function both(name: string, pattern: string, valid: (f: F) => boolean = () => true, w?: string[]) {
  return [
    t(name, pattern, { valid: (f) => precision(f) && valid(f), ...(w ? { w } : {}) }),
    t(`${name}_H`, pattern, { valid: (f) => half(f) && valid(f), ...(w ? { w } : {}) }),
  ];
}

// FP <-> general register (rmode:opcode): FCVT{N,P,M,Z}{S,U}, FCVTA{S,U}, SCVTF/UCVTF, FMOV
function intConvValid(f: F): boolean {
  const op = f.opcode!, rm = f.rmode!;
  if (op <= 1) return true; // FCVTxS/U in every rounding mode
  if (op <= 5) return rm === 0; // SCVTF UCVTF FCVTAS FCVTAU
  // FMOV: same size (W<->S, X<->D, either with H) or the top half of a 128-bit register (X<->V.D[1])
  if (rm === 0) return f.ftype === 3 || f.sf === f.ftype;
  return rm === 1 && f.sf === 1 && f.ftype === 2;
}
const intConvWrites = (f: F) => (f.opcode === 2 || f.opcode === 3 || f.opcode === 7 ? [] : ['rd']);
const intConv = t('FP_INT_conv', 'sf 0 0 11110 ftype:2 1 rmode:2 opcode:3 000000 rn:5 rd:5', {
  valid: (f) => intConvValid(f) && (f.ftype! < 2 || (f.ftype === 2 && f.opcode! >= 6)), writes: intConvWrites, weight: 3,
});
const intConvHalf = t('FP_INT_conv_H', 'sf 0 0 11110 11 1 rmode:2 opcode:3 000000 rn:5 rd:5', {
  valid: (f) => intConvValid({ ...f, ftype: 3 }), writes: intConvWrites,
});
// FJCVTZS (FEAT_JSCVT): double to int32 with JavaScript's wrap-around
const fjcvtzs = t('FJCVTZS', '0 0 0 11110 01 1 11 110 000000 rn:5 rd:5', { w: ['rd'] });

// FP <-> fixed point: SCVTF/UCVTF (rmode 00, opcode 01x), FCVTZS/FCVTZU (rmode 11, opcode 00x)
const fixedValid = (f: F) => (f.sf === 1 || f.scale! >= 32) && ((f.rmode === 0 && (f.opcode === 2 || f.opcode === 3)) || (f.rmode === 3 && f.opcode! < 2));
const fixedWrites = (f: F) => (f.rmode === 3 ? ['rd'] : []);

// 1-source: FMOV FABS FNEG FSQRT, FCVT to S/D/H (not to its own type), FRINT{N,P,M,Z,A,X,I}
const oneSourceValid = (f: F) => {
  const op = f.opcode!;
  if (op <= 3) return true;
  if (op === 4 || op === 5 || op === 7) return op !== [4, 5, -1, 7][f.ftype!];
  return op >= 8 && op <= 15 && op !== 13;
};

export const fpClass: FuzzClass = {
  name: 'fp',
  fpValues: true,
  strictFp: true,
  templates: [
    // FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL
    ...both('FP_2src', '00011110 ftype:2 1 rm:5 opcode:4 10 rn:5 rd:5', (f) => f.opcode! <= 8),
    ...both('FP_3src', '00011111 ftype:2 o1 rm:5 o0 ra:5 rn:5 rd:5'),
    // FCVT from half (ftype 3, opcodes 4/5) is ARMv8.0, everything else on half is FEAT_FP16
    t('FP_1src', '00011110 ftype:2 1 opcode:6 10000 rn:5 rd:5', { valid: (f) => (precision(f) || (half(f) && (f.opcode === 4 || f.opcode === 5))) && oneSourceValid(f), weight: 2 }),
    t('FP_1src_H', '00011110 11 1 opcode:6 10000 rn:5 rd:5', { valid: (f) => f.opcode !== 4 && f.opcode !== 5 && oneSourceValid({ ...f, ftype: 3 }) }),
    // FRINT32Z FRINT32X FRINT64Z FRINT64X (FEAT_FRINTTS)
    t('FRINTTS', '00011110 0 sz 1 0100 op:2 10000 rn:5 rd:5'),
    ...both('FP_cmp', '00011110 ftype:2 1 rm:5 00 1000 rn:5 opc:2 000', (f) => !(f.opc! & 1) || f.rm === 0),
    ...both('FP_ccmp', '00011110 ftype:2 1 rm:5 cond:4 01 rn:5 op nzcv:4'),
    ...both('FP_csel', '00011110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5'),
    ...both('FMOV_imm', '00011110 ftype:2 1 imm8:8 100 00000 rd:5'),
    intConv, intConvHalf, fjcvtzs,
    ...both('FP_FIXED_conv', 'sf 0 0 11110 ftype:2 0 rmode:2 opcode:3 scale:6 rn:5 rd:5', fixedValid).map((x) => ({ ...x, writes: fixedWrites, weight: 2 })),
  ],
};
