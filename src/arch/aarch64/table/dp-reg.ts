// Data processing — register (Arm ARM C4.1.95).
import * as ir from '../../../wasm/ir.ts';
import { row, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import {
  addWithFlags, condition, cst, extended, i32c, i64c, logicFlags, ops, rd, rdsp, setNZCV, setX, shifted, tmp, wrt, wrtsp,
  wtype, xr, xsp,
} from '../ops.ts';
import { PSEUDO_SYSCALL } from '../../../abi.ts';
import { FLAG_C } from '../regs.ts';

function addSub(b: Builder, sf: number, sub: number, S: number, rdn: number, a: Expr, bv: Expr, toSp: boolean): void {
  const o = ops(b, sf);
  if (S) {
    const ta = tmp(b, wtype(sf), a), tb = tmp(b, wtype(sf), bv);
    wrt(b, sf, rdn, addWithFlags(b, sf, ta, tb, !!sub)());
  } else {
    const v = sub ? o.sub(a, bv) : o.add(a, bv);
    toSp ? wrtsp(b, sf, rdn, v) : wrt(b, sf, rdn, v);
  }
}

export const dpReg: Row[] = [
  row('LOGIC_shift', 'sf opc:2 01010 shift:2 N rm:5 imm6:6 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf);
    let bv = shifted(b, sf, rd(b, sf, f.rm!), f.shift!, f.imm6!);
    if (f.N) bv = o.xor(bv, cst(b, sf, -1));
    const a = rd(b, sf, f.rn!);
    switch (f.opc) {
      case 0: return wrt(b, sf, f.rd!, o.and(a, bv));
      case 1: return wrt(b, sf, f.rd!, o.or(a, bv));
      case 2: return wrt(b, sf, f.rd!, o.xor(a, bv));
      default: {
        const res = tmp(b, wtype(sf), o.and(a, bv));
        logicFlags(b, sf, res);
        wrt(b, sf, f.rd!, res());
      }
    }
  }, { guard: (f) => !!f.sf || f.imm6! < 32 }),

  row('ADD_SUB_shift', 'sf op S 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', (f, b) => {
    const sf = f.sf!;
    addSub(b, sf, f.op!, f.S!, f.rd!, rd(b, sf, f.rn!), shifted(b, sf, rd(b, sf, f.rm!), f.shift!, f.imm6!), false);
  }, { guard: (f) => f.shift !== 3 && (!!f.sf || f.imm6! < 32) }),

  row('ADD_SUB_ext', 'sf op S 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5', (f, b) => {
    const sf = f.sf!;
    addSub(b, sf, f.op!, f.S!, f.rd!, rdsp(b, sf, f.rn!), extended(b, sf, f.rm!, f.option!, f.imm3!), true);
  }, { guard: (f) => f.imm3! <= 4 }),

  row('ADC_SBC', 'sf op S 11010000 rm:5 000000 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf);
    if (f.S) {
      const ta = tmp(b, wtype(sf), rd(b, sf, f.rn!)), tb = tmp(b, wtype(sf), rd(b, sf, f.rm!));
      const cin = tmp(b, ir.i32, b.get(FLAG_C));
      wrt(b, sf, f.rd!, addWithFlags(b, sf, ta, tb, !!f.op, cin)());
    } else {
      const c = sf ? b.m.i64.extend_u(b.get(FLAG_C)) : b.get(FLAG_C);
      const v = f.op
        ? o.sub(o.sub(rd(b, sf, f.rn!), rd(b, sf, f.rm!)), o.xor(c, cst(b, sf, 1)))
        : o.add(o.add(rd(b, sf, f.rn!), rd(b, sf, f.rm!)), c);
      wrt(b, sf, f.rd!, v);
    }
  }),

  row('CCMP_reg', 'sf op 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4', (f, b) => condCompare(b, f.sf!, f.op!, f.rn!, rd(b, f.sf!, f.rm!), f.cond!, f.nzcv!)),
  row('CCMP_imm', 'sf op 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4', (f, b) => condCompare(b, f.sf!, f.op!, f.rn!, cst(b, f.sf!, f.imm5!), f.cond!, f.nzcv!)),

  row('CSEL', 'sf op 0 11010100 rm:5 cond:4 0 o2 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf);
    let alt = rd(b, sf, f.rm!);
    if (f.op) alt = o.xor(alt, cst(b, sf, -1));
    if (f.o2) alt = o.add(alt, cst(b, sf, 1));
    const c = condition(b, f.cond!);
    wrt(b, sf, f.rd!, b.m.select(c, rd(b, sf, f.rn!), alt));
  }),

  row('MADD_MSUB', 'sf 00 11011 000 rm:5 o0 ra:5 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf);
    const p = o.mul(rd(b, sf, f.rn!), rd(b, sf, f.rm!));
    wrt(b, sf, f.rd!, f.o0 ? o.sub(rd(b, sf, f.ra!), p) : o.add(rd(b, sf, f.ra!), p));
  }),
  row('MADDL', '1 00 11011 U 01 rm:5 o0 ra:5 rn:5 rd:5', (f, b) => {
    const m = b.m;
    const ext = (n: number) => (f.U ? m.i64.extend_u(rd(b, 0, n)) : m.i64.extend_s(rd(b, 0, n)));
    const p = m.i64.mul(ext(f.rn!), ext(f.rm!));
    wrt(b, 1, f.rd!, f.o0 ? m.i64.sub(xr(b, f.ra!), p) : m.i64.add(xr(b, f.ra!), p));
  }),
  row('MULH', '1 00 11011 U 10 rm:5 0 ra:5 rn:5 rd:5', (f, b) => {
    wrt(b, 1, f.rd!, mulHigh(b, xr(b, f.rn!), xr(b, f.rm!), !f.U));
  }),

  row('DIV', 'sf 0 0 11010110 rm:5 00001 o1 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf), m = b.m;
    const n = tmp(b, wtype(sf), rd(b, sf, f.rn!)), d = tmp(b, wtype(sf), rd(b, sf, f.rm!));
    // A64 division by zero gives 0 and INT_MIN / -1 gives INT_MIN; Wasm would trap on both.
    const q = f.o1
      ? m.if(o.eq(d(), cst(b, sf, -1)), o.sub(cst(b, sf, 0), n()), o.div_s(n(), d()))
      : o.div_u(n(), d());
    wrt(b, sf, f.rd!, m.if(o.eqz(d()), cst(b, sf, 0), q));
  }),
  row('SHIFTV', 'sf 0 0 11010110 rm:5 0010 op2:2 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf);
    const a = rd(b, sf, f.rn!), s = rd(b, sf, f.rm!); // Wasm masks the count as A64 does
    wrt(b, sf, f.rd!, [o.shl, o.shr_u, o.shr_s, o.rotr][f.op2!]!(a, s));
  }),

  row('RBIT', 'sf 1 0 11010110 00000 000000 rn:5 rd:5', (f, b) => wrt(b, f.sf!, f.rd!, rbit(b, f.sf!, rd(b, f.sf!, f.rn!)))),
  row('REV16', 'sf 1 0 11010110 00000 000001 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf), v = tmp(b, wtype(sf), rd(b, sf, f.rn!));
    const m8 = cst(b, sf, sf ? 0x00ff00ff00ff00ffn : 0x00ff00ff);
    wrt(b, sf, f.rd!, o.or(o.and(o.shr_u(v(), cst(b, sf, 8)), m8), o.shl(o.and(v(), cst(b, sf, sf ? 0x00ff00ff00ff00ffn : 0x00ff00ff)), cst(b, sf, 8))));
  }),
  row('REV32', '1 1 0 11010110 00000 000010 rn:5 rd:5', (f, b) => {
    const m = b.m, v = tmp(b, ir.i64, xr(b, f.rn!));
    const lo = bswap32(b, m.i32.wrap(v())), hi = bswap32(b, m.i32.wrap(m.i64.shr_u(v(), i64c(b, 32))));
    wrt(b, 1, f.rd!, m.i64.or(m.i64.extend_u(lo), m.i64.shl(m.i64.extend_u(hi), i64c(b, 32))));
  }),
  row('REV_w', '0 1 0 11010110 00000 000010 rn:5 rd:5', (f, b) => wrt(b, 0, f.rd!, bswap32(b, rd(b, 0, f.rn!)))),
  row('REV_x', '1 1 0 11010110 00000 000011 rn:5 rd:5', (f, b) => wrt(b, 1, f.rd!, bswap64(b, xr(b, f.rn!)))),
  // PACIA…AUTDB (and their Z forms) with the keys disabled (branch.ts RETAx): the value as it is
  row('PAC_AUT', '1 1 0 11010110 00001 00 z opc:3 rn:5 rd:5', () => {}, { guard: (f) => !f.z || f.rn === 31 }),
  // XPACI/XPACD: the PAC field takes the value of bit 55 (XPACD keeps the top byte, which data
  // addresses ignore); a pointer nothing signed comes back as it was
  row('XPAC', '1 1 0 11010110 00001 01000 d 11111 rd:5', (f, b) => {
    const m = b.m, v = tmp(b, ir.i64, xr(b, f.rd!));
    const ext = m.i64.shr_s(m.i64.shl(v(), i64c(b, 8)), i64c(b, 8));
    wrt(b, 1, f.rd!, f.d ? m.i64.or(m.i64.and(v(), i64c(b, 0xff00000000000000n)), m.i64.and(ext, i64c(b, 0x00ffffffffffffffn))) : ext);
  }),
  // PACGA Xd, Xn, Xm|SP: the generic authentication code of Xn with modifier Xm|SP in the top 32
  // bits, the bottom 32 zero. No key-enable bit gates it: the runtime computes it (QARMA5) with
  // the thread's APGAKey, which Linux enables for every process (runtime/pac.ts)
  row('PACGA', '1 0 0 11010110 rm:5 001100 rn:5 rd:5', (f, b) => {
    if (f.rd !== 31) setX(b, f.rd!, b.syscall(i64c(b, PSEUDO_SYSCALL.pacga), [xr(b, f.rn!), xsp(b, f.rm!)]));
  }),
  row('CLZ', 'sf 1 0 11010110 00000 000100 rn:5 rd:5', (f, b) => wrt(b, f.sf!, f.rd!, ops(b, f.sf!).clz(rd(b, f.sf!, f.rn!)))),
  row('CLS', 'sf 1 0 11010110 00000 000101 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf), v = tmp(b, wtype(sf), rd(b, sf, f.rn!));
    // leading bits equal to the sign, excluding it: clz(x ^ (x >>s 1)) - 1
    wrt(b, sf, f.rd!, o.sub(o.clz(o.xor(v(), o.shr_s(v(), cst(b, sf, 1)))), cst(b, sf, 1)));
  }),
];

