// The translation metadata travels inside the .wasm as a custom section, so a translated
// module is self-contained (the CLI can run a .wasm it wrote earlier).

export const META_SECTION = 'elf2wasm.meta';

/** unsigned LEB128, as Wasm encodes sizes and indices */
export function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

export function appendCustomSection(wasm: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  return insertCustomSection(wasm, wasm.length, name, payload);
}

function insertCustomSection(wasm: Uint8Array, at: number, name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes];
  const size = leb128(body.length + payload.length);
  const out = new Uint8Array(wasm.length + 1 + size.length + body.length + payload.length);
  out.set(wasm.subarray(0, at), 0);
  let o = at;
  out[o++] = 0;
  out.set(size, o); o += size.length;
  out.set(body, o); o += body.length;
  out.set(payload, o); o += payload.length;
  out.set(wasm.subarray(at), o);
  return out;
}

/** offset of the first section with this id (or the end of the module) */
function sectionOffset(wasm: Uint8Array, id: number): number {
  let p = 8;
  while (p < wasm.length && wasm[p] !== id) {
    let size = 0, shift = 0, b: number;
    p++;
    do { b = wasm[p++]!; size += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    p += size;
  }
  return Math.min(p, wasm.length);
}

/**
 * V8's (experimental) compilation hints, one byte per defined function: bits 0-1 the strategy
 * (1 = lazy), 2-3 the first tier, 4-5 the top tier (0 = default, 1 = baseline, 2 = optimised).
 * V8 reads the section only before the code section, and only with
 * --experimental-wasm-compilation-hints; other engines ignore it.
 */
export function insertCompilationHints(wasm: Uint8Array, hints: Uint8Array): Uint8Array {
  const payload = new Uint8Array([...leb128(hints.length), ...hints]);
  return insertCustomSection(wasm, sectionOffset(wasm, 10), 'compilationHints', payload);
}

/** hint byte: compile lazily, with the optimising compiler straight away */
export const HINT_OPTIMIZED = 0x1 | (0x2 << 2) | (0x2 << 4);
/** hint byte: the engine's default, i.e. Liftoff first, the optimising compiler once hot (dynamic tiering) */
export const HINT_DEFAULT = 0;

/** the JSON value stored in a custom section of a compiled module, if present */
export function readJsonSection<T>(module: WebAssembly.Module, name: string): T | undefined {
  const [sec] = WebAssembly.Module.customSections(module, name);
  return sec ? (JSON.parse(new TextDecoder().decode(sec)) as T) : undefined;
}
