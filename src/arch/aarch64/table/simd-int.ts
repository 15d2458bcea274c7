// Advanced SIMD integer instructions (Arm ARM C4.1.96): modified immediate, copy, permute,
// EXT, TBL/TBX, three same / three different / two-register misc / across lanes, shift by
// immediate and by-element forms, with their scalar variants. Float forms are in simd-fp.ts.
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i32c, i64c, setW, setX, tmp, xr } from '../ops.ts';
import { noteSaturatedLanes, noteSaturatedMask, writeSaturation } from '../saturation.ts';
import {
  type Form, type G, I32, I64, VR, dupLane, extmul, geU, gtU, lane, lane32, mapLanes, maxMin, mulV, narrowHigh, narrowTrunc, ns,
  rshrC, satNarrow, setLane, shlC, shrC, shuffleElems, splatInt, vbig, vconst, vget, vsplatc, vtmp, vzero, widen,
  writeForm, writeNarrow, writeScalarV, writeV,
} from '../simd-ops.ts';

const log2 = (x: number) => 31 - Math.clz32(x);

// ------------------------------------------------------------------------------------------
// Modified immediate (MOVI / MVNI / ORR / BIC / FMOV vector immediate)

/** AdvSIMDExpandImm → 64-bit pattern, or undefined for the forms not handled (FP16) */
export function expandImm(op: number, cmode: number, imm8: number): bigint {
  const i = BigInt(imm8), rep = (v: bigint, w: number) => { let x = 0n; for (let k = 0; k < 64; k += w) x |= v << BigInt(k); return x; };
  switch (cmode >> 1) {
    case 0: return rep(i, 32);
    case 1: return rep(i << 8n, 32);
    case 2: return rep(i << 16n, 32);
    case 3: return rep(i << 24n, 32);
    case 4: return rep(i, 16);
    case 5: return rep(i << 8n, 16);
    case 6: return rep(cmode & 1 ? (i << 16n) | 0xffffn : (i << 8n) | 0xffn, 32);
    default:
      if (!(cmode & 1)) {
        if (!op) return rep(i, 8);
        let x = 0n;
        for (let k = 0; k < 8; k++) if ((imm8 >> k) & 1) x |= 0xffn << BigInt(8 * k);
        return x;
      }
      {
        const a = BigInt((imm8 >> 7) & 1), bb = BigInt((imm8 >> 6) & 1), low = BigInt(imm8 & 0x3f);
        if (!op) { // single
          const v = (a << 31n) | ((bb ^ 1n) << 30n) | ((bb ? 0x1fn : 0n) << 25n) | (low << 19n);
          return rep(v, 32);
        }
        return (a << 63n) | ((bb ^ 1n) << 62n) | ((bb ? 0xffn : 0n) << 54n) | (low << 48n);
      }
  }
}

const movi = row('SIMD_MOVI', '0 Q op 0111100000 a b c cmode:4 o2 1 d e f g h rd:5', (f, b) => {
  const m = b.m, cmode = f.cmode!, op = f.op!;
  const imm8 = (f.a! << 7) | (f.b! << 6) | (f.c! << 5) | (f.d! << 4) | (f.e! << 3) | (f.f! << 2) | (f.g! << 1) | f.h!;
  let imm = expandImm(op, cmode, imm8);
  const orrBic = cmode < 12 && (cmode & 1) === 1;
  if (orrBic) {
    const c = vbig(b, imm | (imm << 64n));
    return writeV(b, f.rd!, op ? m.v128.andnot(vget(b, f.rd!)(), c) : m.v128.or(vget(b, f.rd!)(), c), f.Q!);
  }
  const isMvni = op === 1 && cmode < 14;
  if (isMvni) imm = BigInt.asUintN(64, ~imm);
  writeV(b, f.rd!, vbig(b, imm | (imm << 64n)), f.Q!);
}, { guard: (f) => f.o2 === 0 && !(f.cmode === 15 && f.op === 1 && f.Q === 0) });

// ------------------------------------------------------------------------------------------
// Copy: DUP / INS / UMOV / SMOV

const sizeOfImm5 = (imm5: number) => (imm5 & 15 ? log2(imm5 & -imm5) : -1);

function copyGuard(f: Fields): boolean {
  const size = sizeOfImm5(f.imm5!), Q = f.Q!, imm4 = f.imm4!;
  if (size < 0) return false;
  if (f.op) return Q === 1;
  switch (imm4) {
    case 0: return !(size === 3 && Q === 0); // DUP element
    case 1: return !(size === 3 && Q === 0); // DUP general
    case 3: return Q === 1; // INS general
    case 5: return Q ? size <= 2 : size <= 1; // SMOV
    case 7: return Q ? size === 3 : size <= 2; // UMOV
    default: return false;
  }
}

const copy = row('SIMD_copy', '0 Q op 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5', (f, b) => {
  const m = b.m, size = sizeOfImm5(f.imm5!), esize = 8 << size, idx = (f.imm5! as number) >> (size + 1);
  if (f.op) { // INS (element)
    const src = f.imm4! >> size, eb = esize / 8, sel = Array.from({ length: 16 }, (_, k) => k);
    for (let t = 0; t < eb; t++) sel[idx * eb + t] = 16 + src * eb + t;
    return b.set(VR(f.rd!), m.i8x16.shuffle(b.get(VR(f.rd!)), b.get(VR(f.rn!)), sel));
  }
  switch (f.imm4) {
    case 0: return writeV(b, f.rd!, dupLane(b, b.get(VR(f.rn!)), esize, idx), f.Q!);
    case 1: return writeV(b, f.rd!, splatInt(b, esize, xr(b, f.rn!)), f.Q!);
    case 3: return b.set(VR(f.rd!), setLane(b, b.get(VR(f.rd!)), esize, idx, xr(b, f.rn!)));
    case 5: {
      const v = lane(b, b.get(VR(f.rn!)), esize, idx, true);
      return f.Q ? setX(b, f.rd!, v) : setW(b, f.rd!, m.i32.wrap(v));
    }
    default: return setX(b, f.rd!, lane(b, b.get(VR(f.rn!)), esize, idx, false));
  }
}, { guard: copyGuard });

const dupScalar = row('SIMD_DUP_scalar', '01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5', (f, b) => {
  const size = sizeOfImm5(f.imm5!), esize = 8 << size, idx = (f.imm5! as number) >> (size + 1);
  writeScalarV(b, f.rd!, dupLane(b, b.get(VR(f.rn!)), esize, idx), esize);
}, { guard: (f) => sizeOfImm5(f.imm5!) >= 0 });

// ------------------------------------------------------------------------------------------
// Permutes, EXT, TBL/TBX

