// A64 scalar FP under a guest-written FPCR/FPSR (STATE.fpStrict = 1): rounding modes, FZ, DN and
// the cumulative FPSR flags. Hand-checked cases always run; with the cross toolchain and
// qemu-aarch64 installed, every template runs over random and edge inputs under every rounding
// mode (and some with FZ / DN) both under qemu and in a Wasm harness, which must agree on
// v0..v3, x0..x3, NZCV and FPSR bit for bit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInsn, type State } from '../helpers/a64-lift.ts';
import { rng } from '../helpers/rng.ts';

const SLOW = { timeout: 600_000 };

// ---------------------------------------------------------------------------------------------
const IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;
const RN = 0, RP = 1 << 22, RM = 2 << 22, RZ = 3 << 22, FZ = 1 << 24, DN = 1 << 25;
const d = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const s32 = (x: number) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);
const W = {
  fdiv_d: 0x1e621820, fmul_d: 0x1e620820, fadd_d: 0x1e622820, fsub_d: 0x1e623820, fsqrt_d: 0x1e61c020, fcvt_sd: 0x1e624020,
  frintx_d: 0x1e674020, frinti_d: 0x1e67c020, fcvtzs_wd: 0x1e780020, fmadd_d: 0x1f420c20, scvtf_dx: 0x9e620020,
  fcmpe_d: 0x1e622030, fcmp_d: 0x1e622020, fmax_d: 0x1e624820, fadd_s: 0x1e222820,
};

function run1(word: number, fpcr: number, v1: bigint, v2 = 0n, v3 = 0n, x1 = 0n, strict = true) {
  const r = runInsn(word, { x: [0n, x1, 0n, 0n], v: [0n, v1, v2, v3], nzcv: 0, fpcr, fpsr: 0, strict });
  return { v0: r.v[0]!, x0: r.x[0]!, nzcv: r.nzcv, fpsr: r.fpsr };
}
const hex = (x: bigint, w = 16) => '0x' + x.toString(16).padStart(w, '0');

