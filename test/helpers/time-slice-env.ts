// Imported first by test/time-slice-stress.test.ts, so that the environment is set before the
// translator and the runtime (imported after it) read it: tasks give way at every chance
// (runtime/kernel.ts TIME_SLICE_MS) and loops reach their interrupt point every 8th turn
// (wasm/reentry.ts REENTRY_INTERVAL); run threads started later take the environment too.
process.env.ELF2WASM_TIME_SLICE_MS = '0';
process.env.ELF2WASM_REENTRY_INTERVAL = '8';
