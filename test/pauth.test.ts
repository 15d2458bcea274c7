// Pointer authentication (issue 11's "last A64 instructions"): pauth.c built for Armv8.3 with
// -mbranch-protection=standard returns by RETAA and lands on BTI pads, for glibc and musl, run
// under qemu-aarch64 (the reference, at test time) and translated; stdout, stderr and the exit
// status must match. The translation runs it as a core whose keys are disabled (table/branch.ts).
import { resolve } from 'node:path';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite } from './helpers/real.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/pauth/pauth.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;

const crossBuild = crossBuilder('pauth');
for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `pauth-${libc}`;
  const flags = ['-O2', '-static', '-march=armv8.3-a', '-mbranch-protection=standard', '-Wall'];
  realSuite(`pointer authentication: pauth.c (${libc})`, { name, make: () => crossBuild(gcc, SOURCE, name, flags) }, [{ name: 'RETAA, BTI', args: [] }], { timeoutMs: 60_000 });
}
