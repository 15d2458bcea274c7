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
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes];
  const size = leb128(body.length + payload.length);
  const out = new Uint8Array(wasm.length + 1 + size.length + body.length + payload.length);
  out.set(wasm, 0);
  let o = wasm.length;
  out[o++] = 0;
  out.set(size, o); o += size.length;
  out.set(body, o); o += body.length;
  out.set(payload, o);
  return out;
}

/** the JSON value stored in a custom section of a compiled module, if present */
export function readJsonSection<T>(module: WebAssembly.Module, name: string): T | undefined {
  const [sec] = WebAssembly.Module.customSections(module, name);
  return sec ? (JSON.parse(new TextDecoder().decode(sec)) as T) : undefined;
}
