// Draws a random instruction sequence of one class and the machine state it starts from.
// Deterministic in (class, seed): a mismatch is reproduced by its seed alone.
import { prng } from '../gen.ts';
import { type MachineState, SCRATCH, SCRATCH_SIZE, STACK, STACK_SIZE } from './program.ts';
import { encode, type Access, type Ctx, type F, type Prng, type Template } from './template.ts';

export interface FuzzClass {
  name: string;
  templates: Template[];
  /** general registers holding addresses (x-number → guest address; 31 = SP is always one) */
  addr?: Record<number, number>;
  /** general registers holding index values for register-offset addressing */
  index?: Record<number, bigint>;
  /** V registers and memory start with floating-point-looking values */
  fpValues?: boolean;
  /** half the sequences ('always': all) write FPSR first, so that FPSR is compared (scalar FP: fp-strict.ts) */
  strictFp?: boolean | 'always';
  /** each sequence sets a random FPCR rounding mode, FZ, FZ16, AHP and DN (scalar FP honours them from the first FPCR write on) */
  fpcr?: boolean;
}

export interface Sequence {
  cls: string;
  seed: number;
  words: number[];
  /** the template of each word */
  names: string[];
  state: MachineState;
}

const LO = SCRATCH, HI = STACK + STACK_SIZE;
const SP = 31;
const INITIAL_SP = STACK + STACK_SIZE / 2;

/** A 64-bit value from a mix that exercises edge cases (zero, all ones, sign bits, small numbers). */
export function randomX(r: Prng): bigint {
  const u32 = () => BigInt(r.int(0x10000) * 0x10000 + r.int(0x10000));
  switch (r.int(8)) {
    case 0: return BigInt(r.int(256));
    case 1: return BigInt.asUintN(64, -BigInt(1 + r.int(256)));
    case 2: return r.pick([0n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0x80000000n, 0x7fffffffn, 0xffffffffn, 1n]);
    case 3: return u32();
    case 4: return BigInt.asUintN(64, BigInt.asIntN(32, u32())); // a sign-extended 32-bit value
    default: return (u32() << 32n) | u32();
  }
}

/** 64 bits of floating-point-looking lanes: doubles, float pairs or half quads near 1, specials, subnormals. */
export function randomFpBits(r: Prng): bigint {
  const lane = (bits: number, expBits: number): bigint => {
    const mant = bits - 1 - expBits, bias = (1 << (expBits - 1)) - 1, maxExp = (1 << expBits) - 1;
    const m = () => { let v = 0n; for (let k = 0; k < mant; k += 16) v = (v << 16n) | BigInt(r.int(0x10000)); return v & ((1n << BigInt(mant)) - 1n); };
    const sign = BigInt(r.int(2)) << BigInt(bits - 1);
    let exp: number, frac: bigint;
    switch (r.int(10)) {
      case 0: exp = 0; frac = r.chance(0.5) ? 0n : m(); break; // zero or subnormal
      case 1: exp = maxExp; frac = r.chance(0.4) ? 0n : m(); break; // infinity or NaN (quiet or signalling)
      case 2: exp = bias + r.int(3); frac = r.chance(0.5) ? 0n : m() & ~((1n << BigInt(mant - 3)) - 1n); break; // 1, 1.5, 2 …
      case 3: exp = r.pick([1, maxExp - 1, bias + mant, bias + 31, bias + 63, bias - 1]); frac = m(); break; // extremes, integer limits
      default: exp = bias - 8 + r.int(24); frac = m();
    }
    return sign | (BigInt(exp) << BigInt(mant)) | frac;
  };
  switch (r.int(3)) {
    case 0: return lane(64, 11);
    case 1: return (lane(32, 8) << 32n) | lane(32, 8);
    default: return (lane(16, 5) << 48n) | (lane(16, 5) << 32n) | (lane(16, 5) << 16n) | lane(16, 5);
  }
}

function randomState(r: Prng, cls: FuzzClass): MachineState {
  const x = Array.from({ length: 31 }, () => randomX(r));
  for (const [k, v] of Object.entries(cls.addr ?? {})) x[Number(k)] = BigInt(v);
  for (const [k, v] of Object.entries(cls.index ?? {})) x[Number(k)] = v;
  const half = () => (cls.fpValues && r.chance(0.8) ? randomFpBits(r) : randomX(r));
  const v = Array.from({ length: 32 }, () => (half() << 64n) | half());
  const memory = new Uint8Array(SCRATCH_SIZE + STACK_SIZE);
  const mv = new DataView(memory.buffer);
  for (let o = 0; o < memory.length; o += 8) mv.setBigUint64(o, half(), true);
  // FZ16 (bit 19) and AHP (bit 26) from bits of V0 rather than draws of their own: earlier seeds keep their sequences
  const fz16 = Number(v[0]! & 1n) << 19, ahp = Number((v[0]! >> 1n) & 1n) << 26;
  const fpcr = cls.fpcr ? (r.int(4) << 22) | (r.chance(0.3) ? 1 << 24 : 0) | (r.chance(0.3) ? 1 << 25 : 0) | fz16 | ahp : undefined;
  return { ...(fpcr ? { fpcr } : {}), x, v, memory, sp: INITIAL_SP, nzcv: r.int(16) << 28, strictFp: cls.strictFp === 'always' || (!!cls.strictFp && r.chance(0.5)), addrRegs: Object.keys(cls.addr ?? {}).map(Number) };
}