describe('A64 scalar FP with FPCR/FPSR (hand-checked)', () => {
  it('rounds in every FPCR mode and flags inexact', () => {
    const cases: [number, number, bigint, bigint][] = [
      [W.fdiv_d, RN, 0x3fd5555555555555n, 0xbfd5555555555555n], [W.fdiv_d, RP, 0x3fd5555555555556n, 0xbfd5555555555555n],
      [W.fdiv_d, RM, 0x3fd5555555555555n, 0xbfd5555555555556n], [W.fdiv_d, RZ, 0x3fd5555555555555n, 0xbfd5555555555555n],
    ];
    for (const [w, mode, pos, neg] of cases) {
      expect(hex(run1(w, mode, d(1), d(3)).v0)).toBe(hex(pos));
      expect(hex(run1(w, mode, d(-1), d(3)).v0)).toBe(hex(neg));
      expect(run1(w, mode, d(1), d(3)).fpsr).toBe(IXC);
    }
    expect(hex(run1(W.fsqrt_d, RN, d(2)).v0)).toBe('0x3ff6a09e667f3bcd');
    expect(hex(run1(W.fsqrt_d, RZ, d(2)).v0)).toBe('0x3ff6a09e667f3bcc');
    expect(hex(run1(W.fadd_d, RP, d(1), d(2 ** -60)).v0)).toBe('0x3ff0000000000001');
    expect(hex(run1(W.fcvt_sd, RM, d(0.1)).v0)).toBe(hex(0x3dccccccn));
    expect(hex(run1(W.fcvt_sd, RP, d(-0.1)).v0)).toBe(hex(0xbdccccccn));
    expect(run1(W.frintx_d, RP, d(2.5))).toMatchObject({ v0: d(3), fpsr: IXC });
    expect(run1(W.frinti_d, RM, d(-2.5))).toMatchObject({ v0: d(-3), fpsr: 0 });
    expect(run1(W.scvtf_dx, RZ, 0n, 0n, 0n, (1n << 53n) + 1n)).toMatchObject({ v0: d(2 ** 53), fpsr: IXC });
    expect(run1(W.fadd_s, RP, s32(1), s32(2 ** -30))).toMatchObject({ v0: 0x3f800001n, fpsr: IXC });
  });
  it('overflow, underflow, divide by zero, invalid', () => {
    expect(run1(W.fmul_d, RN, d(1e308), d(10))).toMatchObject({ v0: d(Infinity), fpsr: OFC | IXC });
    expect(run1(W.fmul_d, RZ, d(1e308), d(10))).toMatchObject({ v0: 0x7fefffffffffffffn, fpsr: OFC | IXC });
    expect(run1(W.fmul_d, RM, d(-1e308), d(10))).toMatchObject({ v0: d(-Infinity), fpsr: OFC | IXC });
    expect(run1(W.fdiv_d, RN, d(2.2250738585072014e-308), d(3)).fpsr).toBe(UFC | IXC);
    expect(run1(W.fdiv_d, RN, d(1), d(0))).toMatchObject({ v0: d(Infinity), fpsr: DZC });
    expect(run1(W.fdiv_d, RN, d(0), d(0))).toMatchObject({ v0: 0x7ff8000000000000n, fpsr: IOC });
    expect(run1(W.fsqrt_d, RN, d(-1))).toMatchObject({ v0: 0x7ff8000000000000n, fpsr: IOC });
    expect(run1(W.fadd_d, RN, d(1), d(2)).fpsr).toBe(0);
    expect(run1(W.fcvtzs_wd, RN, d(1e10))).toMatchObject({ x0: 0x7fffffffn, fpsr: IOC });
    expect(run1(W.fcvtzs_wd, RN, d(-2.5))).toMatchObject({ x0: 0xfffffffen, fpsr: IXC });
    expect(run1(W.fcmp_d, RN, 0x7ff0000000000001n, d(1)).fpsr).toBe(IOC);
    expect(run1(W.fcmp_d, RN, 0x7ff8000000000000n, d(1))).toMatchObject({ nzcv: 3, fpsr: 0 });
    expect(run1(W.fcmpe_d, RN, 0x7ff8000000000000n, d(1))).toMatchObject({ nzcv: 3, fpsr: IOC });
    expect(run1(W.fmax_d, RN, 0x7ff0000000000001n, d(1))).toMatchObject({ v0: 0x7ff8000000000001n, fpsr: IOC });
    expect(run1(W.fmadd_d, RN, d(Infinity), d(0), 0x7ff8000000000000n)).toMatchObject({ v0: 0x7ff8000000000000n, fpsr: IOC });
  });
  it('signed zeros, FZ and DN', () => {
    expect(run1(W.fsub_d, RM, d(1.5), d(1.5))).toMatchObject({ v0: d(-0), fpsr: 0 });
    expect(run1(W.fsub_d, RN, d(1.5), d(1.5)).v0).toBe(0n);
    expect(run1(W.fadd_d, RM, d(0), d(0)).v0).toBe(0n);
    expect(run1(W.fmadd_d, RM, d(2), d(3), d(-6)).v0).toBe(d(-0));
    expect(run1(W.fadd_d, RN | FZ, 1n, d(1))).toMatchObject({ v0: d(1), fpsr: IDC });
    expect(run1(W.fmul_d, RN | FZ, d(2 ** -1000), d(2 ** -30))).toMatchObject({ v0: 0n, fpsr: UFC });
    expect(run1(W.fadd_d, RN | DN, 0x7ff8000000000123n, d(1))).toMatchObject({ v0: 0x7ff8000000000000n, fpsr: 0 });
  });
  it('keeps the fast path (round to nearest, no flags) until the guest writes FPCR/FPSR', () => {
    expect(run1(W.fdiv_d, RP, d(1), d(3), 0n, 0n, false)).toMatchObject({ v0: 0x3fd5555555555555n, fpsr: 0 });
    expect(run1(W.fdiv_d, RN, d(1), d(0), 0n, 0n, false).fpsr).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Inputs

interface Fmt { p: number; ebits: number; bias: number; width: number }
const D: Fmt = { p: 53, ebits: 11, bias: 1023, width: 64 };
const S: Fmt = { p: 24, ebits: 8, bias: 127, width: 32 };

// deterministic random numbers (FP_SEED replays another sequence)
const { rnd64, rndInt } = rng(0x5eed1234);
const pick = <T>(a: T[]): T => a[rndInt(a.length)]!;

/** a float with a random mantissa (sometimes short, to hit ties and exact cases) and an exponent field in [lo, hi] */
function rndFloat(f: Fmt, lo: number, hi: number, neg = rndInt(2) === 1): bigint {
  lo = Math.max(0, Math.min(lo, 2 ** f.ebits - 2)); hi = Math.max(0, Math.min(hi, 2 ** f.ebits - 2));
  if (hi < lo) [lo, hi] = [hi, lo];
  const field = BigInt(lo + rndInt(hi - lo + 1));
  let frac = rnd64() & ((1n << BigInt(f.p - 1)) - 1n);
  if (rndInt(3) === 0) frac &= ~((1n << BigInt(rndInt(f.p - 1))) - 1n);
  if (rndInt(8) === 0) frac = rndInt(2) ? (1n << BigInt(f.p - 1)) - 1n - BigInt(rndInt(3)) : BigInt(rndInt(3));
  return (neg ? 1n << BigInt(f.width - 1) : 0n) | (field << BigInt(f.p - 1)) | frac;
}

function specials(f: Fmt): bigint[] {
  const sign = 1n << BigInt(f.width - 1), inf = ((1n << BigInt(f.ebits)) - 1n) << BigInt(f.p - 1), one = BigInt(f.bias) << BigInt(f.p - 1);
  const minN = 1n << BigInt(f.p - 1), q = 1n << BigInt(f.p - 2);
  const out = [0n, sign, inf, inf | sign, inf | q, inf | q | sign | 5n, inf | 1n, inf | 3n | sign, 1n, minN - 1n, minN, minN | sign, minN + 1n,
    inf - 1n, (inf - 1n) | sign, one, one | sign, one + 1n, one - 1n, one + (1n << BigInt(f.p - 2)), (one + (2n << BigInt(f.p - 1))) | 3n];
  return out;
}

/** operands chosen to stress the rounding of op near the ends of the range */
function edgePair(f: Fmt, op: string): [bigint, bigint] {
  const emax = 2 ** f.ebits - 2, mid = f.bias, half = (f.bias / 2) | 0;
  switch (rndInt(7)) {
    case 0: return [rndFloat(f, mid - 20, mid + 20), rndFloat(f, mid - 20, mid + 20)];
    case 1: return [rndFloat(f, 0, emax), rndFloat(f, 0, emax)];
    case 2: // near overflow
      if (rndInt(2)) return overflowWindow(f, op);
      if (op === 'mul' || op === 'nmul') return [rndFloat(f, mid + half - 2, mid + half + 2), rndFloat(f, mid + half - 2, mid + half + 2)];
      if (op === 'div') return [rndFloat(f, emax - 3, emax), rndFloat(f, mid - 3, mid + 1)];
      { const n = rndInt(2) === 1; return [rndFloat(f, emax - 1, emax, n), rndFloat(f, emax - f.p - 2, emax, n)]; }
    case 3: // near underflow / subnormal results
      if (op === 'mul' || op === 'nmul') return [rndFloat(f, mid - half - 2, mid - half + 2), rndFloat(f, mid - half - f.p - 2, mid - half + 2)];
      if (op === 'div') return [rndFloat(f, 0, f.p + 2), rndFloat(f, mid - 2, mid + f.p)];
      return [rndFloat(f, 0, 2), rndFloat(f, 0, 2)];
    case 4: { // cancellation / exact results
      const a = rndFloat(f, mid - 5, mid + 5);
      return [a, (a ^ (rndInt(2) ? 1n << BigInt(f.width - 1) : 0n)) + BigInt(rndInt(5)) - 2n];
    }
    case 5: return [rndFloat(f, mid + 60, mid + 70), rndFloat(f, mid - 70, mid - 60)];
    default: return [pick(specials(f)), rndFloat(f, 0, emax)];
  }
}

/**
 * operands whose exact sum or product lies just beyond the largest finite number: in
 * [max + ulp/2, 2^(emax+1)) (rounds to ∞ to nearest, but not when rounding towards zero), or
 * (one exponent up) beyond 2^(emax+1)
 */
function overflowWindow(f: Fmt, op: string): [bigint, bigint] {
  const P = BigInt(f.p), emax = 2 ** f.ebits - 2, top = 1n << P, neg = rndInt(2) === 1;
  const enc = (N: bigint, field: number, n = neg) => (n ? 1n << BigInt(f.width - 1) : 0n) | (BigInt(field) << (P - 1n)) | (N - (top >> 1n));
  const up = rndInt(4) === 0 ? 1 : 0;
  if (op === 'mul' || op === 'nmul') { // X·Y in [2^(2p-1) - 2^(p-2), 2^(2p-1)), p-bit X and Y: Y = ⌊(2^(2p-1) - 1) / X⌋
    for (;;) {
      const X = (top >> 1n) | (rnd64() & ((top >> 1n) - 1n)), Y = (top * (top >> 1n) - 1n) / X;
      if (Y >= top || X * Y < top * (top >> 1n) - (top >> 2n)) continue;
      const fx = emax - ((f.bias - 1) >> 1) + rndInt(3) - 1; // the exponent fields add up to emax + bias (+ up)
      return [enc(X, fx), enc(Y, emax + f.bias + up - fx, neg !== (rndInt(2) === 1))];
    }
  }
  // max + b with b in [ulp/2, ulp) (or [ulp, 2ulp))
  return [enc(top - 1n, emax), enc((top >> 1n) | (rnd64() & ((top >> 1n) - 1n)), emax - f.p + up)];
}

/** an addend that (nearly) cancels RN(a·b), leaving about its rounding error */
function cancelling(f: Fmt, a: bigint, b: bigint): bigint {
  const sign = 1n << BigInt(f.width - 1);
  let p: bigint;
  if (f === D) {
    const v = new Float64Array([0, 0]), u = new BigUint64Array(v.buffer);
    u[0] = a; u[1] = b;
    p = d(v[0]! * v[1]!);
  } else {
    const v = new Float32Array([0, 0]), u = new Uint32Array(v.buffer);
    u[0] = Number(a); u[1] = Number(b);
    p = s32(v[0]! * v[1]!); // exact in double, then rounded once
  }
  return BigInt.asUintN(f.width, (p ^ sign) + BigInt(rndInt(5)) - 2n);
}

const BOUNDARY = [0.5, -0.5, 1.5, 2.5, -2.5, -3.5, 0.49999999999999994, -0.75, 2 ** 31, 2 ** 31 - 0.5, -(2 ** 31), -(2 ** 31) - 1,
  -(2 ** 31) - 0.5, 2 ** 32, 2 ** 32 - 0.5, 4294967295.5, 2 ** 63, 2 ** 64, -(2 ** 63), -(2 ** 63) - 4096, 2 ** 53 + 2, 1e300, -1e-300,
  Math.PI, -7.75, 1e10, 3.4028235677973366e38, 3.4028235e38, 1.1754943508222875e-38, 1.1754942e-38, 1.401298464324817e-45, 7e-46,
  65504, 65519.99, 65520, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 6.1e-5, 2 ** -14 - 2 ** -26];

function pool(f: Fmt, extra: number): bigint[] {
  const out = [...specials(f), ...BOUNDARY.map((x) => (f === D ? d(x) : s32(x)))];
  for (let k = 0; k < extra; k++) out.push(rndInt(3) ? rndFloat(f, f.bias - 40, f.bias + 70) : rndFloat(f, 0, 2 ** f.ebits - 2));
  return out;
}

function ints(): bigint[][] {
  const out = [0n, 1n, -1n, 3n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 24n + 1n,
    0x7fffffbfn, 0x7fffffc0n, 0xffffff7fn, 0xfff0n, 65520n, 65519n, 65505n, 2n ** 64n - 1n, 2n ** 64n - 1025n, 2n ** 54n + 3n, -(2n ** 54n) - 3n]
    .map((x) => [BigInt.asUintN(64, x)]);
  for (let k = 0; k < 30; k++) out.push([rnd64() >> BigInt(rndInt(64))]);
  return out;
}

interface Template { asm: string; inputs: () => bigint[][]; noFZ?: boolean }

function templates(): Template[] {
  const T: Template[] = [];
  for (const [r, f] of [['s', S], ['d', D]] as const) {
    const p = pool(f, 10), small = p.filter((_, k) => k % 2 === 0);
    const pairs = (op: string) => [...small.flatMap((a) => small.map((b) => [a, b])), ...Array.from({ length: 400 }, () => edgePair(f, op))];
    for (const op of ['add', 'sub', 'mul', 'div', 'nmul', 'max', 'min', 'maxnm', 'minnm']) T.push({ asm: `f${op} ${r}0, ${r}1, ${r}2`, inputs: () => pairs(op) });
    const singles = () => [...p, ...Array.from({ length: 150 }, () => rndFloat(f, 0, 2 ** f.ebits - 2))].map((x) => [x]);
    for (const op of ['fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti']) T.push({ asm: `${op} ${r}0, ${r}1`, inputs: singles });
    for (const op of ['fmadd', 'fmsub', 'fnmadd', 'fnmsub']) {
      T.push({ asm: `${op} ${r}0, ${r}1, ${r}2, ${r}3`, inputs: () => Array.from({ length: 800 }, () => {
        const [a, b] = edgePair(f, 'mul');
        switch (rndInt(4)) {
          case 0: return [a, b, a ^ (1n << BigInt(f.width - 1))];
          case 1: return [a, b, cancelling(f, a, b)];
          default: return [a, b, rndInt(3) ? rndFloat(f, 0, 2 ** f.ebits - 2) : pick(p)];
        }
      }) });
    }
    T.push({ asm: `fcmp ${r}1, ${r}2`, inputs: () => pairs('cmp').slice(0, 300) }, { asm: `fcmpe ${r}1, ${r}2`, inputs: () => pairs('cmp').slice(0, 300) });
    T.push({ asm: `fcmpe ${r}1, #0.0`, inputs: singles }, { asm: `fccmpe ${r}1, ${r}2, #10, eq`, inputs: () => pairs('cmp').slice(0, 300) });
    for (const w of ['w', 'x']) {
      for (const m of ['n', 'p', 'm', 'z', 'a']) for (const u of ['s', 'u']) T.push({ asm: `fcvt${m}${u} ${w}0, ${r}1`, inputs: singles });
      T.push({ asm: `fcvtzs ${w}0, ${r}1, #7`, inputs: singles }, { asm: `fcvtzu ${w}0, ${r}1, #32`, inputs: singles });
      for (const u of ['s', 'u']) T.push({ asm: `${u}cvtf ${r}0, ${w}1`, inputs: ints }, { asm: `${u}cvtf ${r}0, ${w}1, #9`, inputs: ints });
      T.push({ asm: `scvtf h0, ${w}1`, inputs: ints }, { asm: `ucvtf h0, ${w}1`, inputs: ints });
    }
    T.push({ asm: `fcvt h0, ${r}1`, inputs: () => [...singles(), ...Array.from({ length: 300 }, () => [rndFloat(f, f.bias - 26, f.bias + 17)])] });
  }
  const hs = [0n, 0x8000n, 0x7c00n, 0x7e00n, 0x7d01n, 0xfc01n, 0x3c00n, 0x0001n, 0x03ffn].map((x) => [x]);
  T.push({ asm: 'fcvt s0, h1', inputs: () => hs }, { asm: 'fcvt d0, h1', inputs: () => hs });
  const hi = () => [...hs, ...[0x3e00n, 0xbe00n, 0x4500n, 0x7bffn, 0xfbffn, 0x1234n].map((x) => [x])];
  T.push({ asm: 'fcvtzs w0, h1', inputs: hi }, { asm: 'fcvtau x0, h1', inputs: hi }, { asm: 'fcvtmu w0, h1', inputs: hi });
  T.push({ asm: 'fcvt d0, s1', inputs: () => pool(S, 20).map((x) => [x]) });
  T.push({ asm: 'fcvt s0, d1', inputs: () => [...pool(D, 100), ...Array.from({ length: 400 }, () => rndFloat(D, 1023 - 150, 1023 + 129))].map((x) => [x]) });
  // FZ left out: for a flushed subnormal qemu 7.2 sets Z, the Arm ARM's FPToFixedJS clears it (as we do)
  T.push({ asm: 'fjcvtzs w0, d1', inputs: () => pool(D, 30).map((x) => [x]), noFZ: true });
  return T;
}

// ---------------------------------------------------------------------------------------------
// The differential run

function hasToolchain(): boolean {
  try {
    execFileSync('qemu-aarch64', ['--version'], { stdio: 'ignore' });
    execFileSync('aarch64-linux-gnu-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch { return false; }
}

const RECORD = 128; // v0..v3, x0..x3, nzcv, fpcr, fpsr, pad

/** every input under each rounding mode; one in three also with FZ and/or DN */
function fpcrsFor(t: Template): number[] {
  const out = [RN, RP, RM, RZ];
  if (rndInt(3) === 0) out.push(pick([RN, RP, RM, RZ]) | pick(t.noFZ ? [DN] : [FZ, DN, FZ | DN]));
  return out;
}

// Skipped only outside CI when the cross toolchain is missing (CI installs it; there it must run).
describe.skipIf(!hasToolchain() && !process.env.CI)('A64 scalar FP with FPCR/FPSR against qemu-aarch64', () => {
  it('agrees bit for bit, FPSR included', SLOW, () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64fps-'));
    try {
      const tps = templates();
      const inputs: Buffer[] = [], counts: number[] = [], states: State[] = [];
      for (const t of tps) {
        const isGen = /\b[wx]1\b/.test(t.asm), src = /\b([shd])1\b/.exec(t.asm)?.[1];
        const mask = src === 's' ? 0xffffffffn : src === 'h' ? 0xffffn : (1n << 64n) - 1n;
        let n = 0;
        for (const ops of t.inputs()) {
          for (const fpcr of fpcrsFor(t)) {
            const v = [0, 1, 2, 3].map(() => (rnd64() << 64n) | rnd64()), x = [0, 1, 2, 3].map(() => rnd64());
            if (isGen) x[1] = ops[0]!;
            else if (src) ops.forEach((o, k) => { v[k + 1] = (v[k + 1]! & ~mask) | o; });
            const nzcv = rndInt(16);
            states.push({ x, v, nzcv, fpcr, fpsr: 0 });
            const buf = Buffer.alloc(RECORD);
            v.forEach((q, k) => { buf.writeBigUInt64LE(q & ((1n << 64n) - 1n), k * 16); buf.writeBigUInt64LE(q >> 64n, k * 16 + 8); });
            x.forEach((q, k) => buf.writeBigUInt64LE(q, 64 + k * 8));
            buf.writeBigUInt64LE(BigInt(nzcv) << 28n, 96);
            buf.writeBigUInt64LE(BigInt(fpcr), 104);
            inputs.push(buf);
            n++;
          }
        }
        counts.push(n);
      }
      writeFileSync(join(dir, 'in.bin'), Buffer.concat(inputs));
      const total = states.length;
      let asm = `.text\n.global _start\n_start:\n  ldr x20, =inputs\n  ldr x21, =outputs\n  ldr x23, =words\n`;
      tps.forEach((t, k) => {
        asm += `  adr x9, insn${k}\n  ldr w10, [x9]\n  str w10, [x23], #4\n  mov x22, #${counts[k]}\n`;
        asm += `loop${k}:\n  ldp q0, q1, [x20]\n  ldp q2, q3, [x20, #32]\n  ldp x0, x1, [x20, #64]\n  ldp x2, x3, [x20, #80]\n`;
        asm += `  ldp x9, x10, [x20, #96]\n  msr nzcv, x9\n  msr fpcr, x10\n  msr fpsr, xzr\n`;
        asm += `insn${k}:\n  ${t.asm}\n`;
        asm += `  mrs x9, nzcv\n  mrs x10, fpsr\n  msr fpcr, xzr\n  stp q0, q1, [x21]\n  stp q2, q3, [x21, #32]\n  stp x0, x1, [x21, #64]\n  stp x2, x3, [x21, #80]\n`;
        asm += `  str x9, [x21, #96]\n  str x10, [x21, #112]\n  add x20, x20, #${RECORD}\n  add x21, x21, #${RECORD}\n  subs x22, x22, #1\n  b.ne loop${k}\n`;
      });
      asm += `  ldr x1, =words\n  ldr x2, =${tps.length * 4 + total * RECORD}\n1:\n  mov x0, #1\n  mov x8, #64\n  svc #0\n  cmp x0, #0\n  b.le 2f\n  add x1, x1, x0\n  subs x2, x2, x0\n  b.ne 1b\n2:\n  mov x0, #0\n  mov x8, #93\n  svc #0\n`;
      asm += `.ltorg\n.data\n.balign 16\ninputs:\n.incbin "${join(dir, 'in.bin')}"\n.bss\n.balign 16\nwords: .skip ${tps.length * 4}\noutputs: .skip ${total * RECORD}\n`;
      writeFileSync(join(dir, 't.s'), asm);
      execFileSync('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-march=armv8.3-a+fp16', '-o', join(dir, 't'), join(dir, 't.s')]);
      const out = execFileSync('qemu-aarch64', [join(dir, 't')], { maxBuffer: 1 << 30 });
      expect(out.length).toBe(tps.length * 4 + total * RECORD);
      let rec = 0, failures = 0;
      const report: string[] = [], perTemplate = new Map<string, number>();
      tps.forEach((t, k) => {
        const word = out.readUInt32LE(k * 4);
        for (let j = 0; j < counts[k]!; j++, rec++) {
          const o = tps.length * 4 + rec * RECORD;
          const want = {
            v: [0, 1, 2, 3].map((q) => out.readBigUInt64LE(o + q * 16) | (out.readBigUInt64LE(o + q * 16 + 8) << 64n)),
            x: [0, 1, 2, 3].map((q) => out.readBigUInt64LE(o + 64 + q * 8)),
            nzcv: Number(out.readBigUInt64LE(o + 96) >> 28n) & 15,
            fpsr: Number(out.readBigUInt64LE(o + 112)),
          };
          const s = states[rec]!, got = runInsn(word, s);
          const same = got.nzcv === want.nzcv && got.fpsr === want.fpsr && got.v.every((q, i) => q === want.v[i]) && got.x.every((q, i) => q === want.x[i]);
          if (same) continue;
          failures++;
          perTemplate.set(t.asm, (perTemplate.get(t.asm) ?? 0) + 1);
          if ((perTemplate.get(t.asm) ?? 0) <= 3 && report.length < 40) {
            const lo = (q: bigint) => hex(q & ((1n << 64n) - 1n));
            report.push(`${t.asm} fpcr=${((s.fpcr ?? 0) >>> 0).toString(16)}: in v1=${lo(s.v[1]!)} v2=${lo(s.v[2]!)} v3=${lo(s.v[3]!)} x1=${hex(s.x[1]!)}\n`
              + `   qemu v0=${lo(want.v[0]!)} x0=${hex(want.x[0]!)} nzcv=${want.nzcv} fpsr=${want.fpsr.toString(16)}\n`
              + `   ours v0=${lo(got.v[0]!)} x0=${hex(got.x[0]!)} nzcv=${got.nzcv} fpsr=${got.fpsr.toString(16)}`);
          }
        }
      });
      const summary = [...perTemplate].map(([a, n]) => `${a}: ${n}`).join('; ');
      expect(report.join('\n'), `${failures} of ${total} records differ (${summary})`).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
