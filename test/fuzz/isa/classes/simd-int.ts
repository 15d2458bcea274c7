// Advanced SIMD integer (Arm ARM C4.1.95 "data processing -- scalar FP and Advanced SIMD"):
// vector and scalar three-same, three-different, two-register misc, across lanes, copy, permute,
// EXT, TBL/TBX, modified immediate, shift by immediate, by element. Each group is one template
// whose opcode table says which (U, opcode, size, Q) combinations are allocated.
import type { FuzzClass } from '../generate.ts';
import { t, type F } from '../template.ts';

/** size restrictions of an operation: any size, not 64-bit lanes, or a list */
type Sizes = 'any' | 'no64' | number[];
const sizeOk = (s: Sizes, size: number) => (s === 'any' ? true : s === 'no64' ? size !== 3 : s.includes(size));
/** `U:opcode` → allowed sizes; vector forms with 64-bit lanes also need Q = 1 */
type Ops = Record<string, Sizes>;
const op = (ops: Ops, f: F, opcodeField = 'opcode') => ops[`${f.U}:${f[opcodeField]}`];
const vectorValid = (ops: Ops, opcodeField = 'opcode') => (f: F) => {
  const s = op(ops, f, opcodeField);
  return s !== undefined && sizeOk(s, f.size!) && !(f.size === 3 && !f.Q);
};
const scalarValid = (ops: Ops) => (f: F) => {
  const s = op(ops, f);
  return s !== undefined && sizeOk(s, f.size!);
};
const b = (s: string) => parseInt(s, 2);
const table = (rows: [u: number, opcode: string, sizes: Sizes][]): Ops => Object.fromEntries(rows.map(([u, o, s]) => [`${u}:${b(o)}`, s]));

const THREE_SAME = table([
  [0, '00000', 'no64'], [1, '00000', 'no64'], [0, '00001', 'any'], [1, '00001', 'any'], [0, '00010', 'no64'], [1, '00010', 'no64'],
  [0, '00011', 'any'], [1, '00011', 'any'], [0, '00100', 'no64'], [1, '00100', 'no64'], [0, '00101', 'any'], [1, '00101', 'any'],
  [0, '00110', 'any'], [1, '00110', 'any'], [0, '00111', 'any'], [1, '00111', 'any'], [0, '01000', 'any'], [1, '01000', 'any'],
  [0, '01001', 'any'], [1, '01001', 'any'], [0, '01010', 'any'], [1, '01010', 'any'], [0, '01011', 'any'], [1, '01011', 'any'],
  [0, '01100', 'no64'], [1, '01100', 'no64'], [0, '01101', 'no64'], [1, '01101', 'no64'], [0, '01110', 'no64'], [1, '01110', 'no64'],
  [0, '01111', 'no64'], [1, '01111', 'no64'], [0, '10000', 'any'], [1, '10000', 'any'], [0, '10001', 'any'], [1, '10001', 'any'],
  [0, '10010', 'no64'], [1, '10010', 'no64'], [0, '10011', 'no64'], [1, '10011', [0]], [0, '10100', 'no64'], [1, '10100', 'no64'],
  [0, '10101', 'no64'], [1, '10101', 'no64'], [0, '10110', [1, 2]], [1, '10110', [1, 2]], [0, '10111', 'any'],
]);
// logical ops (opcode 00011) use size as part of the opcode: 64-bit "lanes" are fine with Q = 0
const threeSameValid = (f: F) => vectorValid(THREE_SAME)(f) || (f.opcode === 3 && f.size === 3);
const SCALAR_THREE_SAME = table([
  [0, '00001', 'any'], [1, '00001', 'any'], [0, '00101', 'any'], [1, '00101', 'any'], [0, '00110', [3]], [1, '00110', [3]],
  [0, '00111', [3]], [1, '00111', [3]], [0, '01000', [3]], [1, '01000', [3]], [0, '01001', 'any'], [1, '01001', 'any'],
  [0, '01010', [3]], [1, '01010', [3]], [0, '01011', 'any'], [1, '01011', 'any'], [0, '10000', [3]], [1, '10000', [3]],
  [0, '10001', [3]], [1, '10001', [3]], [0, '10110', [1, 2]], [1, '10110', [1, 2]],
]);
const THREE_DIFF = table([
  ...['0000', '0001', '0010', '0011', '0100', '0101', '0110', '0111', '1000', '1010', '1100'].flatMap((o): [number, string, Sizes][] => [[0, o, 'no64'], [1, o, 'no64']]),
  [0, '1001', [1, 2]], [0, '1011', [1, 2]], [0, '1101', [1, 2]], [0, '1110', [0]],
]);
const TWO_MISC = table([
  [0, '00000', 'no64'], [0, '00001', [0]], [0, '00010', 'no64'], [0, '00011', 'any'], [0, '00100', 'no64'], [0, '00101', [0]],
  [0, '00110', 'no64'], [0, '00111', 'any'], [0, '01000', 'any'], [0, '01001', 'any'], [0, '01010', 'any'], [0, '01011', 'any'],
  [0, '10010', 'no64'], [0, '10100', 'no64'],
  [1, '00000', [0, 1]], [1, '00010', 'no64'], [1, '00011', 'any'], [1, '00100', 'no64'], [1, '00101', [0, 1]], [1, '00110', 'no64'],
  [1, '00111', 'any'], [1, '01000', 'any'], [1, '01001', 'any'], [1, '01011', 'any'], [1, '10010', 'no64'], [1, '10011', 'no64'],
  [1, '10100', 'no64'],
]);
// narrowing and lengthening ops select the half with Q: 64-bit source lanes do not need Q = 1
const NARROW_OR_LONG = new Set([b('10010'), b('10100'), b('10011')]);
const twoMiscValid = (f: F) => {
  const s = op(TWO_MISC, f);
  return s !== undefined && sizeOk(s, f.size!) && (NARROW_OR_LONG.has(f.opcode!) || !(f.size === 3 && !f.Q));
};
const SCALAR_TWO_MISC = table([
  [0, '00011', 'any'], [0, '00111', 'any'], [0, '01000', [3]], [0, '01001', [3]], [0, '01010', [3]], [0, '01011', [3]], [0, '10100', 'no64'],
  [1, '00011', 'any'], [1, '00111', 'any'], [1, '01000', [3]], [1, '01001', [3]], [1, '01011', [3]], [1, '10010', 'no64'], [1, '10100', 'no64'],
]);
const ACROSS = table([[0, '00011', 'no64'], [1, '00011', 'no64'], [0, '01010', 'no64'], [1, '01010', 'no64'], [0, '11010', 'no64'], [1, '11010', 'no64'], [0, '11011', 'no64']]);

