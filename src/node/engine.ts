// V8 settings for running translated code in Node, applied before anything is compiled.
//
// V8 reports a flag it does not know on *stdout*, which would end up in the guest's output, so
// experimental flags are set only on the V8 they were measured on (11.3, Node 20); elsewhere only
// long-standing flags are.
import v8 from 'node:v8';

let done = false;

export function configureV8(): void {
  if (done) return;
  done = true;
  const [major, minor] = process.versions.v8.split('.').map(Number);
  if (major === 11 && minor === 3) {
    // V8 has no on-stack replacement for Wasm: a guest main loop would stay in the baseline tier
    // (Liftoff). Translated modules carry compilation hints: every function is compiled by the
    // optimising compiler on its first call, except the huge ones (see BASELINE_MIN_INSNS in
    // wasm/module.ts), which start in Liftoff and tier up in the background once hot.
    v8.setFlagsFromString('--experimental-wasm-compilation-hints');
    // Tiering up late (default budget 1.8M) keeps short runs from compiling, say, printf with the
    // optimising compiler just before they exit, which then waits for that compile (~0.1 s).
    v8.setFlagsFromString('--wasm-tiering-budget=100000000');
    // relaxed SIMD's fused multiply-add (shipped from V8 11.4 on, behind a flag in 11.3)
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } else {
    // without the hints: everything with the optimising compiler, on first call
    v8.setFlagsFromString('--no-liftoff');
  }
}