const MAX_TRIES = 2000;

/** Draws `length` words of `cls` from `seed`. Throws when a template's constraints cannot be met (a template bug). */
export function generateSequence(cls: FuzzClass, seed: number, length: number): Sequence {
  const r = prng((seed * 0x9e3779b1) ^ [...cls.name].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7));
  const state = randomState(r, cls);
  const templates = cls.templates.filter((t) => !t.ext);
  if (!templates.length) throw new Error(`fuzz class ${cls.name}: no templates selected`);
  const total = templates.reduce((s, t) => s + (t.weight ?? 1), 0);
  const pick = (): Template => {
    let k = r.next() * total;
    for (const t of templates) if ((k -= t.weight ?? 1) < 0) return t;
    return templates[templates.length - 1]!;
  };
  const addr = new Map<number, number>([[SP, state.sp], ...Object.entries(cls.addr ?? {}).map(([k, v]): [number, number] => [Number(k), v])]);
  const index = new Map(Object.entries(cls.index ?? {}).map(([k, v]): [number, bigint] => [Number(k), v]));
  const c: Ctx = { r, pos: 0, length, addr, index, reserved: new Set([...addr.keys(), ...index.keys()]), targets: new Set(), interior: new Set() };
  const words: number[] = [], names: string[] = [];
  while (words.length < length) {
    c.pos = words.length;
    const t = pick();
    const w = instantiate(t, c);
    if (!w || words.length + w.length > length) continue;
    // a branch into the middle of a group (between adr and br) would skip its set-up
    const inside = w.slice(1).map((_, k) => c.pos + 1 + k);
    if (inside.some((p) => c.targets.has(p))) continue;
    inside.forEach((p) => c.interior.add(p));
    words.push(...w);
    names.push(...w.map(() => t.name));
  }
  return { cls: cls.name, seed, words, names, state };
}

/** One instance of `t` at c.pos (several words for `emit` templates), or undefined if none fits here. */
function instantiate(t: Template, c: Ctx): number[] | undefined {
  return t.emit ? t.emit(c) : [draw(t, c).word];
}

/** Random field values for `t` that meet its constraints (and `also`); applies its writebacks to c. */
export function draw(t: Template, c: Ctx, also?: (f: F) => boolean): { word: number; f: F } {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const f: F = {};
    for (const s of t.fields) f[s.name] = t.draw?.[s.name]?.(c, f) ?? c.r.int(2 ** s.width);
    if (t.branch) {
      const s = t.fields.find((x) => x.name === t.branch)!;
      f[t.branch] = forwardTarget(c, 2 ** (s.width - 1) - 1); // at most to the epilogue's first word
    }
    if ((t.valid && !t.valid(f)) || (also && !also(f))) continue;
    if (!writesAllowed(t, f, c)) continue;
    if (t.mem) {
      const acc = t.mem(f, c);
      if (!acc || !acc.every((a) => fits(a, c))) continue;
      for (const a of acc) if (a.writeback) c.addr.set(a.base, c.addr.get(a.base)! + a.writeback);
    }
    if (t.branch) c.targets.add(c.pos + f[t.branch]!);
    return { word: encode(t, f), f };
  }
  throw new Error(`fuzz template ${t.name}: no valid field values in ${MAX_TRIES} draws (its constraints are wrong)`);
}

/** A word offset from c.pos to a later word (or the epilogue's first) that is not inside a group, at most `max`. */
export function forwardTarget(c: Ctx, max: number, min = 1): number {
  const room = Math.min(c.length - c.pos, max);
  for (;;) {
    const k = min + c.r.int(room - min + 1);
    if (!c.interior.has(c.pos + k)) return k;
  }
}

function writesAllowed(t: Template, f: F, c: Ctx): boolean {
  for (const name of t.writes?.(f) ?? []) {
    const spCtx = name.endsWith('!');
    const reg = f[spCtx ? name.slice(0, -1) : name]!;
    if (reg === SP ? spCtx : c.reserved.has(reg)) return false;
  }
  return true;
}

/** The access stays inside the scratch and stack areas, is aligned where it must be, and leaves SP 16-byte aligned. */
function fits(a: Access, c: Ctx): boolean {
  const b = c.addr.get(a.base);
  if (b === undefined) return false;
  const ea = BigInt(b) + a.offset;
  if (ea < BigInt(LO) || ea + BigInt(a.size) > BigInt(HI)) return false;
  if (a.align && ea % BigInt(a.align) !== 0n) return false;
  if (a.base === SP && b % 16 !== 0) return false;
  if (a.writeback) {
    const nb = b + a.writeback;
    if (nb < LO + 64 || nb > HI - 64) return false;
    if (a.base === SP && a.writeback % 16 !== 0) return false;
  }
  return true;
}

/** Field helpers for templates. */
export const addrReg = (c: Ctx): number => c.r.pick([...c.addr.keys()]);
export const indexReg = (c: Ctx): number => c.r.pick([...c.index.keys()]);