/** element size of an imm5 lane index (lowest set bit), or 4 when none */
const laneSize = (imm5: number) => (imm5 & 15 ? 31 - Math.clz32(imm5 & -imm5) : 4);
function copyValid(f: F): boolean {
  const size = laneSize(f.imm5!);
  if (size > 3) return false;
  if (f.op) return f.Q === 1; // INS (element)
  switch (f.imm4) {
    case 0: case 1: return size < 3 || f.Q === 1; // DUP (element), DUP (general)
    case 3: return f.Q === 1; // INS (general)
    case 5: return f.Q ? size < 3 : size < 2; // SMOV
    case 7: return f.Q ? size === 3 : size < 3; // UMOV
    default: return false;
  }
}

// shift by immediate: opcode → [U values, kind]; kind: same width (64-bit needs Q), narrowing or long (no 64-bit)
const SHIFTS: Record<number, [number[], 'same' | 'narrow' | 'long']> = {
  [b('00000')]: [[0, 1], 'same'], [b('00010')]: [[0, 1], 'same'], [b('00100')]: [[0, 1], 'same'], [b('00110')]: [[0, 1], 'same'],
  [b('01000')]: [[1], 'same'], [b('01010')]: [[0, 1], 'same'], [b('01100')]: [[1], 'same'], [b('01110')]: [[0, 1], 'same'],
  [b('10000')]: [[0, 1], 'narrow'], [b('10001')]: [[0, 1], 'narrow'], [b('10010')]: [[0, 1], 'narrow'], [b('10011')]: [[0, 1], 'narrow'],
  [b('10100')]: [[0, 1], 'long'],
};
function shiftValid(f: F, scalar: boolean): boolean {
  const s = SHIFTS[f.opcode!];
  if (!s || !s[0].includes(f.U!) || !f.immh) return false;
  const wide = f.immh! >= 8;
  if (s[1] !== 'same') return !wide && !(scalar && (s[1] === 'long' || (f.U === 0 && f.opcode! <= b('10001'))));
  if (scalar) return wide || f.opcode === b('01100') || f.opcode === b('01110'); // only SQSHL(U)/UQSHL have B/H/S scalars
  return !wide || f.Q === 1;
}

// by element: opcode → U values; sizes 1 and 2 (H: index H:L:M with Rm < 16; S: index H:L)
const BY_ELEMENT: Record<number, number[]> = { 0: [1], 2: [0, 1], 3: [0], 4: [1], 6: [0, 1], 7: [0], 8: [0], 10: [0, 1], 11: [0], 12: [0], 13: [0] };
const SCALAR_BY_ELEMENT: Record<number, number[]> = { 3: [0], 7: [0], 11: [0], 12: [0], 13: [0] };

