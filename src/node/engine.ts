// V8 settings for running translated code in Node, applied before anything is compiled.
import v8 from 'node:v8';

let done = false;

export function configureV8(): void {
  if (done) return;
  done = true;
  // V8 has no on-stack replacement for Wasm: a guest main loop would stay in the baseline tier
  // (Liftoff). Translated modules carry compilation hints: every function is compiled by the
  // optimising compiler on its first call, except the huge ones (see BASELINE_MIN_INSNS in
  // wasm/module.ts), which start in Liftoff and tier up in the background once hot. A module
  // without hints (not from this translator) gets V8's defaults.
  // Tiering up late (default budget 1.8M) keeps short runs from compiling, say, printf with the
  // optimising compiler just before they exit, which then waits for that compile (~0.1 s).
  v8.setFlagsFromString('--wasm-tiering-budget=100000000');
  // relaxed SIMD's fused multiply-add (on by default in browsers, behind a flag in Node 20)
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  v8.setFlagsFromString('--experimental-wasm-compilation-hints');
}