function permuteElems(op: number, esize: number, q: number): number[] {
  const n = 128 / esize, E = (q ? 128 : 64) / esize, out: number[] = [];
  const cat = (k: number) => (k < E ? k : n + k - E); // concatenation Vn:Vm (Vn first)
  for (let i = 0; i < E; i++) {
    const p = i >> 1, odd = i & 1;
    switch (op) {
      case 1: out.push(cat(2 * i)); break; // UZP1
      case 5: out.push(cat(2 * i + 1)); break; // UZP2
      case 2: out.push(odd ? n + 2 * p : 2 * p); break; // TRN1
      case 6: out.push(odd ? n + 2 * p + 1 : 2 * p + 1); break; // TRN2
      case 3: out.push(odd ? n + p : p); break; // ZIP1
      default: out.push(odd ? n + E / 2 + p : E / 2 + p); // ZIP2
    }
  }
  return out;
}

const permute = row('SIMD_permute', '0 Q 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5', (f, b) => {
  const esize = 8 << f.size!;
  writeV(b, f.rd!, shuffleElems(b, b.get(VR(f.rn!)), b.get(VR(f.rm!)), esize, permuteElems(f.opcode!, esize, f.Q!)), f.Q!);
}, { guard: (f) => f.opcode !== 0 && f.opcode !== 4 && !(f.size === 3 && f.Q === 0) });

const ext = row('SIMD_EXT', '0 Q 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5', (f, b) => {
  const E = f.Q ? 16 : 8, sel: number[] = [];
  for (let i = 0; i < E; i++) { const k = f.imm4! + i; sel.push(k < E ? k : 16 + k - E); }
  writeV(b, f.rd!, shuffleElems(b, b.get(VR(f.rn!)), b.get(VR(f.rm!)), 8, sel), f.Q!);
}, { guard: (f) => f.Q === 1 || f.imm4! < 8 });

const tbl = row('SIMD_TBL', '0 Q 001110 00 0 rm:5 0 len:2 op 00 rn:5 rd:5', (f, b) => {
  const m = b.m, idx = vget(b, f.rm!), regs = f.len! + 1;
  let res = m.i8x16.swizzle(b.get(VR(f.rn!)), idx());
  for (let r = 1; r < regs; r++) {
    res = m.v128.or(res, m.i8x16.swizzle(b.get(VR(f.rn! + r)), m.i8x16.sub(idx(), vsplatc(b, 8, 16 * r))));
  }
  if (f.op) res = m.v128.bitselect(res, b.get(VR(f.rd!)), m.i8x16.lt_u(idx(), vsplatc(b, 8, 16 * regs)));
  writeV(b, f.rd!, res, f.Q!);
});

// ------------------------------------------------------------------------------------------
// Three same (integer)

type Op3 = (b: Builder, esize: number, x: G, y: G, d: G, form: Form) => Expr;
interface Desc3 { sizes: number; q0d?: boolean; scalar?: number; f: Op3 }

/** saturating add/sub for any element size */
function satAddSub(b: Builder, esize: number, signed: boolean, sub: boolean, x: G, y: G): Expr {
  const m = b.m, o = ns(b, esize);
  const wrapped = () => (sub ? o.sub(x(), y()) : o.add(x(), y()));
  if (esize <= 16) {
    const sat = () => (sub ? (signed ? o.sub_saturate_s(x(), y()) : o.sub_saturate_u(x(), y())) : (signed ? o.add_saturate_s(x(), y()) : o.add_saturate_u(x(), y())));
    noteSaturatedMask(b, () => m.v128.not(o.eq(sat(), wrapped())));
    return sat();
  }
  const s = vtmp(b, wrapped());
  if (!signed) {
    // all-ones lanes where the unsigned sum carried out or the difference borrowed
    const inRange = () => (sub ? geU(b, esize, x(), y()) : m.v128.not(gtU(b, esize, x(), s())));
    noteSaturatedMask(b, () => m.v128.not(inRange()));
    return sub ? m.v128.and(s(), inRange()) : m.v128.or(s(), m.v128.not(inRange()));
  }
  const ovf = () => o.shr_s(sub ? m.v128.and(m.v128.xor(x(), y()), m.v128.xor(x(), s())) : m.v128.and(m.v128.xor(s(), x()), m.v128.xor(s(), y())), i32c(b, esize - 1));
  noteSaturatedMask(b, ovf);
  const sat = m.v128.xor(o.shr_s(x(), i32c(b, esize - 1)), vsplatc(b, esize, (1n << BigInt(esize - 1)) - 1n));
  return m.v128.bitselect(sat, s(), ovf());
}

/** lane-wise over all 128/esize lanes (scalar/64-bit forms just ignore the lanes above) */
function lanes2(b: Builder, esize: number, x: G, y: G, signed: boolean, f: (a: Expr, c: () => Expr, i: number) => Expr): Expr {
  const xs = vtmp(b, x()), ys = vtmp(b, y());
  return mapLanes(b, esize, 128 / esize, (i) => {
    const c = tmp(b, I64, lane(b, ys(), esize, i, true));
    return f(lane(b, xs(), esize, i, signed), c, i);
  });
}

/** x >> n for i64 with n ≥ 0 possibly ≥ 64 (arithmetic: sign fill; logical: zero) */
function shr64(b: Builder, x: () => Expr, n: () => Expr, signed: boolean): Expr {
  const m = b.m;
  if (signed) return m.i64.shr_s(x(), m.select(m.i64.gt_u(n(), i64c(b, 63)), i64c(b, 63), n()));
  return m.select(m.i64.gt_u(n(), i64c(b, 63)), i64c(b, 0), m.i64.shr_u(x(), n()));
}

/** SSHL/USHL/SRSHL/URSHL lane: shift by the signed low byte of the other lane */
function regShift(b: Builder, esize: number, signed: boolean, round: boolean, xv: Expr, c: () => Expr): Expr {
  const m = b.m;
  const x = tmp(b, I64, xv);
  const sh = tmp(b, I64, m.i64.extend8_s(c()));
  const left = m.select(m.i64.ge_s(sh(), i64c(b, esize)), i64c(b, 0), m.i64.shl(x(), sh()));
  const n = tmp(b, I64, m.i64.sub(i64c(b, 0), sh()));
  let right = shr64(b, x, n, signed);
  if (round) {
    const n1 = () => m.i64.sub(n(), i64c(b, 1));
    right = m.i64.add(right, m.i64.and(shr64(b, x, n1, signed), i64c(b, 1)));
  }
  return m.select(m.i64.ge_s(sh(), i64c(b, 0)), left, right);
}

