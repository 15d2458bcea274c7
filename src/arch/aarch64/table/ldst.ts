// Loads and stores (Arm ARM C4.1.94): every addressing mode, GPR and SIMD&FP registers,
// acquire/release and LSE atomics (the exclusives are table/exclusive.ts).
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { extended, i64c, setW, setX, setXSP, tmp, xr, xsp } from '../ops.ts';
import { VREG } from '../regs.ts';

const I64 = ir.i64;

/** integer load of 1 << size bytes, zero- or sign-extended to 64 bits */
export function loadInt(b: Builder, size: number, signed: boolean, a: Expr): Expr {
  return loadAt(b, size, signed, b.addr(a), b.offset());
}

/** integer load of 1 << size bytes at the checked Wasm address `p` (i32) plus `o` (Builder.offset, and more) */
export function loadAt(b: Builder, size: number, signed: boolean, p: Expr, o: number): Expr {
  const m = b.m;
  switch (size) {
    case 0: return signed ? m.i64.load8_s(o, 1, p) : m.i64.load8_u(o, 1, p);
    case 1: return signed ? m.i64.load16_s(o, 1, p) : m.i64.load16_u(o, 1, p);
    case 2: return signed ? m.i64.load32_s(o, 1, p) : m.i64.load32_u(o, 1, p);
    default: return m.i64.load(o, 1, p);
  }
}

export function storeInt(b: Builder, size: number, a: Expr, v: Expr): Expr {
  return storeAt(b, size, b.addr(a, true), v, b.offset(true));
}

/** integer store of the low 1 << size bytes of `v` at the checked Wasm address `p` (i32) plus `o` (Builder.offset(true), and more) */
export function storeAt(b: Builder, size: number, p: Expr, v: Expr, o: number): Expr {
  const m = b.m;
  switch (size) {
    case 0: return m.i64.store8(o, 1, p, v);
    case 1: return m.i64.store16(o, 1, p, v);
    case 2: return m.i64.store32(o, 1, p, v);
    default: return m.i64.store(o, 1, p, v);
  }
}

/** SIMD&FP register load of 1 << size bytes (size 4 = Q); the rest of the register is zeroed */
export function loadVec(b: Builder, size: number, a: Expr): Expr {
  return loadVecAt(b, size, b.addr(a), b.offset());
}

