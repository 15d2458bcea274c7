// Wasm helper functions of the cryptographic extensions (FEAT_AES, FEAT_PMULL, FEAT_SHA1,
// FEAT_SHA256, FEAT_SHA512; SM3 and SM4 are in sm-ops.ts): the per-round work that is too long
// to inline at every use. The instructions' rows are in table/crypto.ts; the short SHA schedule updates and the SHA3
// group are inlined there.
//
// AES works on the 16-byte state in the FIPS-197 order the Arm ARM uses (byte 4c+r is row r of
// column c). SubBytes is constant-time with no memory: sixteen i8x16.swizzle lookups of 16-byte
// slices of the S-box (an index outside its slice gives 0, so the slices OR together), which
// V8 lowers to pshufb/tbl. The S-boxes are computed here from GF(2^8) inversion and the affine
// map, not copied.
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { Fn, type Var } from './fp-ops.ts';

const I32 = ir.i32, I64 = ir.i64, V128 = ir.v128;
type M = ir.Module;
export type Factory = (m: M, name: string) => void;

// ---------------------------------------------------------------------------------------------
// AES tables (computed)

/** multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 */
function gmul(a: number, b: number): number {
  let r = 0;
  for (; b; b >>= 1, a = (a << 1) ^ (a & 0x80 ? 0x11b : 0)) if (b & 1) r ^= a;
  return r;
}
const rotl8 = (x: number, n: number) => ((x << n) | (x >> (8 - n))) & 0xff;

function aesSBoxes(): { fwd: number[]; inv: number[] } {
  const fwd = new Array<number>(256), inv = new Array<number>(256);
  for (let x = 0; x < 256; x++) {
    let y = 0; // multiplicative inverse (0 ↦ 0)
    if (x) for (y = 1; gmul(x, y) !== 1; y++);
    const s = y ^ rotl8(y, 1) ^ rotl8(y, 2) ^ rotl8(y, 3) ^ rotl8(y, 4) ^ 0x63;
    fwd[x] = s;
    inv[s] = x;
  }
  return { fwd, inv };
}
const SBOX = aesSBoxes();

// ---------------------------------------------------------------------------------------------
// v128 building blocks

const vc = (m: M, bytes: number[]) => m.v128.const(bytes.map((x) => x & 0xff));
const splat8 = (m: M, x: number) => vc(m, new Array(16).fill(x));

/** table[v[i]] for every byte (see the header) */
export function lookup16(m: M, table: number[], idx: Var): Expr {
  let acc = m.i8x16.swizzle(vc(m, table.slice(0, 16)), idx.get());
  for (let k = 1; k < 16; k++) {
    acc = m.v128.or(acc, m.i8x16.swizzle(vc(m, table.slice(16 * k, 16 * k + 16)), m.i8x16.sub(idx.get(), splat8(m, 16 * k))));
  }
  return acc;
}

/** ShiftRows (dir 1) or InvShiftRows (dir -1): row r of column c comes from column c ± r */
function shiftRows(m: M, v: Expr, dir: 1 | -1): Expr {
  const sel: number[] = [];
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) sel.push(r + 4 * ((c + dir * r + 4) & 3));
  return m.i8x16.shuffle(v, splat8(m, 0), sel);
}

/** every byte of every column moved up by k rows: out[r] = in[(r + k) mod 4] */
function rotRows(m: M, v: Expr, k: number): Expr {
  const sel: number[] = [];
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) sel.push(4 * c + ((r + k) & 3));
  return m.i8x16.shuffle(v, splat8(m, 0), sel);
}

/** multiplication of every byte by x in GF(2^8) */
const xtime = (m: M, v: () => Expr) =>
  m.v128.xor(m.i8x16.shl(v(), m.i32.const(1)), m.v128.and(m.i8x16.shr_s(v(), m.i32.const(7)), splat8(m, 0x1b)));