/** SQSHL/UQSHL/SQRSHL/UQRSHL (register) lane: saturating left, (rounding) right shifts */
function qregShift(b: Builder, e: number, signed: boolean, round: boolean, xv: Expr, c: () => Expr, saturated: (() => Expr)[]): Expr {
  const m = b.m;
  const x = tmp(b, I64, xv);
  const sh = tmp(b, I64, m.i64.extend8_s(c()));
  const max = signed ? (1n << BigInt(e - 1)) - 1n : e === 64 ? -1n : (1n << BigInt(e)) - 1n;
  const min = signed ? -(1n << BigInt(e - 1)) : 0n;
  const satv = () => (signed ? m.select(m.i64.lt_s(x(), i64c(b, 0)), i64c(b, min), i64c(b, max)) : i64c(b, max));
  const big = () => m.i64.ge_s(sh(), i64c(b, e));
  const shc = tmp(b, I64, m.select(big(), i64c(b, 0), m.select(m.i64.lt_s(sh(), i64c(b, 0)), i64c(b, 0), sh())));
  const r = tmp(b, I64, m.i64.shl(x(), shc()));
  const ok = () => e < 64
    ? m.i32.and(m.i64.le_s(r(), i64c(b, max)), m.i64.ge_s(r(), i64c(b, min)))
    : m.i64.eq(signed ? m.i64.shr_s(r(), shc()) : m.i64.shr_u(r(), shc()), x());
  // a left shift of a non-zero value that does not fit
  saturated.push(() => m.i32.and(m.i32.and(m.i64.ge_s(sh(), i64c(b, 0)), m.i64.ne(x(), i64c(b, 0))), m.i32.or(big(), m.i32.eqz(ok()))));
  const left = m.select(m.i64.eqz(x()), i64c(b, 0), m.select(big(), satv(), m.select(ok(), r(), satv())));
  const n = tmp(b, I64, m.i64.sub(i64c(b, 0), sh()));
  let right = shr64(b, x, n, signed);
  if (round) right = m.i64.add(right, m.i64.and(shr64(b, x, () => m.i64.sub(n(), i64c(b, 1)), signed), i64c(b, 1)));
  return m.select(m.i64.ge_s(sh(), i64c(b, 0)), left, right);
}

/** SQSHL/UQSHL/SQRSHL/UQRSHL (register) over every lane */
function qregShifts(b: Builder, e: number, signed: boolean, round: boolean, x: G, y: G): Expr {
  const saturated: (() => Expr)[] = [];
  const v = lanes2(b, e, x, y, signed, (a, c) => qregShift(b, e, signed, round, a, c, saturated));
  noteSaturatedLanes(b, e, saturated);
  return v;
}

/** PMUL: carry-less 8-bit multiply, low 8 bits */
function pmul8(b: Builder, x: G, y: G): Expr {
  const m = b.m;
  let acc = vzero(b);
  for (let i = 0; i < 8; i++) {
    const mask = m.i8x16.shr_s(m.i8x16.shl(y(), i32c(b, 7 - i)), i32c(b, 7));
    acc = m.v128.xor(acc, m.v128.and(m.i8x16.shl(x(), i32c(b, i)), mask));
  }
  return acc;
}

/** PMULL (8 → 16): carry-less multiply of the low or high bytes */
function pmull8(b: Builder, x: Expr, y: Expr, hi: boolean): Expr {
  const m = b.m, xw = vtmp(b, widen(b, 8, x, hi, false)), yw = vtmp(b, widen(b, 8, y, hi, false));
  let acc = vzero(b);
  for (let i = 0; i < 8; i++) {
    const mask = m.i16x8.shr_s(m.i16x8.shl(yw(), i32c(b, 15 - i)), i32c(b, 15));
    acc = m.v128.xor(acc, m.v128.and(m.i16x8.shl(xw(), i32c(b, i)), mask));
  }
  return acc;
}

/** SQDMULL: 2·x·y widened, saturating (only MIN·MIN overflows) */
function sqdmull(b: Builder, e: number, x: Expr, y: Expr, hi: boolean): Expr {
  const p = vtmp(b, extmul(b, e, x, y, hi, true));
  return satAddSub(b, 2 * e, true, false, p, p);
}
/** SQDMULL / SQDMLAL / SQDMLSL by opcode (13 / 9 / 11 in the three-different numbering) */
function sqdml(b: Builder, e: number, op: 'mull' | 'mlal' | 'mlsl', x: Expr, y: Expr, d: G, hi: boolean): Expr {
  if (op === 'mull') return sqdmull(b, e, x, y, hi);
  const p = vtmp(b, sqdmull(b, e, x, y, hi));
  return satAddSub(b, 2 * e, true, op === 'mlsl', d, p);
}

/** SQRDMLAH / SQRDMLSH: (d·2^e ± 2·x·y + 2^(e-1)) >> e, saturating; computed halved to stay in i64 */
function sqrdmlah(b: Builder, e: number, sub: boolean, x: G, y: G, d: G): Expr {
  const m = b.m, xs = vtmp(b, x()), ys = vtmp(b, y()), ds = vtmp(b, d());
  const max = (1n << BigInt(e - 1)) - 1n, min = -(1n << BigInt(e - 1));
  const saturated: (() => Expr)[] = [];
  const v = mapLanes(b, e, 128 / e, (i) => {
    const p = m.i64.mul(lane(b, xs(), e, i, true), lane(b, ys(), e, i, true));
    const acc = m.i64.shl(lane(b, ds(), e, i, true), i64c(b, e - 1));
    const r = tmp(b, I64, m.i64.shr_s(m.i64.add(sub ? m.i64.sub(acc, p) : m.i64.add(acc, p), i64c(b, 1n << BigInt(e - 2))), i64c(b, e - 1)));
    saturated.push(() => m.i32.or(m.i64.gt_s(r(), i64c(b, max)), m.i64.lt_s(r(), i64c(b, min))));
    return m.select(m.i64.gt_s(r(), i64c(b, max)), i64c(b, max), m.select(m.i64.lt_s(r(), i64c(b, min)), i64c(b, min), r()));
  });
  noteSaturatedLanes(b, e, saturated);
  return v;
}

/** SQDMULH / SQRDMULH for 16/32-bit lanes */
function qdmulh(b: Builder, esize: number, round: boolean, x: G, y: G): Expr {
  const m = b.m;
  if (esize === 16 && round) {
    const min = () => vsplatc(b, 16, -0x8000);
    noteSaturatedMask(b, () => m.v128.and(m.i16x8.eq(x(), min()), m.i16x8.eq(y(), min()))); // only MIN·MIN
    return m.i16x8.q15mulr_sat_s(x(), y());
  }
  const saturated: (() => Expr)[] = [];
  const v = lanes2(b, esize, x, y, true, (a, c) => {
    let p = m.i64.mul(a, c());
    if (round) p = m.i64.add(p, i64c(b, 1n << BigInt(esize - 2)));
    const r = tmp(b, I64, m.i64.shr_s(p, i64c(b, esize - 1)));
    const max = (1n << BigInt(esize - 1)) - 1n;
    saturated.push(() => m.i64.gt_s(r(), i64c(b, max)));
    return m.select(m.i64.gt_s(r(), i64c(b, max)), i64c(b, max), r());
  });
  noteSaturatedLanes(b, esize, saturated);
  return v;
}

