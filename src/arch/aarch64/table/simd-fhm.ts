// FMLAL, FMLAL2, FMLSL, FMLSL2 (FEAT_FHM), vector and by element: Vd.2S/4S += the low (or, for
// the "2" forms, high) half-precision lanes of Vn times those of Vm (or Vm.H[H:L:M], Rm V0–V15),
// each product widened and accumulated in single precision, fused. As in qemu-aarch64: the halves
// are widened by their bits (fph_widen: FZ16 flush, NaNs kept signalling, FMLSL negating first),
// then the single-precision multiply-add honours FPCR's FZ, DN and RMode (fps_fma_s).
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { tmp } from '../ops.ts';
import { callH } from '../fp-ops.ts';
import { lane, mapLanes, vget, writeV } from '../simd-ops.ts';
import { callHalf, half, SIGN } from '../simd-fp16-ops.ts';

const I32 = ir.i32, F32 = ir.f32;

/** one single-precision lane of Vd plus the product of the widened halves `n`, `m` (i32 bits) */
function fmlalLane(b: Builder, n: Expr, mm: Expr, acc: Expr, negate: boolean): Expr {
  const widen = (h: Expr) => b.m.f32.reinterpret(callHalf(b, 'fph_widen', [h]));
  const sum = callH(b, 'fps_fma_s', [widen(negate ? b.m.i32.xor(n, b.m.i32.const(SIGN)) : n), widen(mm), b.m.f32.reinterpret(acc)], F32);
  return b.m.i64.extend_u(b.m.i32.reinterpret(sum));
}

/** `element(i)`: the half of Vm lane i multiplies (its own lane, or the indexed one) */
function fmlal(f: Fields, b: Builder, element: (first: number, i: number) => Expr): void {
  const count = f.Q ? 4 : 2, first = f.U ? count : 0, x = vget(b, f.rn!), acc = vget(b, f.rd!);
  const v = mapLanes(b, 32, count, (i) => fmlalLane(b, half(b, x, first + i), element(first, i), b.m.i32.wrap(lane(b, acc(), 32, i)), !!f.S));
  writeV(b, f.rd!, v, f.Q!);
}

export const fhmRows: Row[] = [
  // U: the "2" forms; S: FMLSL; bit 13 is the inverse of U
  row('FMLAL_v', '0 Q U 01110 S 0 1 rm:5 11 o 011 rn:5 rd:5', (f, b) => {
    const y = vget(b, f.rm!);
    fmlal(f, b, (first, i) => half(b, y, first + i));
  }, { guard: (f) => f.o !== f.U }),
  row('FMLAL_elem', '0 Q U 01111 10 L M rm:4 o S 00 H 0 rn:5 rd:5', (f, b) => {
    const el = tmp(b, I32, half(b, vget(b, f.rm!), (f.H! << 2) | (f.L! << 1) | f.M!));
    fmlal(f, b, () => el());
  }, { guard: (f) => f.o === f.U }),
];
