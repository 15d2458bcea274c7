// Advanced SIMD half-precision (FEAT_FP16) two-register misc, vector (Vd.4H/8H) and scalar (Hd):
// FABS FNEG FSQRT FRINT*, FCVT{N,M,A,P,Z}{S,U} to 16-bit integers, SCVTF/UCVTF from them,
// FRECPE FRSQRTE FRECPX, compares with zero; the fixed-point conversions (shift by immediate
// with immh 001x: #fbits 1..16); FMOV Vd.4H/8H, #imm. A lane at a time through the half helpers.
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i32c } from '../ops.ts';
import { I64, lane, mapLanes, vbig, vget, writeForm, writeV } from '../simd-ops.ts';
import { callHalf, cmpLane, half, halfLanes, SIGN } from '../simd-fp16-ops.ts';
import { expandImm } from './fp.ts';

type Rmode = 0 | 1 | 2 | 3 | 4; // N P M Z A (FPDecodeRounding, A = ties away)
type Misc =
  | { kind: 'rint'; mode: number } // FRINT{N,P,M,Z,A} 0..4, X 6, I 7 (fph_rint)
  | { kind: 'cvt'; mode: Rmode } | { kind: 'icvt' }
  | { kind: 'cmp0'; op: 'gt' | 'ge' | 'eq' | 'le' | 'lt' }
  | { kind: 'abs' | 'neg' | 'sqrt' | 'recpe' | 'rsqrte' | 'recpx' };

/** `${U}${a}:${opcode}` → the operation, and whether a vector / scalar form exists */
const MISC: Record<string, [Misc, 'v' | 's' | 'vs']> = {
  '00:11000': [{ kind: 'rint', mode: 0 }, 'v'], '00:11001': [{ kind: 'rint', mode: 2 }, 'v'],
  '01:11000': [{ kind: 'rint', mode: 1 }, 'v'], '01:11001': [{ kind: 'rint', mode: 3 }, 'v'],
  '10:11000': [{ kind: 'rint', mode: 4 }, 'v'], '10:11001': [{ kind: 'rint', mode: 6 }, 'v'], '11:11001': [{ kind: 'rint', mode: 7 }, 'v'],
  // FCVTNS/MS/AS (U=0) and NU/MU/AU (U=1); FCVTPS/ZS and PU/ZU (a=1)
  '00:11010': [{ kind: 'cvt', mode: 0 }, 'vs'], '00:11011': [{ kind: 'cvt', mode: 2 }, 'vs'], '00:11100': [{ kind: 'cvt', mode: 4 }, 'vs'],
  '10:11010': [{ kind: 'cvt', mode: 0 }, 'vs'], '10:11011': [{ kind: 'cvt', mode: 2 }, 'vs'], '10:11100': [{ kind: 'cvt', mode: 4 }, 'vs'],
  '01:11010': [{ kind: 'cvt', mode: 1 }, 'vs'], '01:11011': [{ kind: 'cvt', mode: 3 }, 'vs'],
  '11:11010': [{ kind: 'cvt', mode: 1 }, 'vs'], '11:11011': [{ kind: 'cvt', mode: 3 }, 'vs'],
  '00:11101': [{ kind: 'icvt' }, 'vs'], '10:11101': [{ kind: 'icvt' }, 'vs'], // SCVTF, UCVTF
  '01:01100': [{ kind: 'cmp0', op: 'gt' }, 'vs'], '01:01101': [{ kind: 'cmp0', op: 'eq' }, 'vs'], '01:01110': [{ kind: 'cmp0', op: 'lt' }, 'vs'],
  '11:01100': [{ kind: 'cmp0', op: 'ge' }, 'vs'], '11:01101': [{ kind: 'cmp0', op: 'le' }, 'vs'],
  '01:01111': [{ kind: 'abs' }, 'v'], '11:01111': [{ kind: 'neg' }, 'v'], '11:11111': [{ kind: 'sqrt' }, 'v'],
  '01:11101': [{ kind: 'recpe' }, 'vs'], '11:11101': [{ kind: 'rsqrte' }, 'vs'], '01:11111': [{ kind: 'recpx' }, 's'],
};
const miscOf = (f: Fields) => MISC[`${f.U}${f.a}:${f.opcode!.toString(2).padStart(5, '0')}`];

/** FPToFixed of a lane to a 16-bit integer (fph_f2i type: bit 0 unsigned, bits 8.. fbits) */
const toFixed = (b: Builder, x: Expr, mode: number, U: number, fbits: number) => callHalf(b, 'fph_f2i', [x, i32c(b, mode), i32c(b, U | (fbits << 8))]);
/** FixedToFP of a 16-bit integer lane (sign- or zero-extended) */
const fromFixed = (b: Builder, v: () => Expr, i: number, U: number, fbits: number) =>
  callHalf(b, 'fph_i2h', [lane(b, v(), 16, i, !U), i32c(b, U | (fbits << 8))]);
