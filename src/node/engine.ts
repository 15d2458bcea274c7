// V8 settings for running translated code in Node, applied before anything is compiled.
//
// V8 reports a flag it does not know on *stdout*, which would end up in the guest's output, so
// experimental flags are set only on the V8 they were measured on (11.3, Node 20).
//
// Tiering is V8's own: every function starts in the baseline tier (Liftoff, compiled in
// microseconds on first call) and is optimised in the background once hot. V8 has no on-stack
// replacement for Wasm, so a long loop would keep its baseline code; translated loops re-enter
// their function now and then to pick up the optimised code (wasm/reentry.ts). Optimising every
// function on its first call instead (V8's compilation hints, as this did until the loops
// re-entered) cost a hello world ~0.1 s of compiles and the bench 10 % (geomean).
import v8 from 'node:v8';

let done = false;

export function configureV8(): void {
  if (done) return;
  done = true;
  const [major, minor] = process.versions.v8.split('.').map(Number);
  if (major === 11 && minor === 3) {
    // Tiering up late (default budget 1.8M): a short run does not optimise, say, printf just
    // before it exits, which then waits for that compile; hot loops still tier up within
    // milliseconds. Measured on the bench: 0.94x the time with the default budget.
    v8.setFlagsFromString('--wasm-tiering-budget=100000000');
    // relaxed SIMD's fused multiply-add (shipped from V8 11.4 on, behind a flag in 11.3)
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    // A function is validated when first compiled, like its compilation: busybox's 21 MB module
    // compiles in 12 ms instead of 38, on the critical path of every run's start. Our modules
    // are validated by the engine whenever the test suite translates them (module.ts).
    v8.setFlagsFromString('--wasm-lazy-validation');
  }
  // The branch hints translated code carries (WasmBuilder.hint): without them V8 spills values
  // around the calls of cold paths on the hot one (FP loops: ~15 % more instructions). Chrome
  // ships them from 137; V8 up to 13.6 has them behind this flag, off in Node 20 (V8 11.3), 22
  // (12.4) and 24 (13.6) alike.
  const version = major! * 100 + minor!;
  if (version >= 1103 && version <= 1306) v8.setFlagsFromString('--experimental-wasm-branch-hinting');
}
