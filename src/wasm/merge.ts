// Joins the shards of a program module translated in parallel (translate-shards.ts). Every shard
// has the same functions, globals, table and imports in the same order (module.ts ProgramModule):
// each holds the bodies of its own guest functions and a stub for the others'. The program is
// shard 0 with each stub's body taken from the shard that owns it. The one thing that differs
// between shards is their types: the builder writes a module's in a canonical order (by their
// encoding), but shards may use different sets of them, so the program's are the union in that
// order and every type index is mapped to it: in imports, the function section and bodies
// (call_indirect, block types). The module is then the same however the functions were split; a
// one-piece module is canonical already and comes back as it is.

import { BRANCH_HINT_SECTION } from './builder.ts';
import { leb128 } from './custom-section.ts';

const TYPE_SECTION = 1, IMPORT_SECTION = 2, FUNCTION_SECTION = 3, CODE_SECTION = 10;

/** `at`: the section's id byte; its contents are [start, end) */
interface Section { id: number; at: number; start: number; end: number }

/** a cursor over LEB128-encoded Wasm */
class Reader {
  constructor(readonly b: Uint8Array, public p = 0) {}
  u32(): number {
    let v = 0, shift = 0, byte: number;
    do { byte = this.b[this.p++]!; v += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return v;
  }
  skip(): void { while (this.b[this.p++]! & 0x80); }
  /** skips a vector of bytes (a name, value types) */
  bytes(): void { const n = this.u32(); this.p += n; }
  limits(): void {
    const flags = this.b[this.p++]!;
    this.skip();
    if (flags & 1) this.skip();
  }
}

function sections(wasm: Uint8Array): Section[] {
  const out: Section[] = [];
  for (const r = new Reader(wasm, 8); r.p < wasm.length;) {
    const at = r.p, id = wasm[r.p++]!, size = r.u32();
    out.push({ id, at, start: r.p, end: r.p + size });
    r.p += size;
  }
  return out;
}

function section(all: Section[], id: number): Section | undefined { return all.find((x) => x.id === id); }

/** the type section's function types, each as its encoding */
function types(wasm: Uint8Array, s: Section | undefined): string[] {
  const out: string[] = [];
  if (!s) return out;
  const r = new Reader(wasm, s.start);
  for (let n = r.u32(); n > 0; n--) {
    const at = r.p;
    if (wasm[r.p++] !== 0x60) throw new Error('internal error: merging shards: a type that is not a function type');
    r.bytes(); // params: a byte per value type
    r.bytes(); // results
    out.push(String.fromCharCode(...wasm.subarray(at, r.p)));
  }
  return out;
}

/** the code section's function bodies (without their size) */
function bodies(wasm: Uint8Array, s: Section | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (!s) return out;
  const r = new Reader(wasm, s.start);
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    out.push(wasm.subarray(r.p, r.p + size));
    r.p += size;
  }
  return out;
}

const VALUE_TYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

