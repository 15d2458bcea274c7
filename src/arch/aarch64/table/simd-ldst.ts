// Advanced SIMD structure loads and stores (Arm ARM C4.1.94: "Advanced SIMD load/store multiple
// structures" and "… single structure", each with its post-indexed variant).
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i64c, setXSP, tmp, xr, xsp } from '../ops.ts';
import { I64, V128, VR, shuffleElems, vzero, writeV } from '../simd-ops.ts';

/** opcode → [registers, elements per structure] for the multiple-structure forms */
const MULTI: Record<number, [number, number]> = {
  0b0000: [1, 4], 0b0010: [4, 1], 0b0100: [1, 3], 0b0110: [3, 1], 0b0111: [1, 1], 0b1000: [1, 2], 0b1010: [2, 1],
};

const multiGuard = (f: Fields) => {
  const d = MULTI[f.opcode!];
  return d !== undefined && !(f.size === 3 && f.Q === 0 && d[1] > 1);
};

function loadLane(b: Builder, esize: number, idx: number, p: Expr, v: Expr): Expr {
  const m = b.m;
  switch (esize) {
    case 8: return m.v128.load8_lane(b.offset(), 1, idx, p, v);
    case 16: return m.v128.load16_lane(b.offset(), 1, idx, p, v);
    case 32: return m.v128.load32_lane(b.offset(), 1, idx, p, v);
    default: return m.v128.load64_lane(b.offset(), 1, idx, p, v);
  }
}
function storeLane(b: Builder, esize: number, idx: number, p: Expr, v: Expr): Expr {
  const m = b.m;
  switch (esize) {
    case 8: return m.v128.store8_lane(b.offset(true), 1, idx, p, v);
    case 16: return m.v128.store16_lane(b.offset(true), 1, idx, p, v);
    case 32: return m.v128.store32_lane(b.offset(true), 1, idx, p, v);
    default: return m.v128.store64_lane(b.offset(true), 1, idx, p, v);
  }
}
function loadSplat(b: Builder, esize: number, p: Expr): Expr {
  const m = b.m;
  switch (esize) {
    case 8: return m.v128.load8_splat(b.offset(), 1, p);
    case 16: return m.v128.load16_splat(b.offset(), 1, p);
    case 32: return m.v128.load32_splat(b.offset(), 1, p);
    default: return m.v128.load64_splat(b.offset(), 1, p);
  }
}

function multiple(f: Fields, b: Builder, post: boolean): void {
  const m = b.m;
  const [rpt, selem] = MULTI[f.opcode!]!;
  const q = f.Q!, esize = 8 << f.size!, eb = 1 << f.size!, regBytes = q ? 16 : 8;
  const total = rpt * selem * regBytes, n = 16 / eb;
  const base = tmp(b, I64, xsp(b, f.rn!));
  const at = (off: number) => b.addr(off ? m.i64.add(base(), i64c(b, off)) : base(), !f.L);
  const reg = (s: number) => b.get(VR(f.rt! + s));
  if (selem === 1) {
    for (let r = 0; r < rpt; r++) {
      const off = r * regBytes;
      if (f.L) b.set(VR(f.rt! + r), q ? m.v128.load(b.offset(), 1, at(off)) : m.v128.load64_zero(b.offset(), 1, at(off)));
      else b.emit(q ? m.v128.store(b.offset(true), 1, at(off), reg(r)) : m.i64.store(b.offset(true), 1, at(off), m.i64x2.extract_lane(reg(r), 0 as never)));
    }
  } else if (selem === 2) {
    const evens = (half: number) => Array.from({ length: n }, (_, e) => 2 * e + half);
    if (f.L) {
      if (q) {
        const lo = tmp(b, V128, m.v128.load(b.offset(), 1, at(0))), hi = tmp(b, V128, m.v128.load(b.offset(), 1, at(16)));
        for (let s = 0; s < 2; s++) b.set(VR(f.rt! + s), shuffleElems(b, lo(), hi(), esize, evens(s)));
      } else {
        const all = tmp(b, V128, m.v128.load(b.offset(), 1, at(0)));
        for (let s = 0; s < 2; s++) b.set(VR(f.rt! + s), shuffleElems(b, all(), vzero(b), esize, evens(s).slice(0, n / 2)));
      }
    } else {
      // memory element k is element k/2 of register k%2: in shuffle numbering reg0 = 0.., reg1 = n..
      const inter = (from: number, count: number) => Array.from({ length: count }, (_, k) => (((from + k) & 1) ? n : 0) + ((from + k) >> 1));
      b.emit(m.v128.store(b.offset(true), 1, at(0), shuffleElems(b, reg(0), reg(1), esize, inter(0, n))));
      if (q) b.emit(m.v128.store(b.offset(true), 1, at(16), shuffleElems(b, reg(0), reg(1), esize, inter(n, n))));
    }
  } else {
    const elems = regBytes / eb;
    if (f.L) {
      for (let s = 0; s < selem; s++) {
        let v = vzero(b);
        for (let e = 0; e < elems; e++) v = loadLane(b, esize, e, at((e * selem + s) * eb), v);
        b.set(VR(f.rt! + s), v);
      }
    } else {
      for (let e = 0; e < elems; e++) {
        for (let s = 0; s < selem; s++) b.emit(storeLane(b, esize, e, at((e * selem + s) * eb), reg(s)));
      }
    }
  }
  if (post) setXSP(b, f.rn!, m.i64.add(base(), f.rm === 31 ? i64c(b, total) : xr(b, f.rm!)));
}