/** elements of the pairwise concatenation Vn:Vm: evens (odd=0) or odds (odd=1) */
function pairElems(esize: number, q: number, odd: number): number[] {
  const n = 128 / esize, E = (q ? 128 : 64) / esize, out: number[] = [];
  for (let j = 0; j < E; j++) { const k = 2 * j + odd; out.push(k < E ? k : n + k - E); }
  return out;
}
export function pairwise(b: Builder, esize: number, q: number, x: G, y: G, op: (p: G, r: G) => Expr): Expr {
  const ev = vtmp(b, shuffleElems(b, x(), y(), esize, pairElems(esize, q, 0)));
  const od = vtmp(b, shuffleElems(b, x(), y(), esize, pairElems(esize, q, 1)));
  return op(ev, od);
}

const S012 = 0b0111, S0123 = 0b1111, S12 = 0b0110;

function desc3(U: number, opcode: number): Desc3 | undefined {
  const sg = !U;
  switch (opcode) {
    case 0b00000: return { sizes: S012, f: (b, e, x, y) => ns(b, e).add(shrC(b, e, b.m.v128.xor(x(), y()), 1, sg), b.m.v128.and(x(), y())) };
    case 0b00001: return { sizes: S0123, scalar: S0123, f: (b, e, x, y) => satAddSub(b, e, sg, false, x, y) };
    case 0b00010: return {
      sizes: S012, f: (b, e, x, y) => (!sg && e <= 16 ? ns(b, e).avgr_u(x(), y())
        : ns(b, e).sub(b.m.v128.or(x(), y()), shrC(b, e, b.m.v128.xor(x(), y()), 1, sg))),
    };
    case 0b00100: return { sizes: S012, f: (b, e, x, y) => ns(b, e).sub(shrC(b, e, b.m.v128.xor(x(), y()), 1, sg), b.m.v128.andnot(y(), x())) };
    case 0b00101: return { sizes: S0123, scalar: S0123, f: (b, e, x, y) => satAddSub(b, e, sg, true, x, y) };
    case 0b00110: return { sizes: S0123, scalar: 8, f: (b, e, x, y) => (sg ? ns(b, e).gt_s(x(), y()) : gtU(b, e, x(), y())) };
    case 0b00111: return { sizes: S0123, scalar: 8, f: (b, e, x, y) => (sg ? ns(b, e).ge_s(x(), y()) : geU(b, e, x(), y())) };
    case 0b01000: return { sizes: S0123, scalar: 8, f: (b, e, x, y) => lanes2(b, e, x, y, sg, (a, c) => regShift(b, e, sg, false, a, c)) };
    case 0b01010: return { sizes: S0123, scalar: 8, f: (b, e, x, y) => lanes2(b, e, x, y, sg, (a, c) => regShift(b, e, sg, true, a, c)) };
    case 0b01001: return { sizes: S0123, scalar: S0123, f: (b, e, x, y) => qregShifts(b, e, sg, false, x, y) };
    case 0b01011: return { sizes: S0123, scalar: S0123, f: (b, e, x, y) => qregShifts(b, e, sg, true, x, y) };
    case 0b01100: return { sizes: S012, f: (b, e, x, y) => maxMin(b, e, sg, true, x, y) };
    case 0b01101: return { sizes: S012, f: (b, e, x, y) => maxMin(b, e, sg, false, x, y) };
    case 0b01110: return { sizes: S012, f: (b, e, x, y) => ns(b, e).sub(maxMin(b, e, sg, true, x, y), maxMin(b, e, sg, false, x, y)) };
    case 0b01111: return { sizes: S012, f: (b, e, x, y, d) => ns(b, e).add(d(), ns(b, e).sub(maxMin(b, e, sg, true, x, y), maxMin(b, e, sg, false, x, y))) };
    case 0b10000: return { sizes: S0123, scalar: 8, f: (b, e, x, y) => (U ? ns(b, e).sub(x(), y()) : ns(b, e).add(x(), y())) };
    case 0b10001: return {
      sizes: S0123, scalar: 8,
      f: (b, e, x, y) => (U ? ns(b, e).eq(x(), y()) : b.m.v128.not(ns(b, e).eq(b.m.v128.and(x(), y()), vzero(b)))),
    };
    case 0b10010: return { sizes: S012, f: (b, e, x, y, d) => (U ? ns(b, e).sub(d(), mulV(b, e, x, y)) : ns(b, e).add(d(), mulV(b, e, x, y))) };
    case 0b10011: return U ? { sizes: 0b0001, f: (b, _e, x, y) => pmul8(b, x, y) } : { sizes: S012, f: (b, e, x, y) => mulV(b, e, x, y) };
    case 0b10100: return { sizes: S012, f: (b, e, x, y, _d, fm) => pairwise(b, e, fm.q, x, y, (p, r) => maxMin(b, e, sg, true, p, r)) };
    case 0b10101: return { sizes: S012, f: (b, e, x, y, _d, fm) => pairwise(b, e, fm.q, x, y, (p, r) => maxMin(b, e, sg, false, p, r)) };
    case 0b10110: return { sizes: S12, scalar: S12, f: (b, e, x, y) => qdmulh(b, e, !sg, x, y) };
    case 0b10111: return U ? undefined : { sizes: S0123, f: (b, e, x, y, _d, fm) => pairwise(b, e, fm.q, x, y, (p, r) => ns(b, e).add(p(), r())) };
    default: return undefined;
  }
}

function guard3(f: Fields, scalar: boolean): boolean {
  if (f.opcode === 0b00011) return false;
  const d = desc3(f.U!, f.opcode!);
  if (!d) return false;
  if (scalar) return ((d.scalar ?? 0) >> f.size!) & 1 ? true : false;
  if (!((d.sizes >> f.size!) & 1)) return false;
  return !(f.size === 3 && f.Q === 0 && !d.q0d);
}

function sem3(f: Fields, b: Builder, scalar: boolean): void {
  const d = desc3(f.U!, f.opcode!)!, esize = 8 << f.size!;
  const form: Form = { q: scalar ? 0 : f.Q!, esize, scalar };
  writeForm(b, f.rd!, d.f(b, esize, vget(b, f.rn!), vget(b, f.rm!), vget(b, f.rd!), form), form);
}

