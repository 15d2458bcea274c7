// binaryen's optimiser, for translations at optimize > 0: the module our builder emitted is read
// back into binaryen, optimised and emitted again. binaryen is 15 MB of JavaScript with a
// top-level await, so the translator never imports it, not even lazily (a bundler would make a
// chunk of it for every app): the library entry (src/index.ts) registers it, and a translation
// thread (node/translate-worker.ts) imports it first when asked to optimise.
import type binaryen from 'binaryen';
import { Features } from './ir.ts';

type Binaryen = typeof binaryen;
let optimizer: Binaryen | undefined;

/** makes `b` the optimiser (the library entry, which imports binaryen anyway) */
export function useOptimizer(b: Binaryen): void { optimizer = b; }

/** `wasm` optimised at `level` (1..4), with the features our builder's module was given */
export function optimizeBinary(wasm: Uint8Array, level: number, features: number): Uint8Array {
  const b = optimizer;
  if (!b) throw new Error(`optimisation level ${level} needs binaryen, which is not loaded: translate through 'unplugin-elf' or translateInThread, or call useOptimizer(binaryen) first`);
  const m = b.readBinary(wasm);
  try {
    let f = 0;
    for (const [name, bit] of Object.entries(Features)) if (bit && (features & bit) === bit && name !== 'All') f |= (b.Features as unknown as Record<string, number>)[name]!;
    m.setFeatures(f);
    b.setOptimizeLevel(level);
    b.setShrinkLevel(0);
    b.setDebugInfo(true); // keep function names: guest symbols in Wasm stack traces
    m.optimize();
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