/** copies `b` with some LEB128 values replaced (type indices) */
class Patcher {
  private readonly parts: Uint8Array[] = [];
  private copied = 0;
  /** per replacement: where the old value ended, and how many bytes longer the new one is */
  private readonly shifts: number[] = [];
  constructor(private readonly b: Uint8Array) {}
  replace(at: number, next: number, value: number): void {
    const enc = new Uint8Array(leb128(value));
    this.parts.push(this.b.subarray(this.copied, at), enc);
    this.copied = next;
    if (enc.length !== next - at) this.shifts.push(next, enc.length - (next - at));
  }
  /** where the byte at `offset` of the original is in the result (an instruction's start, not inside a replaced value) */
  moved(offset: number): number {
    let d = 0;
    for (let i = 0; i < this.shifts.length && this.shifts[i]! <= offset; i += 2) d += this.shifts[i + 1]!;
    return offset + d;
  }
  result(): Uint8Array {
    if (!this.copied) return this.b;
    this.parts.push(this.b.subarray(this.copied));
    return concat(this.parts);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** a type index at the reader, mapped */
function typeIndex(r: Reader, out: Patcher, map: number[]): void {
  const at = r.p, t = r.u32();
  if (map[t] === undefined) throw new Error(`internal error: merging shards: type index ${t} out of range`);
  if (map[t] !== t) out.replace(at, r.p, map[t]!);
}

function memarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.skip(); // a memory index follows (multi-memory)
  r.skip();
}

/**
 * `body` with every type index mapped by `map`. The walk knows every instruction of the features
 * the translator enables (module.ts newModule); anything else is an internal error.
 */
function remapBody(body: Uint8Array, map: number[]): Patcher {
  const r = new Reader(body), out = new Patcher(body);
  for (let groups = r.u32(); groups > 0; groups--) {
    r.skip();
    if (!VALUE_TYPES.has(body[r.p++]!)) throw new Error('internal error: merging shards: a local of an unknown type');
  }
  while (r.p < body.length) {
    const op = body[r.p++]!;
    if (op >= 0x45 && op <= 0xc4) continue; // numeric: no immediates
    if (op >= 0x20 && op <= 0x26) { r.skip(); continue; } // locals, globals, tables
    if (op >= 0x28 && op <= 0x3e) { memarg(r); continue; }
    switch (op) {
      case 0x02: case 0x03: case 0x04:
        if (body[r.p] === 0x40 || VALUE_TYPES.has(body[r.p]!)) r.p++;
        else typeIndex(r, out, map); // s33 type index (non-negative)
        break;
      case 0x0c: case 0x0d: case 0x10: case 0x12: case 0xd2: case 0x3f: case 0x40: case 0x41: case 0x42: case 0xd0: r.skip(); break;
      case 0x0e: for (let n = r.u32() + 1; n > 0; n--) r.skip(); break;
      case 0x11: case 0x13: typeIndex(r, out, map); r.skip(); break;
      case 0x1c: r.bytes(); break;
      case 0x43: r.p += 4; break;
      case 0x44: r.p += 8; break;
      case 0xfc: misc(r); break;
      case 0xfd: simd(r); break;
      case 0x00: case 0x01: case 0x05: case 0x0b: case 0x0f: case 0x1a: case 0x1b: case 0xd1: break;
      default: throw new Error(`internal error: merging shards: unknown opcode 0x${op.toString(16)}`);
    }
  }
  return out;
}

/** after the 0xfc prefix: saturating truncations, bulk memory and table operations */
function misc(r: Reader): void {
  const sub = r.u32();
  const immediates = sub <= 7 ? 0 : sub === 8 || sub === 10 || sub === 12 || sub === 14 ? 2 : sub <= 17 ? 1 : -1;
  if (immediates < 0) throw new Error(`internal error: merging shards: unknown opcode 0xfc ${sub}`);
  for (let i = 0; i < immediates; i++) r.skip();
}

/** after the 0xfd prefix: SIMD (and relaxed SIMD, which has no immediates) */
function simd(r: Reader): void {
  const sub = r.u32();
  if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) memarg(r); // loads and stores
  else if (sub === 0x0c || sub === 0x0d) r.p += 16; // v128.const, i8x16.shuffle
  else if (sub >= 0x15 && sub <= 0x22) r.p += 1; // extract and replace lane
  else if (sub >= 0x54 && sub <= 0x5b) { memarg(r); r.p += 1; } // load and store lane
}

/** the import section with function imports' type indices mapped */
function remapImports(wasm: Uint8Array, s: Section, map: number[]): Uint8Array {
  const body = wasm.subarray(s.start, s.end), out = new Patcher(body);
  walkImports(body, (r) => typeIndex(r, out, map));
  return out.result();
}

/** walks an import section's contents; `func` reads a function import's type index */
function walkImports(body: Uint8Array, func: (r: Reader) => void): void {
  const r = new Reader(body);
  for (let n = r.u32(); n > 0; n--) {
    r.bytes(); r.bytes(); // module and field names
    const kind = body[r.p++]!;
    if (kind === 0) func(r);
    else if (kind === 1) { r.p++; r.limits(); }
    else if (kind === 2) r.limits();
    else if (kind === 3) r.p += 2;
    else throw new Error(`internal error: merging shards: an import of kind ${kind}`);
  }
}

/** the function section (a type index per function), mapped */
function remapFunctions(wasm: Uint8Array, s: Section, map: number[]): Uint8Array {
  const body = wasm.subarray(s.start, s.end), r = new Reader(body), out = new Patcher(body);
  for (let n = r.u32(); n > 0; n--) typeIndex(r, out, map);
  return out.result();
}

function vector(items: Uint8Array[], sizes: boolean): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array(leb128(items.length))];
  for (const it of items) {
    if (sizes) parts.push(new Uint8Array(leb128(it.length)));
    parts.push(it);
  }
  return concat(parts);
}

/**
 * The program from its shards: `owner[k]` is the shard that holds the body of defined function k
 * (guest functions come first, in every shard; the rest are shard 0's).
 */