const logic = row('SIMD_logic', '0 Q U 01110 size:2 1 rm:5 00011 1 rn:5 rd:5', (f, b) => {
  const m = b.m, x = () => b.get(VR(f.rn!)), y = () => b.get(VR(f.rm!)), d = () => b.get(VR(f.rd!));
  let v: Expr;
  switch ((f.U! << 2) | f.size!) {
    case 0: v = m.v128.and(x(), y()); break;
    case 1: v = m.v128.andnot(x(), y()); break; // BIC
    case 2: v = m.v128.or(x(), y()); break; // ORR (MOV)
    case 3: v = m.v128.or(x(), m.v128.not(y())); break; // ORN
    case 4: v = m.v128.xor(x(), y()); break;
    case 5: v = m.v128.bitselect(x(), y(), d()); break; // BSL
    case 6: v = m.v128.bitselect(x(), d(), y()); break; // BIT
    default: v = m.v128.bitselect(d(), x(), y()); // BIF
  }
  writeV(b, f.rd!, v, f.Q!);
});

const rdmGuard = (f: Fields) => (f.size === 1 || f.size === 2) && (f.opcode === 0 || f.opcode === 1);
const rdm = (f: Fields, b: Builder, scalar: boolean) => {
  const e = 8 << f.size!, form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar };
  writeForm(b, f.rd!, sqrdmlah(b, e, f.opcode === 1, vget(b, f.rn!), vget(b, f.rm!), vget(b, f.rd!)), form);
};

const three = [
  // three same (extra): SQRDMLAH / SQRDMLSH (ARMv8.1)
  row('SIMD_3same_rdm', '0 Q 1 01110 size:2 0 rm:5 1 opcode:4 1 rn:5 rd:5', (f, b) => rdm(f, b, false), { guard: (f) => rdmGuard(f) }),
  row('SIMD_3same_rdm_scalar', '01 1 11110 size:2 0 rm:5 1 opcode:4 1 rn:5 rd:5', (f, b) => rdm(f, b, true), { guard: rdmGuard }),
  row('SIMD_3same', '0 Q U 01110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5', (f, b) => sem3(f, b, false), { guard: (f) => f.opcode! < 24 && guard3(f, false) }),
  row('SIMD_3same_scalar', '01 U 11110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5', (f, b) => sem3(f, b, true), { guard: (f) => f.opcode! < 24 && guard3(f, true) }),
  row('SIMD_ADDP_scalar', '01 0 11110 11 11000 11011 10 rn:5 rd:5', (f, b) => {
    const v = vget(b, f.rn!);
    writeScalarV(b, f.rd!, b.m.i64x2.add(v(), dupLane(b, v(), 64, 1)), 64);
  }),
];

// ------------------------------------------------------------------------------------------
// Three different (long / wide / narrow)

function diffGuard(f: Fields): boolean {
  if (f.size === 3) return false;
  if (f.opcode === 9 || f.opcode === 11 || f.opcode === 13) return f.U === 0 && (f.size === 1 || f.size === 2);
  if (f.opcode === 14) return f.U === 0 && f.size === 0;
  return [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12].includes(f.opcode!);
}

const SQDML: Record<number, 'mull' | 'mlal' | 'mlsl'> = { 13: 'mull', 9: 'mlal', 11: 'mlsl' };

const threeDiff = row('SIMD_3diff', '0 Q U 01110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5', (f, b) => {
  const e = 8 << f.size!, w = 2 * e, hi = f.Q === 1, sg = !f.U, W = ns(b, w);
  const x = vget(b, f.rn!), y = vget(b, f.rm!), d = vget(b, f.rd!);
  const wx = () => widen(b, e, x(), hi, sg), wy = () => widen(b, e, y(), hi, sg);
  const abdl = () => { const t = vtmp(b, W.sub(wx(), wy())); return W.abs(t()); };
  let v: Expr;
  switch (f.opcode) {
    case 0: v = W.add(wx(), wy()); break;
    case 1: v = W.add(x(), wy()); break;
    case 2: v = W.sub(wx(), wy()); break;
    case 3: v = W.sub(x(), wy()); break;
    case 4: case 6: {
      let s = f.opcode === 4 ? W.add(x(), y()) : W.sub(x(), y());
      if (f.U) s = W.add(s, vsplatc(b, w, 1n << BigInt(e - 1)));
      return writeNarrow(b, f.rd!, narrowHigh(b, e, s), f.Q!);
    }
    case 5: v = W.add(d(), abdl()); break;
    case 7: v = abdl(); break;
    case 9: case 11: case 13: v = sqdml(b, e, SQDML[f.opcode]!, x(), y(), d, hi); break;
    case 14: v = pmull8(b, x(), y(), hi); break;
    case 8: v = W.add(d(), extmul(b, e, x(), y(), hi, sg)); break;
    case 10: v = W.sub(d(), extmul(b, e, x(), y(), hi, sg)); break;
    default: v = extmul(b, e, x(), y(), hi, sg);
  }
  writeSaturation(b, 128);
  b.set(VR(f.rd!), v);
}, { guard: diffGuard });

const threeDiffScalar = row('SIMD_3diff_scalar', '01 0 11110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5', (f, b) => {
  const e = 8 << f.size!;
  writeScalarV(b, f.rd!, sqdml(b, e, SQDML[f.opcode!]!, b.get(VR(f.rn!)), b.get(VR(f.rm!)), vget(b, f.rd!), false), 2 * e);
}, { guard: (f) => (f.size === 1 || f.size === 2) && SQDML[f.opcode!] !== undefined });

// ------------------------------------------------------------------------------------------
// Two-register misc (integer)

/** SUQADD (d signed + x unsigned) / USQADD (d unsigned + x signed), saturating to d's kind */
function sqacc(b: Builder, e: number, usq: boolean, x: G, d: G): Expr {
  const m = b.m, xs = vtmp(b, x()), ds = vtmp(b, d());
  const saturated: (() => Expr)[] = [];
  const v = mapLanes(b, e, 128 / e, (i) => {
    const dl = tmp(b, I64, lane(b, ds(), e, i, !usq)), xl = tmp(b, I64, lane(b, xs(), e, i, usq));
    const sum = () => m.i64.add(dl(), xl());
    if (e < 64) {
      const max = usq ? (1n << BigInt(e)) - 1n : (1n << BigInt(e - 1)) - 1n, min = usq ? 0n : -(1n << BigInt(e - 1));
      const s = tmp(b, I64, sum());
      saturated.push(() => m.i32.or(m.i64.gt_s(s(), i64c(b, max)), m.i64.lt_s(s(), i64c(b, min))));
      return m.select(m.i64.gt_s(s(), i64c(b, max)), i64c(b, max), m.select(m.i64.lt_s(s(), i64c(b, min)), i64c(b, min), s()));
    }
    if (!usq) {
      const over = () => m.i64.gt_u(xl(), m.i64.sub(i64c(b, (1n << 63n) - 1n), dl()));
      saturated.push(over);
      return m.select(over(), i64c(b, (1n << 63n) - 1n), sum());
    }
    const over = () => m.i64.gt_u(xl(), m.i64.sub(i64c(b, -1), dl())), under = () => m.i64.lt_u(dl(), m.i64.sub(i64c(b, 0), xl()));
    const negative = () => m.i64.lt_s(xl(), i64c(b, 0));
    saturated.push(() => m.select(negative(), under(), over()));
    return m.select(negative(), m.select(under(), i64c(b, 0), sum()), m.select(over(), i64c(b, -1), sum()));
  });
  noteSaturatedLanes(b, e, saturated);
  return v;
}

