// The fixture programs with their symbol tables stripped (test/helpers/strip-elf.mjs, as `strip`
// does; scripts/fixtures.mjs checks under qemu that stripping changes no behaviour): the same
// qemu-recorded expectations apply. Discovery can no longer start from symbols: the discovery-only
// count (see test/helpers/program-suite.ts) shows what .eh_frame, calls, data pointers and jump
// tables find on their own; with run-time lifting on every case must pass.
import { fixtureSuite, progsCases } from './helpers/program-suite.ts';

const cases = progsCases();
for (const build of ['progs-glibc-O0', 'progs-glibc-O2', 'progs-musl-O2']) fixtureSuite(build, cases, { stripped: true, optimize: 0 });