export function mergeShards(shards: Uint8Array[], owner: Uint8Array): Uint8Array {
  const parsed = shards.map((wasm) => {
    const all = sections(wasm);
    return { wasm, all, types: types(wasm, section(all, TYPE_SECTION)), bodies: bodies(wasm, section(all, CODE_SECTION)), hints: branchHints(wasm, all) };
  });
  const canonical = [...new Set(parsed.flatMap((p) => p.types))].sort();
  const index = new Map(canonical.map((t, i) => [t, i]));
  const maps = parsed.map((p) => p.types.map((t) => index.get(t)!));
  const base = parsed[0]!;
  // the builder emits its types in this order: a one-piece module is canonical already
  const identity = maps.map((m) => m.every((t, k) => t === k));
  if (shards.length === 1 && identity[0] && canonical.length === base.types.length) return shards[0]!;
  const imported = functionImports(base.wasm, section(base.all, IMPORT_SECTION));
  // each function's branch hints are its owner's, moved as its body was
  const hints = new Map<number, Hint[]>();
  const code = base.bodies.map((_, k) => {
    const j = owner[k] ?? 0, from = parsed[j]!;
    if (from.bodies.length !== base.bodies.length) throw new Error('internal error: merging shards: shards define different functions');
    const own = from.hints.get(imported + k);
    if (identity[j]) {
      if (own) hints.set(imported + k, own);
      return from.bodies[k]!;
    }
    const patched = remapBody(from.bodies[k]!, maps[j]!);
    if (own) hints.set(imported + k, own.map(([at, hint]) => [patched.moved(at), hint]));
    return patched.result();
  });
  const hintSection = hints.size ? encodeBranchHints(hints) : undefined;
  const contents = (s: Section): Uint8Array => {
    switch (s.id) {
      case TYPE_SECTION: return vector(canonical.map((t) => Uint8Array.from(t, (c) => c.charCodeAt(0))), false);
      case IMPORT_SECTION: return remapImports(base.wasm, s, maps[0]!);
      case FUNCTION_SECTION: return remapFunctions(base.wasm, s, maps[0]!);
      case CODE_SECTION: return vector(code, true);
      default: return base.wasm.subarray(s.start, s.end);
    }
  };
  const parts: Uint8Array[] = [base.wasm.subarray(0, 8)];
  const add = (id: number, c: Uint8Array) => parts.push(new Uint8Array([id, ...leb128(c.length)]), c);
  for (const s of base.all) {
    if (s.id === 0 && customName(base.wasm, s) === BRANCH_HINT_SECTION) continue;
    // the hints go before the code they describe, as the builder puts them
    if (s.id === CODE_SECTION && hintSection) add(0, hintSection);
    add(s.id, contents(s));
  }
  return concat(parts);
}

/** a branch hint: the hinted instruction's offset in its function's body, and its value */
type Hint = [number, number];

/** the name of custom section `s` */
function customName(wasm: Uint8Array, s: Section): string {
  const r = new Reader(wasm, s.start), n = r.u32();
  return String.fromCharCode(...wasm.subarray(r.p, r.p + n));
}

/** the module's branch hints (WasmBuilder.hint) by function index */
function branchHints(wasm: Uint8Array, all: Section[]): Map<number, Hint[]> {
  const out = new Map<number, Hint[]>();
  const s = all.find((x) => x.id === 0 && customName(wasm, x) === BRANCH_HINT_SECTION);
  if (!s) return out;
  const r = new Reader(wasm, s.start);
  r.bytes(); // the name
  for (let n = r.u32(); n > 0; n--) {
    const fn = r.u32(), hs: Hint[] = [];
    for (let m = r.u32(); m > 0; m--) {
      const at = r.u32(), size = r.u32();
      hs.push([at, wasm[r.p]!]);
      r.p += size;
    }
    out.set(fn, hs);
  }
  return out;
}

function encodeBranchHints(hints: Map<number, Hint[]>): Uint8Array {
  const name = Uint8Array.from(BRANCH_HINT_SECTION, (c) => c.charCodeAt(0));
  const out: number[] = [...leb128(name.length), ...name, ...leb128(hints.size)];
  for (const fn of [...hints.keys()].sort((a, b) => a - b)) {
    const hs = hints.get(fn)!;
    out.push(...leb128(fn), ...leb128(hs.length));
    for (const [at, hint] of hs) out.push(...leb128(at), 1, hint);
  }
  return Uint8Array.from(out);
}

/** how many functions the module imports */
function functionImports(wasm: Uint8Array, s: Section | undefined): number {
  let funcs = 0;
  if (s) walkImports(wasm.subarray(s.start, s.end), (r) => { funcs++; r.skip(); });
  return funcs;
}
