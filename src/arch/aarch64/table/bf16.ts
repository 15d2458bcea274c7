// BFloat16 (FEAT_BF16): BFCVT (scalar) and BFCVTN/BFCVTN2, single to BFloat16 in FPCR.RMode with
// FZ, DN and the FPSR flags (fps_cvt_sb, like FCVT's strict helpers but always: BFloat16 is rare,
// and until the guest writes FPCR it is zero, i.e. round to nearest, as a fast path would assume);
// BFDOT (vector and by element) and BFMMLA, which ignore FPCR and never raise a flag (bf_dot,
// bf16-ops.ts); BFMLALB/BFMLALT (vector and by element), the even (B) or odd (T) BFloat16 lanes
// widened (exactly: a BFloat16 is the top half of a single) into a single-precision FPMulAdd that
// honours FPCR and raises flags as FMLA's strict lanes do (fps_fma_s).
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { callH, FS, readF, writeBits } from '../fp-ops.ts';
import { tmp } from '../ops.ts';
import { fl } from '../simd-fp-strict.ts';
import { type G, VR, dupLane, lane32, mapLanes, vget, vtmp, writeNarrow, writeV } from '../simd-ops.ts';
import { half } from '../simd-fp16-ops.ts';

const I32 = ir.i32, F32 = ir.f32;

/** BFCVT of one single (f32) to the bits of a BFloat16 (i32) */
const cvt = (b: Builder, x: Expr): Expr => callH(b, 'fps_cvt_sb', [x], I32);
/** 32-bit lane i of v (i32) */
const word = (b: Builder, v: G, i: number): Expr => lane32(b, v(), 32, i);
/** BFDotAdd(addend, n, m) on the bits of a single and two BFloat16 pairs */
const dotAdd = (b: Builder, acc: Expr, n: Expr, m: Expr): Expr => callH(b, 'bf_dot', [acc, n, m], I32);
/** a vector of the first `count` 32-bit lanes `one(i)` (i32), the others zero */
const words = (b: Builder, count: number, one: (i: number) => Expr): Expr => mapLanes(b, 32, count, (i) => b.m.i64.extend_u(one(i)));

/** BFDOT: each 32-bit lane of Vd (2S or 4S) plus the dot product of its BFloat16 pair in Vn and in `y` */
function dot(f: Fields, b: Builder, y: G): void {
  const x = vget(b, f.rn!), d = vget(b, f.rd!);
  writeV(b, f.rd!, words(b, f.Q ? 4 : 2, (i) => dotAdd(b, word(b, d, i), word(b, x, i), word(b, y, i))), f.Q!);
}

/** BFMMLA: Vd (2×2 singles, row-major) += Vn (2×4 BFloat16) × Vm (2×4, as columns), two BFDotAdd steps per element */
function mmla(f: Fields, b: Builder): void {
  const x = vget(b, f.rn!), y = vget(b, f.rm!), d = vget(b, f.rd!);
  const one = (i: number, j: number) => dotAdd(b, dotAdd(b, word(b, d, 2 * i + j), word(b, x, 2 * i), word(b, y, 2 * j)), word(b, x, 2 * i + 1), word(b, y, 2 * j + 1));
  b.set(VR(f.rd!), words(b, 4, (k) => one(k >> 1, k & 1)));
}

/** BFMLALB (T = 0) / BFMLALT (T = 1): Vd.4S += Vn's BFloat16 lanes 2i+T times `m(i)` (the bits of a BFloat16), fused */
function mlal(f: Fields, b: Builder, m: (i: number) => Expr): void {
  const x = vget(b, f.rn!), d = vget(b, f.rd!), widen = (h: Expr) => b.m.f32.reinterpret(b.m.i32.shl(h, b.m.i32.const(16)));
  const v = words(b, 4, (i) => b.m.i32.reinterpret(callH(b, 'fps_fma_s', [widen(half(b, x, 2 * i + f.T!)), widen(m(i)), fl(b, 32, d, i)], F32)));
  writeV(b, f.rd!, v, 1);
}

export const bf16Rows: Row[] = [
  row('BFCVT', '000 11110 01 1 000110 10000 rn:5 rd:5', (f, b) => writeBits(b, 16, f.rd!, cvt(b, readF(b, FS, f.rn!)))),
  // BFCVTN (Q = 0: the low half, the rest zeroed) / BFCVTN2 (Q = 1: the high half, the low half kept)
  row('BFCVTN', '0 Q 0 01110 10 10000 10110 10 rn:5 rd:5', (f, b) => {
    const x = vget(b, f.rn!);
    writeNarrow(b, f.rd!, mapLanes(b, 16, 4, (i) => b.m.i64.extend_u(cvt(b, fl(b, 32, x, i)))), f.Q!);
  }),
  row('BFDOT', '0 Q 1 01110 01 0 rm:5 1 1111 1 rn:5 rd:5', (f, b) => dot(f, b, vget(b, f.rm!))),
  // by element: the pair H:L of Vm (M:Rm, V0–V31), whatever the vector's length
  row('BFDOT_elem', '0 Q 0 01111 01 L rm:5 1111 H 0 rn:5 rd:5', (f, b) => dot(f, b, vtmp(b, dupLane(b, b.get(VR(f.rm!)), 32, (f.H! << 1) | f.L!)))),
  row('BFMMLA', '0 1 1 01110 01 0 rm:5 1 1101 1 rn:5 rd:5', mmla),
  row('BFMLAL', '0 T 1 01110 11 0 rm:5 1 1111 1 rn:5 rd:5', (f, b) => {
    const y = vget(b, f.rm!);
    mlal(f, b, (i) => half(b, y, 2 * i + f.T!));
  }),
  // by element: Vm.H[H:L:M], Rm one of V0–V15
  row('BFMLAL_elem', '0 T 0 01111 11 L M rm:4 1111 H 0 rn:5 rd:5', (f, b) => {
    const el = tmp(b, I32, half(b, vget(b, f.rm!), (f.H! << 2) | (f.L! << 1) | f.M!));
    mlal(f, b, el);
  }),
];
