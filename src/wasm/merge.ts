// Joins the shards of a program module translated in parallel (translate-shards.ts). Every shard
// has the same functions, globals, table and imports in the same order (module.ts ProgramModule):
// each holds the bodies of its own guest functions and a stub for the others'. The program is
// shard 0 with each stub's body taken from the shard that owns the function. The one thing
// binaryen numbers differently per module is types (it orders them by use), so the type indices
// in bodies taken from other shards (call_indirect, block types) are mapped to shard 0's.

const TYPE_SECTION = 1, CODE_SECTION = 10;

/** `at`: the section's id byte; its contents are [start, end) */
interface Section { id: number; at: number; start: number; end: number }

function readU32(b: Uint8Array, p: number): [number, number] {
  let v = 0, shift = 0, byte: number;
  do { byte = b[p++]!; v += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [v, p];
}

function skipLeb(b: Uint8Array, p: number): number {
  while (b[p++]! & 0x80);
  return p;
}

function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function sections(wasm: Uint8Array): Section[] {
  const out: Section[] = [];
  for (let p = 8; p < wasm.length;) {
    const id = wasm[p]!;
    const [size, start] = readU32(wasm, p + 1);
    out.push({ id, at: p, start, end: start + size });
    p = start + size;
  }
  return out;
}

function section(wasm: Uint8Array, all: Section[], id: number): Section {
  const s = all.find((x) => x.id === id);
  if (!s) throw new Error(`internal error: merging shards: a shard has no section ${id}`);
  return s;
}

/** the type section's function types, each as its encoding */
function types(wasm: Uint8Array, s: Section): string[] {
  const out: string[] = [];
  let [n, p] = readU32(wasm, s.start);
  for (; n > 0; n--) {
    const at = p;
    if (wasm[p++] !== 0x60) throw new Error('internal error: merging shards: a type that is not a function type');
    for (let vecs = 0; vecs < 2; vecs++) { const [k, q] = readU32(wasm, p); p = q + k; } // params, results: one byte per value type
    out.push(String.fromCharCode(...wasm.subarray(at, p)));
  }
  return out;
}

/** the code section's function bodies (without their size) */
function bodies(wasm: Uint8Array, s: Section): Uint8Array[] {
  const out: Uint8Array[] = [];
  let [n, p] = readU32(wasm, s.start);
  for (; n > 0; n--) {
    const [size, q] = readU32(wasm, p);
    out.push(wasm.subarray(q, q + size));
    p = q + size;
  }
  return out;
}

const VALUE_TYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

function memarg(b: Uint8Array, p: number): number {
  const [align, q] = readU32(b, p);
  return skipLeb(b, align & 0x40 ? skipLeb(b, q) : q); // bit 6: a memory index follows (multi-memory)
}

/**
 * `body` with every type index mapped by `map`. The walk knows every instruction of the features
 * the translator enables (module.ts newModule); anything else is an internal error.
 */
function remapTypes(body: Uint8Array, map: number[]): Uint8Array {
  const out: number[] = [];
  let copied = 0;
  const replace = (at: number, next: number, index: number) => {
    for (let i = copied; i < at; i++) out.push(body[i]!);
    out.push(...u32(map[index]!));
    copied = next;
  };
  let [groups, p] = readU32(body, 0);
  for (; groups > 0; groups--) {
    p = skipLeb(body, p);
    if (!VALUE_TYPES.has(body[p++]!)) throw new Error('internal error: merging shards: a local of an unknown type');
  }
  while (p < body.length) {
    const op = body[p++]!;
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      if (body[p] === 0x40 || VALUE_TYPES.has(body[p]!)) p++;
      else { const [t, q] = readU32(body, p); replace(p, q, t); p = q; } // s33 type index (non-negative)
    } else if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || (op >= 0x20 && op <= 0x26) || op === 0xd2) p = skipLeb(body, p);
    else if (op === 0x0e) { let [n, q] = readU32(body, p); for (n++; n > 0; n--) q = skipLeb(body, q); p = q; }
    else if (op === 0x11 || op === 0x13) { const [t, q] = readU32(body, p); replace(p, q, t); p = skipLeb(body, q); }
    else if (op === 0x1c) { const [n, q] = readU32(body, p); p = q + n; }
    else if (op >= 0x28 && op <= 0x3e) p = memarg(body, p);
    else if (op === 0x3f || op === 0x40 || op === 0x41 || op === 0x42 || op === 0xd0) p = skipLeb(body, p);
    else if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else if (op === 0xfc) p = misc(body, p);
    else if (op === 0xfd) p = simd(body, p);
    else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1)) {
      throw new Error(`internal error: merging shards: unknown opcode 0x${op.toString(16)}`);
    }
  }
  if (!copied) return body;
  for (let i = copied; i < body.length; i++) out.push(body[i]!);
  return new Uint8Array(out);
}

