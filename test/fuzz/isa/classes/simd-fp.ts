// Advanced SIMD floating point, vector and scalar: three-same, two-register misc (rounding,
// conversions, compares with zero), across lanes, pairwise, by element, fixed-point conversions.
// Single and double lanes, the half <-> single FCVTN/FCVTL and every half-precision (FEAT_FP16)
// form (the _H templates; simd-fp16-fpcr runs them alone under random FPCR values). FPSR is not compared here: the translator
// keeps Advanced SIMD FP on its flag-free fast path until FPCR/FPSR is written (src/arch/aarch64/fp-strict.ts);
// the simd-fp-fpsr unit writes them first and compares FPSR.
import type { FuzzClass } from '../generate.ts';
import { t, type F } from '../template.ts';

const b = (s: string) => parseInt(s, 2);
/** `a:U:op` → extension tag ('' = implemented) */
type Ops = Record<string, string>;
const table = (rows: [a: number, u: number, op: string, ext?: string][]): Ops => Object.fromEntries(rows.map(([a, u, o, e]) => [`${a}:${u}:${b(o)}`, e ?? '']));
const key = (f: F, opField: string) => `${f.a}:${f.U}:${f[opField]}`;

const THREE_SAME = table([
  [0, 0, '000'], [0, 0, '001'], [0, 0, '010'], [0, 0, '011'], [0, 0, '100'], [0, 0, '110'], [0, 0, '111'],
  [1, 0, '000'], [1, 0, '001'], [1, 0, '010'], [1, 0, '110'], [1, 0, '111'],
  [0, 1, '000'], [0, 1, '010'], [0, 1, '011'], [0, 1, '100'], [0, 1, '101'], [0, 1, '110'], [0, 1, '111'],
  [1, 1, '000'], [1, 1, '010'], [1, 1, '100'], [1, 1, '101'], [1, 1, '110'],
]);
const SCALAR_THREE_SAME = table([
  [0, 0, '011'], [0, 0, '100'], [0, 0, '111'], [1, 0, '111'], [0, 1, '100'], [0, 1, '101'], [1, 1, '010'], [1, 1, '100'], [1, 1, '101'],
]);
const TWO_MISC = table([
  [0, 0, '10110'], [0, 0, '10111'], [0, 0, '11000'], [0, 0, '11001'], [0, 0, '11010'], [0, 0, '11011'], [0, 0, '11100'], [0, 0, '11101'],
  [0, 1, '10110'], [0, 1, '11000'], [0, 1, '11001'], [0, 1, '11010'], [0, 1, '11011'], [0, 1, '11100'], [0, 1, '11101'],
  [0, 0, '11110'], [0, 0, '11111'], [0, 1, '11110'], [0, 1, '11111'],
  [1, 0, '01100'], [1, 0, '01101'], [1, 0, '01110'], [1, 0, '01111'], [1, 0, '11000'], [1, 0, '11001'], [1, 0, '11010'], [1, 0, '11011'],
  [1, 0, '11100'], [1, 0, '11101'],
  [1, 1, '01100'], [1, 1, '01101'], [1, 1, '01111'], [1, 1, '11001'], [1, 1, '11010'], [1, 1, '11011'], [1, 1, '11100'],
  [1, 1, '11101'], [1, 1, '11111'],
]);
const SCALAR_TWO_MISC = table([
  [0, 0, '11010'], [0, 0, '11011'], [0, 0, '11100'], [0, 0, '11101'],
  [0, 1, '10110'], [0, 1, '11010'], [0, 1, '11011'], [0, 1, '11100'], [0, 1, '11101'],
  [1, 0, '01100'], [1, 0, '01101'], [1, 0, '01110'], [1, 0, '11010'], [1, 0, '11011'], [1, 0, '11101'], [1, 0, '11111'],
  [1, 1, '01100'], [1, 1, '01101'], [1, 1, '11010'], [1, 1, '11011'], [1, 1, '11101'],
]);

