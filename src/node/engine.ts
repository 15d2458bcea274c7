// V8 settings for running translated code in Node, applied before anything is compiled.
import v8 from 'node:v8';

let done = false;

export function configureV8(): void {
  if (done) return;
  done = true;
  // V8 has no on-stack replacement for Wasm: a guest main loop would stay in the baseline tier.
  v8.setFlagsFromString('--no-liftoff');
  // relaxed SIMD's fused multiply-add (on by default in browsers, behind a flag in Node 20)
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