type Op1 = (b: Builder, esize: number, x: G, d: G, f: Fields) => Expr;
interface Desc1 { sizes: number; q0d?: boolean; scalar?: number; narrow?: boolean; f: Op1 }

/** REV16/32/64: reverse esize elements inside each container of `cont` bits */
function revElems(esize: number, cont: number): number[] {
  const per = cont / esize, out: number[] = [];
  for (let k = 0; k < 128 / esize; k++) out.push(k - (k % per) + (per - 1 - (k % per)));
  return out;
}

const REV4 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

function cmpZero(b: Builder, esize: number, x: Expr, kind: string): Expr {
  const o = ns(b, esize), z = vzero(b);
  switch (kind) {
    case 'gt': return o.gt_s(x, z);
    case 'ge': return o.ge_s(x, z);
    case 'eq': return o.eq(x, z);
    case 'le': return o.le_s(x, z);
    default: return o.lt_s(x, z);
  }
}

function addlp(b: Builder, esize: number, x: Expr, signed: boolean): Expr {
  const m = b.m;
  if (esize === 8) return signed ? m.i16x8.extadd_pairwise_i8x16_s(x) : m.i16x8.extadd_pairwise_i8x16_u(x);
  if (esize === 16) return signed ? m.i32x4.extadd_pairwise_i16x8_s(x) : m.i32x4.extadd_pairwise_i16x8_u(x);
  const t = vtmp(b, x);
  const ev = shuffleElems(b, t(), vzero(b), 32, [0, 2]), od = shuffleElems(b, t(), vzero(b), 32, [1, 3]);
  return m.i64x2.add(widen(b, 32, ev, false, signed), widen(b, 32, od, false, signed));
}

function sqabsNeg(b: Builder, esize: number, x: G, neg: boolean): Expr {
  const o = ns(b, esize);
  const r = neg ? o.neg(x()) : o.abs(x());
  const isMin = () => o.eq(x(), vsplatc(b, esize, 1n << BigInt(esize - 1)));
  noteSaturatedMask(b, isMin); // only MIN has no absolute value or negation
  return b.m.v128.xor(r, isMin());
}

function clsClz(b: Builder, esize: number, x: G, cls: boolean): Expr {
  const m = b.m, xs = vtmp(b, x());
  return mapLanes(b, esize, 128 / esize, (i) => {
    let v: Expr;
    if (cls) {
      const s = tmp(b, I32, lane32(b, xs(), esize, i));
      const sx = tmp(b, I32, esize === 32 ? s() : m.i32.shr_s(m.i32.shl(s(), i32c(b, 32 - esize)), i32c(b, 32 - esize)));
      v = m.i32.sub(m.i32.clz(m.i32.xor(sx(), m.i32.shr_s(sx(), i32c(b, 1)))), i32c(b, 32 - esize + 1));
    } else {
      v = m.i32.sub(m.i32.clz(lane32(b, xs(), esize, i)), i32c(b, 32 - esize));
    }
    return m.i64.extend_u(v);
  });
}


function desc1(U: number, opcode: number, size: number): Desc1 | undefined {
  switch ((U << 5) | opcode) {
    case 0b000000: return { sizes: S012, f: (b, e, x) => shuffleElems(b, x(), vzero(b), e, revElems(e, 64)) };
    case 0b100000: return { sizes: 0b0011, f: (b, e, x) => shuffleElems(b, x(), vzero(b), e, revElems(e, 32)) };
    case 0b000001: return { sizes: 0b0001, f: (b, e, x) => shuffleElems(b, x(), vzero(b), e, revElems(e, 16)) };
    case 0b000010: case 0b100010: return { sizes: S012, f: (b, e, x) => addlp(b, e, x(), !U) };
    case 0b000110: case 0b100110: return { sizes: S012, f: (b, e, x, d) => ns(b, 2 * e).add(d(), addlp(b, e, x(), !U)) };
    case 0b000100: case 0b100100: return { sizes: S012, f: (b, e, x) => clsClz(b, e, x, !U) };
    case 0b000101: return { sizes: 0b0001, f: (b, _e, x) => b.m.i8x16.popcnt(x()) };
    case 0b100101:
      if (size === 0) return { sizes: 0b0001, f: (b, _e, x) => b.m.v128.not(x()) };
      return {
        sizes: 0b0010, f: (b, _e, x) => {
          const m = b.m, t = vconst(b, REV4);
          const lo = m.v128.and(x(), vsplatc(b, 8, 15)), hi = m.i8x16.shr_u(x(), i32c(b, 4));
          return m.v128.or(m.i8x16.shl(m.i8x16.swizzle(t, lo), i32c(b, 4)), m.i8x16.swizzle(vconst(b, REV4), hi));
        },
      };
    case 0b000111: case 0b100111: return { sizes: S0123, scalar: S0123, f: (b, e, x) => sqabsNeg(b, e, x, !!U) };
    case 0b000011: case 0b100011: return { sizes: S0123, scalar: S0123, f: (b, e, x, d) => sqacc(b, e, !!U, x, d) };
    case 0b001000: return { sizes: S0123, scalar: 8, f: (b, e, x) => cmpZero(b, e, x(), 'gt') };
    case 0b101000: return { sizes: S0123, scalar: 8, f: (b, e, x) => cmpZero(b, e, x(), 'ge') };
    case 0b001001: return { sizes: S0123, scalar: 8, f: (b, e, x) => cmpZero(b, e, x(), 'eq') };
    case 0b101001: return { sizes: S0123, scalar: 8, f: (b, e, x) => cmpZero(b, e, x(), 'le') };
    case 0b001010: return { sizes: S0123, scalar: 8, f: (b, e, x) => cmpZero(b, e, x(), 'lt') };
    case 0b001011: return { sizes: S0123, scalar: 8, f: (b, e, x) => ns(b, e).abs(x()) };
    case 0b101011: return { sizes: S0123, scalar: 8, f: (b, e, x) => ns(b, e).neg(x()) };
    case 0b010010: return { sizes: S012, narrow: true, f: (b, e, x) => narrowTrunc(b, e, x()) };
    case 0b110010: return { sizes: S012, scalar: S012, narrow: true, f: (b, e, x) => satNarrow(b, e, x, 'su') };
    case 0b010100: return { sizes: S012, scalar: S012, narrow: true, f: (b, e, x) => satNarrow(b, e, x, 's') };
    case 0b110100: return { sizes: S012, scalar: S012, narrow: true, f: (b, e, x) => satNarrow(b, e, x, 'u') };
    case 0b110011: return { sizes: S012, f: (b, e, x, _d, f) => shlC(b, 2 * e, widen(b, e, x(), f.Q === 1, false), e) }; // SHLL
    default: return undefined;
  }
}