/** FCVTN/FCVTL/FCVTXN pick the half with Q and URECPE/URSQRTE are 32-bit only */
function twoMiscLanes(f: F): boolean {
  const o = f.opcode!;
  // FCVTN/FCVTL between single and double (half <-> single: FCVTN_FCVTL_H), FCVTXN from double
  if (f.a === 0 && (o === b('10110') || o === b('10111'))) return f.sz === 1 && (f.U === 0 || o === b('10110'));
  if (f.a === 1 && o === b('11100')) return f.sz === 0; // URECPE, URSQRTE
  return !(f.sz === 1 && !f.Q);
}
/** a template per extension tag of `ops`: '' is the simd-fp class itself */
function byExt(name: string, pattern: string, ops: Ops, opField: string, lanes: (f: F) => boolean, weight = 1) {
  return [...new Set(Object.values(ops))].map((ext) => t(ext ? `${name}_${ext}` : name, pattern, {
    valid: (f) => ops[key(f, opField)] === ext && lanes(f), ...(ext ? { ext } : {}), weight,
  }));
}
const vectorLanes = (f: F) => !(f.sz === 1 && !f.Q);
/** FMLA FMLS FMUL (U=0), FMULX (U=1) by element: a double lane index is H alone (L = 0) */
const elemValid = (f: F) => (f.U ? f.opcode === 9 : [1, 5, 9].includes(f.opcode!)) && !(f.sz === 1 && f.L === 1);
/** SCVTF/UCVTF (11100) and FCVTZS/FCVTZU (11111) with fbits: single (immh 01xx) or double (1xxx) lanes */
const fixedValid = (f: F) => (f.opcode === b('11100') || f.opcode === b('11111')) && f.immh! >= 4;

// Half precision (FEAT_FP16): `a:U:opcode` of the two-register misc forms, vector and scalar
const TWO_MISC_H = table([
  ...['11000', '11001', '11010', '11011', '11100', '11101'].flatMap((o): [number, number, string][] => [[0, 0, o], [0, 1, o]]),
  [1, 0, '01100'], [1, 0, '01101'], [1, 0, '01110'], [1, 0, '01111'], [1, 0, '11000'], [1, 0, '11001'], [1, 0, '11010'], [1, 0, '11011'], [1, 0, '11101'],
  [1, 1, '01100'], [1, 1, '01101'], [1, 1, '01111'], [1, 1, '11001'], [1, 1, '11010'], [1, 1, '11011'], [1, 1, '11101'], [1, 1, '11111'],
]);
const SCALAR_TWO_MISC_H = table([
  ...['11010', '11011', '11100', '11101'].flatMap((o): [number, number, string][] => [[0, 0, o], [0, 1, o]]),
  [1, 0, '01100'], [1, 0, '01101'], [1, 0, '01110'], [1, 0, '11010'], [1, 0, '11011'], [1, 0, '11101'], [1, 0, '11111'],
  [1, 1, '01100'], [1, 1, '01101'], [1, 1, '11010'], [1, 1, '11011'], [1, 1, '11101'],
]);
const reduceValid = (f: F) => f.opcode === b('01100') || f.opcode === b('01111');
const HALF = [
  t('SIMDFP_3same_H', '0 Q U 01110 a 10 rm:5 00 op3:3 1 rn:5 rd:5', { valid: (f) => THREE_SAME[key(f, 'op3')] === '', weight: 3 }),
  t('SIMDFP_3same_scalar_H', '01 U 11110 a 10 rm:5 00 op3:3 1 rn:5 rd:5', { valid: (f) => SCALAR_THREE_SAME[key(f, 'op3')] === '', weight: 2 }),
  t('SIMDFP_2misc_H', '0 Q U 01110 a 1111 00 opcode:5 10 rn:5 rd:5', { valid: (f) => TWO_MISC_H[key(f, 'opcode')] === '', weight: 3 }),
  t('SIMDFP_2misc_scalar_H', '01 U 11110 a 1111 00 opcode:5 10 rn:5 rd:5', { valid: (f) => SCALAR_TWO_MISC_H[key(f, 'opcode')] === '', weight: 2 }),
  t('SIMDFP_across_H', '0 Q 0 01110 a 0 11000 opcode:5 10 rn:5 rd:5', { valid: reduceValid }),
  t('SIMDFP_pair_scalar_H', '01 0 11110 a 0 11000 opcode:5 10 rn:5 rd:5', { valid: (f) => reduceValid(f) || (f.opcode === b('01101') && f.a === 0) }),
  t('SIMDFP_elem_H', '0 Q U 01111 00 L M rm:4 opcode:4 H 0 rn:5 rd:5', { valid: elemValid, weight: 2 }),
  t('SIMDFP_elem_scalar_H', '01 U 11111 00 L M rm:4 opcode:4 H 0 rn:5 rd:5', { valid: elemValid }),
  t('SIMDFP_fixed_H', '0 Q U 011110 001 ib:4 opcode:5 1 rn:5 rd:5', { valid: (f) => f.opcode === b('11100') || f.opcode === b('11111') }),
  t('SIMDFP_fixed_scalar_H', '01 U 111110 001 ib:4 opcode:5 1 rn:5 rd:5', { valid: (f) => f.opcode === b('11100') || f.opcode === b('11111') }),
  t('FMOV_vector_H', '0 Q 0 0111100000 abc:3 1111 1 1 defgh:5 rd:5'),
  // FMLAL FMLAL2 FMLSL FMLSL2 (FEAT_FHM): half products accumulated in single lanes
  t('FMLAL_H', '0 Q U 01110 S 0 1 rm:5 11 o 011 rn:5 rd:5', { valid: (f) => f.o !== f.U }),
  t('FMLAL_elem_H', '0 Q U 01111 10 L M rm:4 o S 00 H 0 rn:5 rd:5', { valid: (f) => f.o === f.U }),
];