function condCompare(b: Builder, sf: number, op: number, rn: number, bv: Expr, cond: number, nzcv: number): void {
  const m = b.m;
  const c = tmp(b, ir.i32, condition(b, cond));
  const ta = tmp(b, wtype(sf), rd(b, sf, rn)), tb = tmp(b, wtype(sf), bv);
  const o = ops(b, sf);
  const res = tmp(b, wtype(sf), op ? o.sub(ta(), tb()) : o.add(ta(), tb()));
  const zero = () => cst(b, sf, 0);
  const n = o.lt_s(res(), zero());
  const z = o.eqz(res());
  const cf = op ? o.ge_u(ta(), tb()) : o.lt_u(res(), ta());
  const v = op
    ? o.lt_s(o.and(o.xor(ta(), tb()), o.xor(ta(), res())), zero())
    : o.lt_s(o.and(o.xor(ta(), res()), o.xor(tb(), res())), zero());
  const pick = (e: Expr, bit: number) => m.select(c(), e, i32c(b, (nzcv >> bit) & 1));
  setNZCV(b, pick(n, 3), pick(z, 2), pick(cf, 1), pick(v, 0));
}

/** High 64 bits of a 64×64 multiply, from 32-bit limbs (Wasm has no 128-bit product). */
export function mulHigh(b: Builder, x: Expr, y: Expr, signed: boolean): Expr {
  const m = b.m, I = ir.i64;
  const a = tmp(b, I, x), c = tmp(b, I, y);
  const lo = (e: Expr) => m.i64.and(e, i64c(b, 0xffffffff));
  const hi = (e: Expr) => m.i64.shr_u(e, i64c(b, 32));
  const al = tmp(b, I, lo(a())), ah = tmp(b, I, hi(a())), cl = tmp(b, I, lo(c())), ch = tmp(b, I, hi(c()));
  const ll = tmp(b, I, m.i64.mul(al(), cl()));
  const lh = tmp(b, I, m.i64.mul(al(), ch()));
  const hl = tmp(b, I, m.i64.mul(ah(), cl()));
  const mid = tmp(b, I, m.i64.add(m.i64.add(hi(ll()), lo(lh())), lo(hl())));
  let h = m.i64.add(m.i64.add(m.i64.mul(ah(), ch()), hi(lh())), m.i64.add(hi(hl()), hi(mid())));
  if (signed) {
    // signed high = unsigned high - (a<0 ? c : 0) - (c<0 ? a : 0)
    h = m.i64.sub(h, m.i64.and(m.i64.shr_s(a(), i64c(b, 63)), c()));
    h = m.i64.sub(h, m.i64.and(m.i64.shr_s(c(), i64c(b, 63)), a()));
  }
  return h;
}