function guard1(f: Fields, scalar: boolean): boolean {
  const d = desc1(f.U!, f.opcode!, f.size!);
  if (!d) return false;
  if (scalar) return !!(((d.scalar ?? 0) >> f.size!) & 1);
  if (!((d.sizes >> f.size!) & 1)) return false;
  return d.narrow || !(f.size === 3 && f.Q === 0);
}

function sem1(f: Fields, b: Builder, scalar: boolean): void {
  const d = desc1(f.U!, f.opcode!, f.size!)!, esize = 8 << f.size!;
  const v = d.f(b, esize, vget(b, f.rn!), vget(b, f.rd!), f);
  if (d.narrow) return scalar ? writeScalarV(b, f.rd!, v, esize) : writeNarrow(b, f.rd!, v, f.Q!);
  if (f.opcode === 0b10011) return b.set(VR(f.rd!), v); // SHLL: always 128-bit
  const form: Form = { q: scalar ? 0 : f.Q!, esize, scalar };
  writeForm(b, f.rd!, v, form);
}

const misc = [
  row('SIMD_2misc', '0 Q U 01110 size:2 10000 opcode:5 10 rn:5 rd:5', (f, b) => sem1(f, b, false), { guard: (f) => guard1(f, false) }),
  row('SIMD_2misc_scalar', '01 U 11110 size:2 10000 opcode:5 10 rn:5 rd:5', (f, b) => sem1(f, b, true), { guard: (f) => guard1(f, true) }),
];

// ------------------------------------------------------------------------------------------
// Across lanes (integer)

/** reduce the first `count` lanes of v with a lane-wise op by halving (result in lane 0) */
export function reduceTree(b: Builder, esize: number, count: number, v: Expr, op: (p: G, r: G) => Expr): Expr {
  let cur = vtmp(b, v);
  for (let half = count / 2; half >= 1; half /= 2) {
    const c = cur;
    const moved = vtmp(b, shuffleElems(b, c(), vzero(b), esize, Array.from({ length: half }, (_, k) => half + k)));
    cur = vtmp(b, op(c, moved));
  }
  return cur();
}

const across = row('SIMD_across', '0 Q U 01110 size:2 11000 opcode:5 10 rn:5 rd:5', (f, b) => {
  const m = b.m, e = 8 << f.size!, count = (f.Q ? 128 : 64) / e, sg = !f.U, x = vget(b, f.rn!);
  switch (f.opcode) {
    case 0b00011: { // SADDLV / UADDLV: sum widened
      const xs = vtmp(b, x());
      let sum = lane(b, xs(), e, 0, sg);
      for (let i = 1; i < count; i++) sum = m.i64.add(sum, lane(b, xs(), e, i, sg));
      return writeScalarV(b, f.rd!, m.i64x2.replace_lane(vzero(b), 0 as never, sum), 2 * e);
    }
    case 0b11011: return writeScalarV(b, f.rd!, reduceTree(b, e, count, x(), (p, r) => ns(b, e).add(p(), r())), e);
    default: {
      const max = f.opcode === 0b01010;
      return writeScalarV(b, f.rd!, reduceTree(b, e, count, x(), (p, r) => maxMin(b, e, sg, max, p, r)), e);
    }
  }
}, {
  guard: (f) => f.size !== 3 && !(f.size === 2 && f.Q === 0)
    && (f.opcode === 0b00011 || f.opcode === 0b01010 || f.opcode === 0b11010 || (f.opcode === 0b11011 && f.U === 0)),
});

// ------------------------------------------------------------------------------------------
// Shift by immediate

const esizeOfImmh = (immh: number) => 8 << log2(immh);

function shiftGuard(f: Fields, scalar: boolean): boolean {
  const immh = f.immh!, U = f.U!;
  if (immh === 0) return false;
  const e = esizeOfImmh(immh);
  const plain = scalar ? e === 64 : !(e === 64 && f.Q === 0);
  switch (f.opcode) {
    case 0b00000: case 0b00010: case 0b00100: case 0b00110: return plain;
    case 0b01000: return U === 1 && plain;
    case 0b01010: return plain;
    case 0b01100: return U === 1 && (scalar || !(e === 64 && f.Q === 0));
    case 0b01110: return scalar || !(e === 64 && f.Q === 0);
    case 0b10000: case 0b10001: return e !== 64 && (!scalar || U === 1);
    case 0b10010: case 0b10011: return e !== 64;
    case 0b10100: return !scalar && e !== 64;
    default: return false;
  }
}

/** saturating left shift of one lane (x already extended per `inSigned`) */
function qshlLane(b: Builder, e: number, x: () => Expr, sh: number, inSigned: boolean, outSigned: boolean, saturated: (() => Expr)[]): Expr {
  const m = b.m, r = tmp(b, I64, m.i64.shl(x(), i64c(b, sh)));
  if (e < 64) {
    const max = outSigned ? (1n << BigInt(e - 1)) - 1n : (1n << BigInt(e)) - 1n, min = outSigned ? -(1n << BigInt(e - 1)) : 0n;
    saturated.push(() => m.i32.or(m.i64.gt_s(r(), i64c(b, max)), m.i64.lt_s(r(), i64c(b, min))));
    const hi = m.select(m.i64.gt_s(r(), i64c(b, max)), i64c(b, max), r());
    return m.select(m.i64.lt_s(r(), i64c(b, min)), i64c(b, min), hi);
  }
  if (inSigned && outSigned) {
    const ok = () => m.i64.eq(m.i64.shr_s(r(), i64c(b, sh)), x());
    saturated.push(() => m.i32.eqz(ok()));
    return m.select(ok(), r(), m.select(m.i64.lt_s(x(), i64c(b, 0)), i64c(b, 1n << 63n), i64c(b, (1n << 63n) - 1n)));
  }
  const ok = () => m.i64.eq(m.i64.shr_u(r(), i64c(b, sh)), x());
  const negative = () => m.i64.lt_s(x(), i64c(b, 0));
  saturated.push(() => (inSigned ? m.i32.or(negative(), m.i32.eqz(ok())) : m.i32.eqz(ok())));
  const v = m.select(ok(), r(), i64c(b, -1));
  return inSigned ? m.select(negative(), i64c(b, 0), v) : v;
}

