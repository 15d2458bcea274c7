// Wasm helper functions of FEAT_SM3 and FEAT_SM4 (the Chinese hash and block cipher standards,
// GB/T 32905 and GB/T 32907) as the Arm ARM defines their instructions: SM3SS1, SM3TT1A/1B/2A/2B,
// SM3PARTW1/2, SM4E, SM4EKEY. The rows are in table/crypto.ts. Words are 32-bit lanes of the
// vector registers; the SM4 S-box is looked up a byte at a time with i8x16.swizzle (no memory).
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { add32, choose, type Factory, fromWords, lane32, lookup16, majority, parity, type W32 } from './crypto-ops.ts';
import { Fn, type Var } from './fp-ops.ts';

const I32 = ir.i32, V128 = ir.v128;
type M = ir.Module;

/**
 * The SM4 S-box, computed: A(A(x)⁻¹) with the inverse in GF(2^8) modulo x^8+x^7+x^6+x^5+x^4+x^2+1
 * and the affine map A(x) = x ⊕ rotl(x,1) ⊕ rotl(x,3) ⊕ rotl(x,6) ⊕ rotl(x,7) ⊕ 0xd3.
 */
function sm4SBox(): number[] {
  const mul = (a: number, b: number) => {
    let r = 0;
    for (; b; b >>= 1, a = (a << 1) ^ (a & 0x80 ? 0x1f5 : 0)) if (b & 1) r ^= a;
    return r;
  };
  const rotl = (x: number, k: number) => ((x << k) | (x >> (8 - k))) & 0xff;
  const affine = (x: number) => x ^ rotl(x, 1) ^ rotl(x, 3) ^ rotl(x, 6) ^ rotl(x, 7) ^ 0xd3;
  const inverse = (x: number) => { if (!x) return 0; let y = 1; while (mul(x, y) !== 1) y++; return y; };
  return Array.from({ length: 256 }, (_, x) => affine(inverse(affine(x))));
}
const SM4_SBOX = sm4SBox();

const rol = (m: M, x: Expr, k: number) => m.i32.rotl(x, m.i32.const(k));
/** x ⊕ rol(x, k) for every k: SM3's permutations P0/P1 and SM4's linear transforms */
const mix = (m: M, x: () => Expr, ...ks: number[]) => ks.reduce((acc, k) => m.i32.xor(acc, rol(m, x(), k)), x());

/** the four words of v into fresh locals */
function unpack(fn: Fn, v: Expr, body: Expr[]): Var[] {
  const t = fn.local(V128), w = [0, 1, 2, 3].map(() => fn.local(I32));
  body.push(t.set(v), ...w.map((x, i) => x.set(lane32(fn.m, t.get(), i))));
  return w;
}

/** SM3SS1 (Vn, Vm, Va) → Vd: word 3 = rol(rol(n3, 12) + m3 + a3, 7), the rest zero */
const sm3ss1: Factory = (m, name) => {
  const fn = new Fn(m, [V128, V128, V128]);
  const sum = add32(m, rol(m, lane32(m, fn.p(0), 3), 12), lane32(m, fn.p(1), 3), lane32(m, fn.p(2), 3));
  fn.add(name, V128, [m.i32x4.replace_lane(m.i32x4.splat(m.i32.const(0)), 3 as never, rol(m, sum, 7))]);
};

/** SM3TT1A/1B (boolean function `f`, one = true) and SM3TT2A/2B: (Vd, Vn, Wj) → Vd */
function sm3tt(f: W32, one: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [V128, V128, I32]), body: Expr[] = [], t = fn.local(I32);
    const [d0, d1, d2, d3] = unpack(fn, fn.p(0), body) as [Var, Var, Var, Var];
    const n3 = lane32(m, fn.p(1), 3);
    body.push(t.set(add32(m, f(m, d3.get, d2.get, d1.get), d0.get(), fn.p(2), one ? m.i32.xor(n3, rol(m, d3.get(), 12)) : n3)));
    if (!one) body.push(t.set(mix(m, t.get, 9, 17)));
    // the state moves down a word: d0 ← d1, d1 ← rol(d2, 9 or 19), d2 ← d3, d3 ← TT
    fn.add(name, V128, [...body, d2.set(rol(m, d2.get(), one ? 9 : 19)), fromWords(m, [d1, d2, d3, t])]);
  };
}