export function bswap32(b: Builder, v: Expr): Expr {
  const m = b.m, t = tmp(b, ir.i32, v);
  return m.i32.or(
    m.i32.rotl(m.i32.and(t(), i32c(b, 0xff00ff00)), i32c(b, 8)),
    m.i32.rotr(m.i32.and(t(), i32c(b, 0x00ff00ff)), i32c(b, 8)),
  );
}

export function bswap64(b: Builder, v: Expr): Expr {
  const m = b.m, t = tmp(b, ir.i64, v);
  const lo = bswap32(b, m.i32.wrap(t())), hi = bswap32(b, m.i32.wrap(m.i64.shr_u(t(), i64c(b, 32))));
  return m.i64.or(m.i64.shl(m.i64.extend_u(lo), i64c(b, 32)), m.i64.extend_u(hi));
}

function rbit(b: Builder, sf: number, v: Expr): Expr {
  const o = ops(b, sf);
  let t = tmp(b, wtype(sf), v);
  const steps: [number, bigint][] = [[1, 0x5555555555555555n], [2, 0x3333333333333333n], [4, 0x0f0f0f0f0f0f0f0fn]];
  for (const [s, mk] of steps) {
    const k = sf ? mk : mk & 0xffffffffn;
    const prev = t;
    t = tmp(b, wtype(sf), o.or(o.and(o.shr_u(prev(), cst(b, sf, s)), cst(b, sf, k)), o.shl(o.and(prev(), cst(b, sf, k)), cst(b, sf, s))));
  }
  return sf ? bswap64(b, t()) : bswap32(b, t());
}