export const simdFpClass: FuzzClass = {
  name: 'simd-fp',
  fpValues: true,
  templates: [
    ...byExt('SIMDFP_3same', '0 Q U 01110 a sz 1 rm:5 11 op3:3 1 rn:5 rd:5', THREE_SAME, 'op3', vectorLanes, 5),
    ...byExt('SIMDFP_3same_scalar', '01 U 11110 a sz 1 rm:5 11 op3:3 1 rn:5 rd:5', SCALAR_THREE_SAME, 'op3', () => true, 2),
    ...byExt('SIMDFP_2misc', '0 Q U 01110 a sz 10000 opcode:5 10 rn:5 rd:5', TWO_MISC, 'opcode', twoMiscLanes, 4),
    ...byExt('SIMDFP_2misc_scalar', '01 U 11110 a sz 10000 opcode:5 10 rn:5 rd:5', SCALAR_TWO_MISC, 'opcode', (f) => f.opcode !== b('10110') || f.sz === 1, 2),
    // FMAXNMV FMINNMV FMAXV FMINV (4S only)
    t('SIMDFP_across', '0 1 1 01110 a 0 11000 opcode:5 10 rn:5 rd:5', { valid: (f) => f.opcode === b('01100') || f.opcode === b('01111') }),
    // FMAXNMP FADDP FMAXP / FMINNMP FMINP (scalar pairwise)
    t('SIMDFP_pair_scalar', '01 1 11110 a sz 11000 opcode:5 10 rn:5 rd:5', { valid: (f) => f.opcode === b('01100') || f.opcode === b('01111') || (f.opcode === b('01101') && f.a === 0) }),
    t('SIMDFP_elem', '0 Q U 01111 1 sz L M rm:4 opcode:4 H 0 rn:5 rd:5', { valid: (f) => elemValid(f) && vectorLanes(f), weight: 3 }),
    t('SIMDFP_elem_scalar', '01 U 11111 1 sz L M rm:4 opcode:4 H 0 rn:5 rd:5', { valid: elemValid, weight: 2 }),
    t('SIMDFP_fixed', '0 Q U 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', { valid: (f) => fixedValid(f) && (f.immh! < 8 || f.Q === 1) }),
    t('SIMDFP_fixed_scalar', '01 U 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', { valid: fixedValid }),
    // FCVTN/FCVTN2 single -> half, FCVTL/FCVTL2 half -> single (ARMv8.0, not FEAT_FP16)
    t('FCVTN_FCVTL_H', '0 Q 0 01110 0 0 10000 1011 op 10 rn:5 rd:5'),
    ...HALF,
  ],
};

/** Advanced SIMD half precision (FEAT_FP16) alone, under random FPCR values (RMode, FZ16, DN): every lane honours them and raises FPSR flags */
export const simdFp16FpcrUnit: FuzzClass = { ...simdFpClass, name: 'simd-fp16-fpcr', templates: HALF, strictFp: 'always', fpcr: true };