export const simdIntClass: FuzzClass = {
  name: 'simd-int',
  templates: [
    t('SIMD_3same', '0 Q U 01110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5', { valid: threeSameValid, weight: 5 }),
    t('SIMD_3same_scalar', '01 U 11110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5', { valid: scalarValid(SCALAR_THREE_SAME), weight: 2 }),
    t('SIMD_3diff', '0 Q U 01110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5', { valid: (f) => sizeOk(op(THREE_DIFF, f) ?? [], f.size!) && op(THREE_DIFF, f) !== undefined, weight: 3 }),
    t('SIMD_3diff_scalar', '01 0 11110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5', { valid: (f) => [9, 11, 13].includes(f.opcode!) && (f.size === 1 || f.size === 2) }),
    t('SIMD_2misc', '0 Q U 01110 size:2 10000 opcode:5 10 rn:5 rd:5', { valid: twoMiscValid, weight: 4 }),
    t('SIMD_2misc_scalar', '01 U 11110 size:2 10000 opcode:5 10 rn:5 rd:5', { valid: scalarValid(SCALAR_TWO_MISC), weight: 2 }),
    t('SIMD_across', '0 Q U 01110 size:2 11000 opcode:5 10 rn:5 rd:5', { valid: (f) => scalarValid(ACROSS)(f) && !(f.size === 2 && !f.Q), weight: 2 }),
    t('ADDP_scalar', '01 0 11110 11 11000 11011 10 rn:5 rd:5'),
    t('SIMD_copy', '0 Q op 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5', { valid: copyValid, writes: (f) => (!f.op && (f.imm4 === 5 || f.imm4 === 7) ? ['rd'] : []), weight: 3 }),
    t('DUP_scalar', '01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5', { valid: (f) => laneSize(f.imm5!) <= 3 }),
    t('SIMD_permute', '0 Q 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5', { valid: (f) => (f.opcode! & 3) !== 0 && !(f.size === 3 && !f.Q), weight: 2 }),
    t('EXT', '0 Q 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5', { valid: (f) => f.Q === 1 || f.imm4! < 8 }),
    t('TBL_TBX', '0 Q 001110 00 0 rm:5 0 len:2 op 00 rn:5 rd:5'),
    // MOVI/MVNI/ORR/BIC (vector, immediate) and FMOV (vector, immediate); o2 = 1 is the half-precision FMOV
    t('SIMD_modimm', '0 Q op 0111100000 abc:3 cmode:4 0 1 defgh:5 rd:5', { valid: (f) => !(f.op && f.cmode === 15 && !f.Q), weight: 2 }),
    t('SIMD_shift', '0 Q U 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', { valid: (f) => shiftValid(f, false), weight: 4 }),
    t('SIMD_shift_scalar', '01 U 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', { valid: (f) => shiftValid(f, true), weight: 2 }),
    t('SIMD_elem', '0 Q U 01111 size:2 L M rm:4 opcode:4 H 0 rn:5 rd:5', { valid: (f) => (f.size === 1 || f.size === 2) && !!BY_ELEMENT[f.opcode!]?.includes(f.U!), weight: 3 }),
    t('SIMD_elem_scalar', '01 U 11111 size:2 L M rm:4 opcode:4 H 0 rn:5 rd:5', { valid: (f) => (f.size === 1 || f.size === 2) && !!SCALAR_BY_ELEMENT[f.opcode!]?.includes(f.U!) }),
    // FEAT_DotProd: SDOT/UDOT (vector and by element)
    t('DOT', '0 Q U 01110 10 0 rm:5 1 0010 1 rn:5 rd:5'),
    t('DOT_elem', '0 Q U 01111 10 L M rm:4 1110 H 0 rn:5 rd:5'),
    // FEAT_I8MM (advertised in AT_HWCAP2): SMMLA/UMMLA/USMMLA (U:B = 00, 10, 01), USDOT (vector), SUDOT/USDOT (by element)
    t('I8MM_MMLA', '0 1 U 01110 10 0 rm:5 1 010 B 1 rn:5 rd:5', { valid: (f) => !(f.U && f.B) }),
    t('USDOT', '0 Q 0 01110 10 0 rm:5 1 0011 1 rn:5 rd:5'),
    t('SUDOT_USDOT_elem', '0 Q 0 01111 us 0 L M rm:4 1111 H 0 rn:5 rd:5'),
    // FEAT_RDM: SQRDMLAH/SQRDMLSH (vector, by element)
    t('SQRDMLAH', '0 Q 1 01110 size:2 0 rm:5 1 000 S 1 rn:5 rd:5', { valid: (f) => f.size === 1 || f.size === 2 }),
    t('SQRDMLAH_elem', '0 Q 1 01111 size:2 L M rm:4 11 S 1 H 0 rn:5 rd:5', { valid: (f) => f.size === 1 || f.size === 2 }),
  ],
};