function shiftSem(f: Fields, b: Builder, scalar: boolean): void {
  const m = b.m, e = esizeOfImmh(f.immh!), immhb = (f.immh! << 3) | f.immb!, U = f.U!, sg = !U;
  const x = vget(b, f.rn!), d = vget(b, f.rd!), o = ns(b, e);
  const form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar };
  const rsh = 2 * e - immhb, lsh = immhb - e;
  const out = (v: Expr) => writeForm(b, f.rd!, v, form);
  switch (f.opcode) {
    case 0b00000: return out(shrC(b, e, x(), rsh, sg));
    case 0b00010: return out(o.add(d(), shrC(b, e, x(), rsh, sg)));
    case 0b00100: return out(rshrC(b, e, x, rsh, sg));
    case 0b00110: return out(o.add(d(), rshrC(b, e, x, rsh, sg)));
    case 0b01000: { // SRI
      const keep = vsplatc(b, e, ~(((1n << BigInt(e)) - 1n) >> BigInt(rsh)));
      return out(m.v128.or(m.v128.and(d(), keep), shrC(b, e, x(), rsh, false)));
    }
    case 0b01010: {
      if (!U) return out(shlC(b, e, x(), lsh));
      const keep = vsplatc(b, e, ~(((1n << BigInt(e)) - 1n) << BigInt(lsh)));
      return out(m.v128.or(m.v128.and(d(), keep), shlC(b, e, x(), lsh)));
    }
    case 0b01100: case 0b01110: { // SQSHLU / SQSHL / UQSHL (immediate)
      const inSigned = f.opcode === 0b01100 || !U, outSigned = f.opcode === 0b01110 && !U;
      const xs = vtmp(b, x()), saturated: (() => Expr)[] = [];
      const v = mapLanes(b, e, 128 / e, (i) => {
        const l = tmp(b, I64, lane(b, xs(), e, i, inSigned));
        return qshlLane(b, e, l, lsh, inSigned, outSigned, saturated);
      });
      noteSaturatedLanes(b, e, saturated);
      return out(v);
    }
    case 0b10100: // SSHLL / USHLL
      return b.set(VR(f.rd!), shlC(b, 2 * e, widen(b, e, x(), f.Q === 1, sg), lsh));
    default: { // narrowing right shifts; the source lanes are 2e wide
      const w = 2 * e, round = (f.opcode & 1) === 1;
      const inSigned = f.opcode < 0b10010 ? U === 1 : sg; // SQSHRUN/SQRSHRUN take signed input
      const shifted = vtmp(b, round ? rshrC(b, w, x, rsh, inSigned) : shrC(b, w, x(), rsh, inSigned));
      let v: Expr;
      if (f.opcode < 0b10010) v = U ? satNarrow(b, e, shifted, 'su') : narrowTrunc(b, e, shifted());
      else v = satNarrow(b, e, shifted, sg ? 's' : 'u');
      return scalar ? writeScalarV(b, f.rd!, v, e) : writeNarrow(b, f.rd!, v, f.Q!);
    }
  }
}

const shifts = [
  row('SIMD_shift_imm', '0 Q U 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', (f, b) => shiftSem(f, b, false), { guard: (f) => shiftGuard(f, false) }),
  row('SIMD_shift_imm_scalar', '01 U 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', (f, b) => shiftSem(f, b, true), { guard: (f) => shiftGuard(f, true) }),
];

// ------------------------------------------------------------------------------------------
// By element (integer)

function elemIntGuard(f: Fields, scalar: boolean): boolean {
  if (f.size !== 1 && f.size !== 2) return false;
  const U = f.U!, op = f.opcode!;
  if (scalar && U === 0) return [0b1100, 0b1101, 0b0011, 0b0111, 0b1011].includes(op);
  if (U === 0) return [0b1000, 0b1010, 0b0010, 0b0110, 0b1100, 0b1101, 0b0011, 0b0111, 0b1011].includes(op);
  if (scalar) return op === 0b1101 || op === 0b1111;
  return [0b0000, 0b0100, 0b1010, 0b0010, 0b0110, 0b1101, 0b1111].includes(op);
}

function elemIntSem(f: Fields, b: Builder, scalar: boolean): void {
  const e = 8 << f.size!, U = f.U!, op = f.opcode!, sg = !U;
  const index = f.size === 1 ? (f.H! << 2) | (f.L! << 1) | f.M! : (f.H! << 1) | f.L!;
  const rm = f.size === 1 ? f.rm! : (f.M! << 4) | f.rm!;
  const x = vget(b, f.rn!), d = vget(b, f.rd!);
  const el = vtmp(b, dupLane(b, b.get(VR(rm)), e, index));
  const o = ns(b, e), W = ns(b, 2 * e), hi = f.Q === 1;
  const form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar };
  switch (op) {
    case 0b1000: return writeForm(b, f.rd!, mulV(b, e, x, el), form);
    case 0b1101: case 0b1111:
      if (U) return writeForm(b, f.rd!, sqrdmlah(b, e, op === 0b1111, x, el, d), form);
      return writeForm(b, f.rd!, qdmulh(b, e, true, x, el), form);
    case 0b0000: return writeForm(b, f.rd!, o.add(d(), mulV(b, e, x, el)), form);
    case 0b0100: return writeForm(b, f.rd!, o.sub(d(), mulV(b, e, x, el)), form);
    case 0b1100: return writeForm(b, f.rd!, qdmulh(b, e, false, x, el), form);
    case 0b0011: case 0b0111: case 0b1011: {
      const v = sqdml(b, e, op === 0b1011 ? 'mull' : op === 0b0011 ? 'mlal' : 'mlsl', x(), el(), d, scalar ? false : hi);
      if (scalar) return writeScalarV(b, f.rd!, v, 2 * e);
      writeSaturation(b, 128);
      return b.set(VR(f.rd!), v);
    }
    case 0b1010: return b.set(VR(f.rd!), extmul(b, e, x(), el(), hi, sg));
    case 0b0010: return b.set(VR(f.rd!), W.add(d(), extmul(b, e, x(), el(), hi, sg)));
    default: return b.set(VR(f.rd!), W.sub(d(), extmul(b, e, x(), el(), hi, sg)));
  }
}

const byElem = [
  row('SIMD_elem_int', '0 Q U 01111 size:2 L M rm:4 opcode:4 H 0 rn:5 rd:5', (f, b) => elemIntSem(f, b, false), { guard: (f) => elemIntGuard(f, false) }),
  row('SIMD_elem_int_scalar', '01 U 11111 size:2 L M rm:4 opcode:4 H 0 rn:5 rd:5', (f, b) => elemIntSem(f, b, true), { guard: (f) => elemIntGuard(f, true) }),
];

export const simdIntRows: Row[] = [
  movi, copy, dupScalar, permute, ext, tbl, logic, ...three, threeDiff, threeDiffScalar, ...misc, across, ...shifts, ...byElem,
];
