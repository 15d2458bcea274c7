// Loops re-entering their function at every 8th counted head run instead of every 16 384th
// (ELF2WASM_REENTRY_INTERVAL, wasm/reentry.ts): every loop of every fixture program then stores
// its live registers and re-enters at its head again and again, at both nesting levels that
// re-enter, which the ordinary interval exercises only in long loops (progs `loops`). The
// outputs must stay qemu's.
import { fixtureSuite, progsCases } from './helpers/program-suite.ts';

// read by the translation threads, which take the environment as they start
process.env.ELF2WASM_REENTRY_INTERVAL = '8';

const cases = progsCases();
for (const build of ['progs-glibc-O2', 'progs-musl-O2']) fixtureSuite(build, cases);