/** an estimate helper of fp-estimate.ts (i64 bits in and out) */
const estimate = (b: Builder, name: string, x: Expr) => b.m.i32.wrap(b.m.call(b.helper(name), [b.m.i64.extend_u(x)], I64));

function miscLane(b: Builder, d: Misc, U: number, x: Expr, v: () => Expr, i: number): Expr {
  const m = b.m, zero = i32c(b, 0);
  switch (d.kind) {
    case 'rint': return callHalf(b, 'fph_rint', [x, i32c(b, d.mode)]);
    case 'cvt': return toFixed(b, x, d.mode, U, 0);
    case 'icvt': return fromFixed(b, v, i, U, 0);
    // FCMLE/FCMLT #0 are 0 ≥ x and 0 > x
    case 'cmp0': return d.op === 'le' || d.op === 'lt' ? cmpLane(b, d.op === 'le' ? 'ge' : 'gt', zero, x) : cmpLane(b, d.op, x, zero);
    case 'abs': return m.i32.and(x, i32c(b, SIGN - 1));
    case 'neg': return m.i32.xor(x, i32c(b, SIGN));
    case 'sqrt': return callHalf(b, 'fph_sqrt', [x]);
    default: return estimate(b, `fpe_${d.kind}_h`, x);
  }
}

function misc(f: Fields, b: Builder, scalar: boolean): void {
  const [d] = miscOf(f)!, x = vget(b, f.rn!);
  const v = halfLanes(b, scalar ? 1 : f.Q ? 8 : 4, (i) => miscLane(b, d, f.U!, half(b, x, i), x, i));
  writeForm(b, f.rd!, v, { q: scalar ? 0 : f.Q!, esize: 16, scalar });
}

/** SCVTF/UCVTF (opcode 11100) and FCVTZS/FCVTZU (11111) #fbits, fbits = 16 - ib */
function fixed(f: Fields, b: Builder, scalar: boolean): void {
  const x = vget(b, f.rn!), fbits = 16 - f.ib!;
  if (scalar && f.opcode === 0b11111 && !f.U) {
    // qemu-aarch64 (the reference) writes FCVTZS Hd, Hn, #fbits as a 32-bit value, sign-extended
    // from 16 bits (the Arm ARM zero-extends above bit 15)
    const r = b.m.i32.extend16_s(toFixed(b, half(b, x, 0), 3, 0, fbits));
    return writeForm(b, f.rd!, mapLanes(b, 32, 1, () => b.m.i64.extend_u(r)), { q: 0, esize: 32, scalar: true });
  }
  const v = halfLanes(b, scalar ? 1 : f.Q ? 8 : 4, (i) =>
    (f.opcode === 0b11100 ? fromFixed(b, x, i, f.U!, fbits) : toFixed(b, half(b, x, i), 3, f.U!, fbits)));
  writeForm(b, f.rd!, v, { q: scalar ? 0 : f.Q!, esize: 16, scalar });
}
const fixedOp = (f: Fields) => f.opcode === 0b11100 || f.opcode === 0b11111;

export const simdFp16MiscRows: Row[] = [
  row('SIMD_2misc_fp16', '0 Q U 01110 a 1111 00 opcode:5 10 rn:5 rd:5', (f, b) => misc(f, b, false), { guard: (f) => !!miscOf(f)?.[1].includes('v') }),
  row('SIMD_2misc_fp16_scalar', '01 U 11110 a 1111 00 opcode:5 10 rn:5 rd:5', (f, b) => misc(f, b, true), { guard: (f) => !!miscOf(f)?.[1].includes('s') }),
  row('SIMD_fixed_cvt_fp16', '0 Q U 011110 001 ib:4 opcode:5 1 rn:5 rd:5', (f, b) => fixed(f, b, false), { guard: fixedOp }),
  row('SIMD_fixed_cvt_fp16_scalar', '01 U 111110 001 ib:4 opcode:5 1 rn:5 rd:5', (f, b) => fixed(f, b, true), { guard: fixedOp }),
  // FMOV Vd.4H/8H, #imm (AdvSIMD modified immediate with o2 = 1)
  row('SIMD_FMOV_fp16', '0 Q 0 0111100000 a b c 1111 1 1 d e f g h rd:5', (f, b) => {
    const imm8 = (f.a! << 7) | (f.b! << 6) | (f.c! << 5) | (f.d! << 4) | (f.e! << 3) | (f.f! << 2) | (f.g! << 1) | f.h!;
    const h = expandImm(imm8, 16);
    let bits = 0n;
    for (let k = 0n; k < 128n; k += 16n) bits |= h << k;
    writeV(b, f.rd!, vbig(b, bits), f.Q!);
  }),
];