/** loadVec at the checked Wasm address `p` (i32) plus `o` */
function loadVecAt(b: Builder, size: number, p: Expr, o: number): Expr {
  const m = b.m, zero = () => m.v128.const([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  switch (size) {
    case 0: return m.i32x4.replace_lane(zero(), 0, m.i32.load8_u(o, 1, p));
    case 1: return m.i32x4.replace_lane(zero(), 0, m.i32.load16_u(o, 1, p));
    case 2: return m.v128.load32_zero(o, 1, p);
    case 3: return m.v128.load64_zero(o, 1, p);
    default: return m.v128.load(o, 1, p);
  }
}

export function storeVec(b: Builder, size: number, a: Expr, v: Expr): Expr {
  return storeVecAt(b, size, b.addr(a, true), v, b.offset(true));
}

/** storeVec at the checked Wasm address `p` (i32) plus `o` */
function storeVecAt(b: Builder, size: number, p: Expr, v: Expr, o: number): Expr {
  const m = b.m;
  switch (size) {
    case 0: return m.i32.store8(o, 1, p, m.i32x4.extract_lane(v, 0));
    case 1: return m.i32.store16(o, 1, p, m.i32x4.extract_lane(v, 0));
    case 2: return m.i32.store(o, 1, p, m.i32x4.extract_lane(v, 0));
    case 3: return m.i64.store(o, 1, p, m.i64x2.extract_lane(v, 0));
    default: return m.v128.store(o, 1, p, v);
  }
}

/** what a single-register load or store (LDST_* rows) moves: GPR or vector, size, sign extension; also read by the jump-table analysis */
export interface Access { vec: boolean; size: number; load: boolean; signed: boolean; to32: boolean; prefetch: boolean }

export function access(f: Fields): Access | undefined {
  const size = f.size!, opc = f.opc!;
  if (f.V) {
    const q = (opc & 2) !== 0;
    if (q && size !== 0) return undefined;
    return { vec: true, size: q ? 4 : size, load: (opc & 1) === 1, signed: false, to32: false, prefetch: false };
  }
  if (opc === 0) return { vec: false, size, load: false, signed: false, to32: false, prefetch: false };
  if (opc === 1) return { vec: false, size, load: true, signed: false, to32: false, prefetch: false };
  if (size === 3) return opc === 2 ? { vec: false, size, load: false, signed: false, to32: false, prefetch: true } : undefined;
  if (size === 2 && opc === 3) return undefined;
  return { vec: false, size, load: true, signed: true, to32: opc === 3, prefetch: false };
}

/** performs the transfer for register rt at address `a` (an i64 expression evaluated once) */
function transfer(b: Builder, acc: Access, rt: number, a: Expr): void {
  if (acc.prefetch) return;
  if (acc.vec) {
    if (acc.load) b.set(VREG + rt, loadVec(b, acc.size, a));
    else b.emit(storeVec(b, acc.size, a, b.get(VREG + rt)));
    return;
  }
  if (!acc.load) return void b.emit(storeInt(b, acc.size, a, xr(b, rt)));
  loaded(b, rt, loadInt(b, acc.size, acc.signed, a), acc.to32);
}

/**
 * A loaded value into Xt (Wt with `to32`). Into XZR the access still happens — it may fault, as
 * under Linux (LLVM's stack probes are `ldr xzr, [sp, #…]`) — and its value is dropped.
 */
function loaded(b: Builder, rt: number, v: Expr, to32 = false): void {
  if (rt === 31) b.emit(b.m.drop(v));
  else if (to32) setW(b, rt, b.m.i32.wrap(v));
  else setX(b, rt, v);
}

const accessGuard = (f: Fields) => access(f) !== undefined;

/** PRFM/PRFUM exist only with unsigned offset, unscaled offset and register offset */
const noPrefetch = (f: Fields) => !access(f)!.prefetch;

function single(name: string, pattern: string, addrOf: (f: Fields, b: Builder) => { a: Expr; wb?: Expr }, extra?: (f: Fields) => boolean): Row {
  return row(name, pattern, (f, b) => {
    const acc = access(f)!;
    const { a, wb } = addrOf(f, b);
    if (wb === undefined) return transfer(b, acc, f.rt!, a);
    // through the stack pointer, which no load writes, the address stays an expression of it (Builder.addr)
    const t = f.rn === 31 ? () => a : tmp(b, I64, a);
    const w = tmp(b, I64, wb);
    transfer(b, acc, f.rt!, t());
    setXSP(b, f.rn!, w());
  }, { guard: (f) => accessGuard(f) && (!extra || extra(f)) });
}

const scaleOf = (f: Fields) => (f.V && (f.opc! & 2) ? 4 : f.size!);

function pairRow(name: string, mode: number): Row {
  return row(name, `opc:2 101 V 0 ${mode.toString(2).padStart(2, '0')} L imm7:s7 rt2:5 rn:5 rt:5`, (f, b) => {
    const m = b.m;
    const vec = !!f.V, signed = !vec && f.opc === 1;
    const size = vec ? 2 + f.opc! : 2 + (f.opc! >> 1);
    const off = f.imm7! * (1 << size);
    // the address as an expression of the stack pointer where it is one (no load writes sp): the
    // access is then known to be relative to it (Builder.addr)
    const base = f.rn === 31 ? () => xsp(b, 31) : tmp(b, I64, xsp(b, f.rn!));
    const atOf = () => (mode === 1 ? base() : m.i64.add(base(), i64c(b, off)));
    const at = f.rn === 31 ? atOf : tmp(b, I64, atOf());
    // the second register's bytes at the first's address plus `step`, checked on their own where pages are
    const step = 1 << size, o = b.offset(!f.L), p = tmp(b, ir.i32, b.addr(at(), !f.L));
    const p2 = b.checksPages ? tmp(b, ir.i32, b.addr(m.i64.add(at(), i64c(b, step)), !f.L)) : p, o2 = b.checksPages ? o : o + step;
    if (vec) {
      if (f.L) {
        const v1 = tmp(b, ir.v128, loadVecAt(b, size, p(), o));
        b.set(VREG + f.rt2!, loadVecAt(b, size, p2(), o2));
        b.set(VREG + f.rt!, v1());
      } else {
        b.emit(storeVecAt(b, size, p(), b.get(VREG + f.rt!), o));
        b.emit(storeVecAt(b, size, p2(), b.get(VREG + f.rt2!), o2));
      }
    } else if (f.L) {
      const v1 = tmp(b, I64, loadAt(b, size, signed, p(), o));
      loaded(b, f.rt2!, loadAt(b, size, signed, p2(), o2));
      setX(b, f.rt!, v1());
    } else {
      const v1 = xr(b, f.rt!), v2 = xr(b, f.rt2!);
      b.emit(storeAt(b, size, p(), v1, o));
      b.emit(storeAt(b, size, p2(), v2, o2));
    }
    if (mode === 1) setXSP(b, f.rn!, m.i64.add(base(), i64c(b, off)));
    if (mode === 3) setXSP(b, f.rn!, at());
  }, { guard: (f) => f.opc !== 3 && !(f.V === 0 && f.opc === 1 && (f.L === 0 || mode === 0)) }); // no STGP, no LDNPSW
}

export const loadStore: Row[] = [
  single('LDST_uimm', 'size:2 111 V 01 opc:2 imm12:12 rn:5 rt:5', (f, b) => ({
    a: b.m.i64.add(xsp(b, f.rn!), i64c(b, f.imm12! * (1 << scaleOf(f)))),
  })),
  single('LDST_unscaled', 'size:2 111 V 00 opc:2 0 imm9:s9 00 rn:5 rt:5', (f, b) => ({ a: b.m.i64.add(xsp(b, f.rn!), i64c(b, f.imm9!)) })),
  single('LDST_unpriv', 'size:2 111 0 00 opc:2 0 imm9:s9 10 rn:5 rt:5', (f, b) => ({ a: b.m.i64.add(xsp(b, f.rn!), i64c(b, f.imm9!)) }), noPrefetch),
  single('LDST_post', 'size:2 111 V 00 opc:2 0 imm9:s9 01 rn:5 rt:5', (f, b) => ({
    a: xsp(b, f.rn!), wb: b.m.i64.add(xsp(b, f.rn!), i64c(b, f.imm9!)),
  }), noPrefetch),
  single('LDST_pre', 'size:2 111 V 00 opc:2 0 imm9:s9 11 rn:5 rt:5', (f, b) => {
    const at = () => b.m.i64.add(xsp(b, f.rn!), i64c(b, f.imm9!));
    return { a: at(), wb: at() };
  }, noPrefetch),
  single('LDST_reg', 'size:2 111 V 00 opc:2 1 rm:5 option:3 S 10 rn:5 rt:5', (f, b) => ({
    a: b.m.i64.add(xsp(b, f.rn!), extended(b, 1, f.rm!, f.option!, f.S ? scaleOf(f) : 0)),
  }), (f) => (f.option! & 2) !== 0),

  // LDRAA/LDRAB (FEAT_PAuth): Xt ← 64 bits at Xn|SP + S:imm9 * 8, Xn first authenticated with
  // data key A or B (M) and modifier zero, which leaves it as it is on our core, whose keys are
  // disabled (branch.ts RETAx; qemu, whose keys are enabled, strips a valid PAC: the same
  // address). The access is LDR (immediate)'s — loadInt, the address checked and a fault reported
  // at it as for any load — and happens even into XZR. W writes the address back, after Xt: with
  // Rt == Rn (CONSTRAINED UNPREDICTABLE) Rn gets the address, as qemu does (and LDST_pre here).
  row('LDRA', '11111000 M S 1 imm9:9 W 1 rn:5 rt:5', (f, b) => {
    const off = i64c(b, (f.imm9! - (f.S! << 9)) * 8);
    const at = f.W ? tmp(b, I64, b.m.i64.add(xsp(b, f.rn!), off)) : undefined;
    loaded(b, f.rt!, loadInt(b, 3, false, at ? at() : b.m.i64.add(xsp(b, f.rn!), off)));
    if (at) setXSP(b, f.rn!, at());
  }),

  row('LDR_lit', 'opc:2 011 V 00 imm19:s19 rt:5', (f, b, i) => {
    const a = i64c(b, i.pc + f.imm19! * 4);
    if (f.V) return b.set(VREG + f.rt!, loadVec(b, 2 + f.opc!, a));
    if (f.opc === 3) return; // PRFM (literal)
    loaded(b, f.rt!, f.opc === 2 ? loadInt(b, 2, true, a) : loadInt(b, f.opc ? 3 : 2, false, a));
  }, { guard: (f) => !(f.V && f.opc === 3) }),

  pairRow('LDSTP_noalloc', 0),
  pairRow('LDSTP_post', 1),
  pairRow('LDSTP_off', 2),
  pairRow('LDSTP_pre', 3),

  // Ordered accesses: one core, so barriers are implicit (exclusives: exclusive.ts).
  row('LDAR_STLR', 'size:2 001000 1 L 0 11111 o0 11111 rn:5 rt:5', (f, b) => {
    const a = xsp(b, f.rn!);
    if (f.L) loaded(b, f.rt!, loadInt(b, f.size!, false, a));
    else b.emit(storeInt(b, f.size!, a, xr(b, f.rt!)));
  }),
  row('CAS', 'size:2 001000 1 L 1 rs:5 o0 11111 rn:5 rt:5', (f, b) => {
    const m = b.m, size = f.size!, a = tmp(b, I64, xsp(b, f.rn!));
    const mask = size === 3 ? -1n : (1n << BigInt(8 << size)) - 1n;
    const old = tmp(b, I64, loadInt(b, size, false, a()));
    const expect = m.i64.and(xr(b, f.rs!), i64c(b, mask));
    b.emit(m.if(m.i64.eq(old(), expect), storeInt(b, size, a(), xr(b, f.rt!))));
    setX(b, f.rs!, old());
  }),
  // CASP/CASPA/CASPL/CASPAL: (Rs, Rs+1) compared with two adjacent words, (Rt, Rt+1) stored if equal;
  // Rs, Rs+1 receive the old words. Odd Rs or Rt is unallocated.
  row('CASP', '0 sz 001000 0 L 1 rs:5 o0 11111 rn:5 rt:5', (f, b) => {
    const m = b.m, size = 2 + f.sz!, s = f.rs!, t = f.rt!, a = tmp(b, I64, xsp(b, f.rn!));
    const a2 = () => m.i64.add(a(), i64c(b, 1 << size));
    const mask = (e: Expr) => (size === 3 ? e : m.i64.and(e, i64c(b, 0xffffffff)));
    const old1 = tmp(b, I64, loadInt(b, size, false, a())), old2 = tmp(b, I64, loadInt(b, size, false, a2()));
    const same = m.i32.and(m.i64.eq(old1(), mask(xr(b, s))), m.i64.eq(old2(), mask(xr(b, s + 1))));
    b.emit(m.if(same, m.block(null, [storeInt(b, size, a(), xr(b, t)), storeInt(b, size, a2(), xr(b, t + 1))])));
    setX(b, s, old1());
    setX(b, s + 1, old2());
  }, { guard: (f) => f.rs! % 2 === 0 && f.rt! % 2 === 0 }),
  row('LDAPR', 'size:2 111 0 00 1 0 1 11111 1100 00 rn:5 rt:5', (f, b) => loaded(b, f.rt!, loadInt(b, f.size!, false, xsp(b, f.rn!)))),
  // LDAPUR/STLUR (FEAT_LRCPC2), unscaled offset: opc 00 STLUR, 01 LDAPUR, 10 LDAPURS to 64 bits, 11 to 32
  row('LDAPUR_STLUR', 'size:2 011001 opc:2 0 imm9:s9 00 rn:5 rt:5', (f, b) => {
    const a = b.m.i64.add(xsp(b, f.rn!), i64c(b, f.imm9!));
    if (f.opc === 0) return b.emit(storeInt(b, f.size!, a, xr(b, f.rt!)));
    loaded(b, f.rt!, loadInt(b, f.size!, f.opc! >= 2, a), f.opc === 3);
  }, { guard: (f) => f.opc! < 2 || (f.opc === 2 ? f.size! < 3 : f.size! < 2) }),
  row('LSE_atomic', 'size:2 111 0 00 A R 1 rs:5 o3 opc:3 00 rn:5 rt:5', (f, b) => {
    const m = b.m, size = f.size!, a = tmp(b, I64, xsp(b, f.rn!));
    const old = tmp(b, I64, loadInt(b, size, false, a()));
    const s = tmp(b, I64, xr(b, f.rs!));
    const bits = 8 << size;
    const sx = (e: Expr) => (bits === 64 ? e : m.i64.shr_s(m.i64.shl(e, i64c(b, 64 - bits)), i64c(b, 64 - bits)));
    const zx = (e: Expr) => (bits === 64 ? e : m.i64.and(e, i64c(b, (1n << BigInt(bits)) - 1n)));
    let nv: Expr;
    if (f.o3) nv = s();
    else switch (f.opc) {
      case 0: nv = m.i64.add(old(), s()); break;
      case 1: nv = m.i64.and(old(), m.i64.xor(s(), i64c(b, -1))); break;
      case 2: nv = m.i64.xor(old(), s()); break;
      case 3: nv = m.i64.or(old(), s()); break;
      case 4: nv = m.select(m.i64.gt_s(sx(old()), sx(s())), old(), s()); break;
      case 5: nv = m.select(m.i64.lt_s(sx(old()), sx(s())), old(), s()); break;
      case 6: nv = m.select(m.i64.gt_u(zx(old()), zx(s())), old(), s()); break;
      default: nv = m.select(m.i64.lt_u(zx(old()), zx(s())), old(), s());
    }
    b.emit(storeInt(b, size, a(), nv));
    setX(b, f.rt!, old());
  }, { guard: (f) => !f.o3 || f.opc === 0 }),
];