/** SM3PARTW1 (Vd, Vn, Vm) → Vd: word i = P1(d_i ⊕ n_i ⊕ rol(m_{i+1}, 15)), word 3 taking the new word 0 */
const sm3partw1: Factory = (m, name) => {
  const fn = new Fn(m, [V128, V128, V128]), body: Expr[] = [];
  const x = unpack(fn, m.v128.xor(fn.p(0), fn.p(1)), body), y = unpack(fn, fn.p(2), body);
  const p1 = (w: Var) => w.set(mix(m, w.get, 15, 23));
  for (let i = 0; i < 3; i++) body.push(x[i]!.set(m.i32.xor(x[i]!.get(), rol(m, y[i + 1]!.get(), 15))), p1(x[i]!));
  body.push(x[3]!.set(m.i32.xor(x[3]!.get(), rol(m, x[0]!.get(), 15))), p1(x[3]!));
  fn.add(name, V128, [...body, fromWords(m, x)]);
};

/** SM3PARTW2 (Vd, Vn, Vm) → Vd: Vd ⊕ t with t_i = n_i ⊕ rol(m_i, 7); word 3 also ⊕ P1(rol(t_0, 15)) */
const sm3partw2: Factory = (m, name) => {
  const fn = new Fn(m, [V128, V128, V128]), body: Expr[] = [], t0 = fn.local(I32), u = fn.local(I32);
  const t = m.v128.xor(fn.p(1), m.v128.or(m.i32x4.shl(fn.p(2), m.i32.const(7)), m.i32x4.shr_u(fn.p(2), m.i32.const(25))));
  const x = unpack(fn, m.v128.xor(fn.p(0), t), body);
  body.push(t0.set(m.i32.xor(lane32(m, fn.p(1), 0), rol(m, lane32(m, fn.p(2), 0), 7))), u.set(rol(m, t0.get(), 15)));
  body.push(x[3]!.set(m.i32.xor(x[3]!.get(), mix(m, u.get, 15, 23))));
  fn.add(name, V128, [...body, fromWords(m, x)]);
};

/** SM4E (Vd, Vn) and SM4EKEY (Vn, Vm): four rounds on the state (first operand) with the round keys or constants (second) */
function sm4(key: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [V128, V128]), body: Expr[] = [], x = fn.local(I32), idx = fn.local(V128);
    let s = unpack(fn, fn.p(0), body);
    for (let r = 0; r < 4; r++) {
      body.push(
        idx.set(m.i32x4.splat(m.i32.xor(m.i32.xor(s[3]!.get(), s[2]!.get()), m.i32.xor(s[1]!.get(), lane32(m, fn.p(1), r))))),
        x.set(lane32(m, lookup16(m, SM4_SBOX, idx), 0)),
        s[0]!.set(m.i32.xor(s[0]!.get(), key ? mix(m, x.get, 13, 23) : mix(m, x.get, 2, 10, 18, 24))),
      );
      s = [s[1]!, s[2]!, s[3]!, s[0]!]; // the new word goes on top
    }
    fn.add(name, V128, [...body, fromWords(m, s)]);
  };
}

export const smHelpers: Record<string, Factory> = {
  sm3_ss1: sm3ss1, sm3_tt1a: sm3tt(parity, true), sm3_tt1b: sm3tt(majority, true), sm3_tt2a: sm3tt(parity, false), sm3_tt2b: sm3tt(choose, false),
  sm3_partw1: sm3partw1, sm3_partw2: sm3partw2, sm4_e: sm4(false), sm4_ekey: sm4(true),
};