/** MixColumns of the state in `a`: out[r] = 2a[r] ⊕ 3a[r+1] ⊕ a[r+2] ⊕ a[r+3] */
function mixColumns(fn: Fn, a: Var): Expr[] {
  const m = fn.m, t = fn.local(V128);
  return [
    t.set(m.v128.xor(a.get(), rotRows(m, a.get(), 1))),
    m.v128.xor(m.v128.xor(xtime(m, t.get), rotRows(m, a.get(), 1)), m.v128.xor(rotRows(m, a.get(), 2), rotRows(m, a.get(), 3))),
  ];
}

function aesRound(inverse: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [V128, V128]), s = fn.local(V128);
    fn.add(name, V128, [
      s.set(shiftRows(m, m.v128.xor(fn.p(0), fn.p(1)), inverse ? -1 : 1)),
      lookup16(m, inverse ? SBOX.inv : SBOX.fwd, s),
    ]);
  };
}

const aesMix: Factory = (m, name) => {
  const fn = new Fn(m, [V128]), a = fn.local(V128);
  fn.add(name, V128, [a.set(fn.p(0)), ...mixColumns(fn, a)]);
};

/** InvMixColumns = MixColumns after a ← a ⊕ 4(a ⊕ a[r+2]) (the matrix factors that way) */
const aesInvMix: Factory = (m, name) => {
  const fn = new Fn(m, [V128]), a = fn.local(V128), t = fn.local(V128);
  fn.add(name, V128, [
    a.set(fn.p(0)),
    t.set(m.v128.xor(a.get(), rotRows(m, a.get(), 2))),
    t.set(xtime(m, t.get)),
    a.set(m.v128.xor(a.get(), xtime(m, t.get))),
    ...mixColumns(fn, a),
  ]);
};

// ---------------------------------------------------------------------------------------------
// SHA-1 and SHA-256 rounds: four rounds on 32-bit words held in locals. The Arm ARM rotates the
// whole Y:X state by one word per round; here the locals are renamed instead of moved.

export type G = () => Expr;
export type W32 = (m: M, x: G, y: G, z: G) => Expr;
export const choose: W32 = (m, x, y, z) => m.i32.xor(m.i32.and(m.i32.xor(y(), z()), x()), z());
export const parity: W32 = (m, x, y, z) => m.i32.xor(m.i32.xor(x(), y()), z());
export const majority: W32 = (m, x, y, z) => m.i32.or(m.i32.and(x(), y()), m.i32.and(m.i32.or(x(), y()), z()));

export const lane32 = (m: M, v: Expr, i: number) => m.i32x4.extract_lane(v, i as never);
export const fromWords = (m: M, w: Var[]): Expr =>
  w.reduce((acc, x, i) => m.i32x4.replace_lane(acc, i as never, x.get()), m.i32x4.splat(m.i32.const(0)));
export const add32 = (m: M, ...xs: Expr[]) => xs.reduce((a, c) => m.i32.add(a, c));
const rors = (m: M, x: () => Expr, ...n: number[]) => n.map((k) => m.i32.rotr(x(), m.i32.const(k))).reduce((a, c) => m.i32.xor(a, c));

/** SHA1C / SHA1P / SHA1M Qd, Sn, Vm.4S: (X: v128, Y: i32, W: v128) → X */
function sha1(f: W32): Factory {
  return (m, name) => {
    const fn = new Fn(m, [V128, I32, V128]);
    let x = [0, 1, 2, 3].map(() => fn.local(I32)), y = fn.local(I32);
    const body: Expr[] = [...x.map((v, i) => v.set(lane32(m, fn.p(0), i))), y.set(fn.p(1))];
    for (let e = 0; e < 4; e++) {
      body.push(
        y.set(add32(m, y.get(), m.i32.rotl(x[0]!.get(), m.i32.const(5)), f(m, x[1]!.get, x[2]!.get, x[3]!.get), lane32(m, fn.p(2), e))),
        x[1]!.set(m.i32.rotl(x[1]!.get(), m.i32.const(30))),
      );
      [x, y] = [[y, x[0]!, x[1]!, x[2]!], x[3]!];
    }
    fn.add(name, V128, [...body, fromWords(m, x)]);
  };
}

