// Fused multiply-add from the hardware when the engine gives it: Wasm has no scalar FMA, but
// relaxed SIMD's f64x2/f32x4 relaxed_madd is fused on FMA hardware in V8. It may also be
// unfused (the proposal allows either), so it is used only after checking that it rounds once;
// otherwise the translated module keeps its exact software FMA.

// (module (func (export "fma64") (param f64 f64 f64) (result f64)  f64x2.splat ×3, relaxed_madd, extract_lane 0)
//         (func (export "fma32") (param f32 f32 f32) (result f32)  f32x4 likewise))
const FMA_MODULE = 'AGFzbQEAAAABDwJgA3x8fAF8YAN9fX0BfQMDAgABBxECBWZtYTY0AAAFZm1hMzIAAQorAhQAIAD9FCAB/RQgAv0U/YcC/SEACxQAIAD9EyAB/RMgAv0T/YUC/R8ACw==';

export interface HardwareFma {
  fma64: (a: number, b: number, c: number) => number;
  fma32: (a: number, b: number, c: number) => number;
}

let detected: HardwareFma | null | undefined;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** whether this engine compiles relaxed SIMD (the module above), which TranslateOptions.relaxedSimd translations use */
export function hasRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(decodeBase64(FMA_MODULE) as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** the engine's fused multiply-add, or null when relaxed SIMD is missing or not fused here */
export function hardwareFma(): HardwareFma | null {
  if (detected !== undefined) return detected;
  detected = null;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(FMA_MODULE) as Uint8Array<ArrayBuffer>));
    const f = instance.exports as unknown as HardwareFma;
    // one rounding: (1+2^-30)(1-2^-30) - 1 = -2^-60 exactly; an unfused product rounds to 1 first
    const a = 1 + 2 ** -30, b = 1 - 2 ** -30;
    const a32 = Math.fround(1 + 2 ** -12), b32 = Math.fround(1 - 2 ** -12);
    if (f.fma64(a, b, -1) === -(2 ** -60) && f.fma32(a32, b32, -1) === -(2 ** -24) && f.fma64(2 ** 1000, 2 ** 100, -Infinity) === -Infinity) detected = f;
  } catch {
    // no relaxed SIMD in this engine
  }
  return detected;
}