interface SingleDesc { scale: number; index: number; selem: number; replicate: boolean }

function singleDesc(f: Fields): SingleDesc | undefined {
  const opcode = f.opcode!, size = f.size!, S = f.S!, Q = f.Q!;
  const selem = (((opcode & 1) << 1) | f.R!) + 1;
  let scale = opcode >> 1, index = 0;
  switch (scale) {
    case 0: index = (Q << 3) | (S << 2) | size; break;
    case 1: if (size & 1) return undefined; index = (Q << 2) | (S << 1) | (size >> 1); break;
    case 2:
      if (size & 2) return undefined;
      if (!(size & 1)) index = (Q << 1) | S;
      else { if (S) return undefined; index = Q; scale = 3; }
      break;
    default:
      if (!f.L || S) return undefined;
      return { scale: size, index: 0, selem, replicate: true };
  }
  return { scale, index, selem, replicate: false };
}

function single(f: Fields, b: Builder, post: boolean): void {
  const m = b.m, d = singleDesc(f)!;
  const eb = 1 << d.scale, esize = 8 * eb;
  const base = tmp(b, I64, xsp(b, f.rn!));
  const at = (off: number) => b.addr(off ? m.i64.add(base(), i64c(b, off)) : base(), !f.L);
  for (let s = 0; s < d.selem; s++) {
    const t = f.rt! + s;
    if (d.replicate) writeV(b, t, loadSplat(b, esize, at(s * eb)), f.Q!);
    else if (f.L) b.set(VR(t), loadLane(b, esize, d.index, at(s * eb), b.get(VR(t))));
    else b.emit(storeLane(b, esize, d.index, at(s * eb), b.get(VR(t))));
  }
  if (post) setXSP(b, f.rn!, m.i64.add(base(), f.rm === 31 ? i64c(b, d.selem * eb) : xr(b, f.rm!)));
}

export const simdLdst: Row[] = [
  row('SIMD_LDST_multi', '0 Q 0011000 L 000000 opcode:4 size:2 rn:5 rt:5', (f, b) => multiple(f, b, false), { guard: multiGuard }),
  row('SIMD_LDST_multi_post', '0 Q 0011001 L 0 rm:5 opcode:4 size:2 rn:5 rt:5', (f, b) => multiple(f, b, true), { guard: multiGuard }),
  row('SIMD_LDST_single', '0 Q 0011010 L R 00000 opcode:3 S size:2 rn:5 rt:5', (f, b) => single(f, b, false), { guard: (f) => singleDesc(f) !== undefined }),
  row('SIMD_LDST_single_post', '0 Q 0011011 L R rm:5 opcode:3 S size:2 rn:5 rt:5', (f, b) => single(f, b, true), { guard: (f) => singleDesc(f) !== undefined }),
];