/** SHA256H (part 1: returns X) / SHA256H2 (returns Y): (X, Y, W) → v128 */
function sha256(part1: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [V128, V128, V128]), t = fn.local(I32);
    let x = [0, 1, 2, 3].map(() => fn.local(I32)), y = [0, 1, 2, 3].map(() => fn.local(I32));
    const body: Expr[] = [...x.map((v, i) => v.set(lane32(m, fn.p(0), i))), ...y.map((v, i) => v.set(lane32(m, fn.p(1), i)))];
    for (let e = 0; e < 4; e++) {
      const [x0, x1, x2, x3] = x as [Var, Var, Var, Var], [y0, y1, y2, y3] = y as [Var, Var, Var, Var];
      body.push(
        t.set(add32(m, y3.get(), rors(m, y0.get, 6, 11, 25), choose(m, y0.get, y1.get, y2.get), lane32(m, fn.p(2), e))),
        x3.set(m.i32.add(t.get(), x3.get())),
        y3.set(add32(m, t.get(), rors(m, x0.get, 2, 13, 22), majority(m, x0.get, x1.get, x2.get))),
      );
      [x, y] = [[y3, x0, x1, x2], [x3, y0, y1, y2]];
    }
    fn.add(name, V128, [...body, fromWords(m, part1 ? x : y)]);
  };
}

// ---------------------------------------------------------------------------------------------
// SHA-512 rounds (two per instruction, on 64-bit words)

const lane64 = (m: M, v: Expr, i: number) => m.i64x2.extract_lane(v, i as never);
const ror64s = (m: M, x: () => Expr, ...n: number[]) => n.map((k) => m.i64.rotr(x(), m.i64.const(BigInt(k)))).reduce((a, c) => m.i64.xor(a, c));
const add64 = (m: M, ...xs: Expr[]) => xs.reduce((a, c) => m.i64.add(a, c));
const pair64 = (m: M, lo: Expr, hi: Expr) => m.i64x2.replace_lane(m.i64x2.splat(lo), 1 as never, hi);

/** SHA512H Qd, Qn, Vm.2D: (W = Vd, X = Vn, Y = Vm) → v128 */
const sha512h: Factory = (m, name) => {
  const fn = new Fn(m, [V128, V128, V128]), i = m.i64;
  const [x0, x1, y0, y1, hi, t] = [0, 1, 2, 3, 4, 5].map(() => fn.local(I64)) as [Var, Var, Var, Var, Var, Var];
  const W = (k: number) => lane64(m, fn.p(0), k);
  const ch = (e: () => Expr, f: Expr, g: Expr) => i.xor(i.and(e(), f), i.and(i.xor(e(), i.const(-1n)), g));
  fn.add(name, V128, [
    x0.set(lane64(m, fn.p(1), 0)), x1.set(lane64(m, fn.p(1), 1)), y0.set(lane64(m, fn.p(2), 0)), y1.set(lane64(m, fn.p(2), 1)),
    hi.set(add64(m, ch(y1.get, x0.get(), x1.get()), ror64s(m, y1.get, 14, 18, 41), W(1))),
    t.set(i.add(hi.get(), y0.get())),
    pair64(m, add64(m, ch(t.get, y1.get(), x0.get()), ror64s(m, t.get, 14, 18, 41), W(0)), hi.get()),
  ]);
};