/** after the 0xfc prefix: saturating truncations, bulk memory and table operations */
function misc(b: Uint8Array, p: number): number {
  const [sub, q] = readU32(b, p);
  const immediates = sub <= 7 ? 0 : sub === 8 || sub === 10 || sub === 12 || sub === 14 ? 2 : sub <= 17 ? 1 : -1;
  if (immediates < 0) throw new Error(`internal error: merging shards: unknown opcode 0xfc ${sub}`);
  let r = q;
  for (let i = 0; i < immediates; i++) r = skipLeb(b, r);
  return r;
}

/** after the 0xfd prefix: SIMD (and relaxed SIMD, which has no immediates) */
function simd(b: Uint8Array, p: number): number {
  const [sub, q] = readU32(b, p);
  if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) return memarg(b, q); // loads and stores
  if (sub === 0x0c || sub === 0x0d) return q + 16; // v128.const, i8x16.shuffle
  if (sub >= 0x15 && sub <= 0x22) return q + 1; // extract and replace lane
  if (sub >= 0x54 && sub <= 0x5b) return memarg(b, q) + 1; // load and store lane
  return q;
}

/**
 * The program from its shards: `owner[k]` is the shard that holds the body of defined function k
 * (guest functions come first, in every shard; the rest are shard 0's).
 */
export function mergeShards(shards: Uint8Array[], owner: Uint8Array): Uint8Array {
  const base = shards[0]!, baseSections = sections(base);
  const baseTypes = new Map(types(base, section(base, baseSections, TYPE_SECTION)).map((t, i) => [t, i]));
  const own = shards.map((wasm, j) => {
    const all = sections(wasm);
    const map = types(wasm, section(wasm, all, TYPE_SECTION)).map((t) => {
      const i = baseTypes.get(t);
      if (i === undefined) throw new Error(`internal error: merging shards: shard ${j} has a type shard 0 does not`);
      return i;
    });
    return { bodies: bodies(wasm, section(wasm, all, CODE_SECTION)), map, identity: map.every((t, i) => t === i) };
  });
  const code = own[0]!.bodies.map((body, k) => {
    const j = owner[k] ?? 0;
    if (j === 0) return body;
    const from = own[j]!;
    if (from.bodies.length !== own[0]!.bodies.length) throw new Error('internal error: merging shards: shards define different functions');
    return from.identity ? from.bodies[k]! : remapTypes(from.bodies[k]!, from.map);
  });
  let size = u32(code.length).length;
  for (const b of code) size += u32(b.length).length + b.length;
  const codeSection = section(base, baseSections, CODE_SECTION);
  const header = [CODE_SECTION, ...u32(size), ...u32(code.length)];
  const sectionStart = codeSection.at;
  const out = new Uint8Array(sectionStart + header.length + (size - u32(code.length).length) + (base.length - codeSection.end));
  out.set(base.subarray(0, sectionStart), 0);
  let o = sectionStart;
  out.set(header, o); o += header.length;
  for (const b of code) {
    const n = u32(b.length);
    out.set(n, o); o += n.length;
    out.set(b, o); o += b.length;
  }
  out.set(base.subarray(codeSection.end), o);
  return out;
}
