// Pointer authentication (issue 11's "last A64 instructions"): pauth.c built for Armv8.3 with
// -mbranch-protection=standard returns by RETAA and lands on BTI pads, for glibc and musl, run
// under qemu-aarch64 (the reference, at test time) and translated; stdout, stderr and the exit
// status must match. The translation runs it as a core whose address keys are disabled
// (table/branch.ts), so the cases sign what they authenticate: LDRAA/LDRAB at every kind of
// offset and their faults, which must reach the handler as a plain load's do under each memory
// protection that checks such an address; PACGA, whose key is random per process under qemu too,
// through what does not depend on the key (fork, a thread, exec, PR_PAC_RESET_KEYS).
import { resolve } from 'node:path';
import type { ProtectMode } from '../src/translate-options.ts';
import { crossBuilder } from './helpers/cross-build.ts';
import { realSuite, requireBinfmt, type RealCase } from './helpers/real.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/pauth/pauth.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;
const WHERE = ['null', 'unmapped', 'prot-none'];
const faults = (where: string[]): RealCase[] => where.map((w) => ({ name: `LDRAx faults: ${w}`, args: ['ldra-fault', w] }));
/** the other modes, with the faults each checks for (protect 'none' checks none, 'bounds' the null page) */
const PROTECT: [ProtectMode, string[]][] = [['bounds', ['null']], ['pages', WHERE], ['full', WHERE]];

const crossBuild = crossBuilder('pauth');
for (const [libc, gcc] of Object.entries(LIBCS)) {
  const name = `pauth-${libc}`;
  const flags = ['-O2', '-static', '-march=armv8.3-a', '-mbranch-protection=standard', '-pthread', '-Wall'];
  let built: string | undefined;
  const make = (): string => {
    requireBinfmt(); // the pacga case execs itself
    return (built ??= crossBuild(gcc, SOURCE, name, flags));
  };
  realSuite(`pointer authentication: pauth.c (${libc})`, { name, make }, [
    { name: 'RETAA, BTI', args: [] },
    { name: 'LDRAA, LDRAB', args: ['ldra'] },
    ...faults(WHERE),
    { name: 'PACGA', args: ['pacga'] },
  ], { timeoutMs: 60_000 });
  for (const [protect, where] of PROTECT) {
    realSuite(`pointer authentication: pauth.c (${libc}), protect '${protect}'`, { name, make }, faults(where), { timeoutMs: 60_000, protect });
  }
}