/** SHA512H2 Qd, Qn, Vm.2D: (W = Vd, X = Vn, Y = Vm) → v128 */
const sha512h2: Factory = (m, name) => {
  const fn = new Fn(m, [V128, V128, V128]), i = m.i64;
  const [x0, y0, y1, hi] = [0, 1, 2, 3].map(() => fn.local(I64)) as [Var, Var, Var, Var];
  const W = (k: number) => lane64(m, fn.p(0), k);
  const maj = (a: () => Expr) => i.xor(i.xor(i.and(a(), y1.get()), i.and(a(), y0.get())), i.and(y1.get(), y0.get()));
  fn.add(name, V128, [
    x0.set(lane64(m, fn.p(1), 0)), y0.set(lane64(m, fn.p(2), 0)), y1.set(lane64(m, fn.p(2), 1)),
    hi.set(add64(m, maj(x0.get), ror64s(m, y0.get, 28, 34, 39), W(1))),
    pair64(m, add64(m, maj(hi.get), ror64s(m, hi.get, 28, 34, 39), W(0)), hi.get()),
  ]);
};

// ---------------------------------------------------------------------------------------------
// PMULL Vd.1Q: 64 × 64 → 128-bit carry-less multiply, without a clmul instruction in Wasm.
// 32 × 32 → 64 by integer multiplies of operands with holes: each keeps every fourth bit, so a
// column of a product sums at most 8 one-bits and no carry leaves its 4-bit slot; the wanted
// bits of the four partial products are then masked out (16 i64.mul). 64 × 64 by Karatsuba.

const holes = [0x1111111111111111n, 0x2222222222222222n, 0x4444444444444444n, 0x8888888888888888n];

/** carry-less 32 × 32 → 64 of two zero-extended i64 values */
function clmul32(fn: Fn, a: Expr, b: Expr, out: Var): Expr[] {
  const m = fn.m, i = m.i64, c = (v: bigint) => i.const(BigInt.asIntN(64, v));
  const x = holes.map(() => fn.local(I64)), y = holes.map(() => fn.local(I64)), av = fn.local(I64), bv = fn.local(I64);
  const body: Expr[] = [av.set(a), bv.set(b)];
  holes.forEach((h, k) => body.push(x[k]!.set(i.and(av.get(), c(h))), y[k]!.set(i.and(bv.get(), c(h)))));
  let r: Expr | undefined;
  for (let k = 0; k < 4; k++) {
    let z: Expr | undefined;
    for (let j = 0; j < 4; j++) {
      const p = i.mul(x[j]!.get(), y[(k - j + 4) & 3]!.get());
      z = z ? i.xor(z, p) : p;
    }
    const part = i.and(z!, c(holes[k]!));
    r = r ? i.or(r, part) : part;
  }
  body.push(out.set(r!));
  return body;
}

const clmul64: Factory = (m, name) => {
  const fn = new Fn(m, [I64, I64]), i = m.i64, k32 = i.const(32n), low = i.const(0xffffffffn);
  const lo = fn.local(I64), hi = fn.local(I64), mid = fn.local(I64);
  const a = () => fn.p(0), b = () => fn.p(1);
  fn.add(name, V128, [
    ...clmul32(fn, i.and(a(), low), i.and(b(), low), lo),
    ...clmul32(fn, i.shr_u(a(), k32), i.shr_u(b(), k32), hi),
    ...clmul32(fn, i.and(i.xor(a(), i.shr_u(a(), k32)), low), i.and(i.xor(b(), i.shr_u(b(), k32)), low), mid),
    mid.set(i.xor(mid.get(), i.xor(lo.get(), hi.get()))),
    pair64(m, i.xor(lo.get(), i.shl(mid.get(), k32)), i.xor(hi.get(), i.shr_u(mid.get(), k32))),
  ]);
};

export const cryptoHelpers: Record<string, Factory> = {
  aes_e: aesRound(false), aes_d: aesRound(true), aes_mc: aesMix, aes_imc: aesInvMix,
  sha1_c: sha1(choose), sha1_p: sha1(parity), sha1_m: sha1(majority),
  sha256_h: sha256(true), sha256_h2: sha256(false),
  sha512_h: sha512h, sha512_h2: sha512h2,
  clmul64,
};
