// Single instructions under qemu-aarch64 and in the Wasm harness (a64-lift.ts), record by record:
// a static test program (built by the cross gcc) loads v0..v3, x0..x3, NZCV and FPCR from each
// input record, runs the instruction, stores the same registers and FPSR; the caller compares
// them with runInsn on the same state (differ), or with the same program translated and run by the
// runtime (differTranslated). Without the toolchain the caller skips, saying so
// (outside CI; under CI=true a missing toolchain fails: see `toolchainMissing`). `muslProgram`
// does the same for a whole C test program of an instruction family, built with musl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInsn, type State } from './a64-lift.ts';
import { FIXTURES, loadElf, runFixture, type Expected } from './run-fixture.ts';
import type { TranslateOptions } from '../../src/translate-options.ts';

/** why the differential suites cannot run here, or undefined when qemu and the cross gcc exist */
export function toolchainMissing(): string | undefined {
  for (const tool of ['qemu-aarch64', 'aarch64-linux-gnu-gcc']) {
    try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); } catch { return `${tool} is not installed`; }
  }
  return undefined;
}

/** why a C test program cannot be built with musl here, or undefined when aarch64-linux-musl-gcc exists */
export function muslMissing(): string | undefined {
  try { execFileSync('aarch64-linux-musl-gcc', ['--version'], { stdio: 'ignore' }); return undefined; } catch { return 'aarch64-linux-musl-gcc is not installed'; }
}

/**
 * The fixture C program `source` (a path under test/fixtures) built static with musl and `flags`,
 * run under qemu (`want`: its stdout) and translated (`got`)
 */
export async function muslProgram(source: string, flags: string[]): Promise<{ want: string; got: Expected }> {
  const dir = mkdtempSync(join(tmpdir(), 'musl-prog-'));
  try {
    const exe = join(dir, 'prog');
    execFileSync('aarch64-linux-musl-gcc', ['-static', ...flags, '-o', exe, join(FIXTURES, source)]);
    const want = execFileSync('qemu-aarch64', [exe], { encoding: 'utf8' });
    return { want, got: await runFixture(await loadElf(readFileSync(exe), exe), []) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface InsnCase { asm: string; states: State[] }
export interface Outcome { asm: string; word: number; state: State; want: State & { fpsr: number }; got: State & { fpsr: number } }

const RECORD = 128; // v0..v3 (64), x0..x3 (32), nzcv, fpcr, fpsr, pad
const M64 = (1n << 64n) - 1n;

/**
 * `fpState: false`: the program never touches FPCR or FPSR (the records' fpcr is ignored, FPSR is
 * stored as 0), so translated code stays on its default-FPCR fast paths, which a first write of
 * either register leaves for good (fp-strict.ts)
 */
interface HarnessOptions { march?: string; cpu?: string; fpState?: boolean }

/** the test program for `cases` built in `dir` (its path) and what it writes under qemu (`-cpu`, default qemu's own) */
function harness(dir: string, cases: InsnCase[], opts: HarnessOptions): { program: string; out: Buffer; total: number } {
  const inputs: Buffer[] = [];
  for (const c of cases) {
    for (const s of c.states) {
      const buf = Buffer.alloc(RECORD);
      [0, 1, 2, 3].forEach((k) => { const q = s.v[k] ?? 0n; buf.writeBigUInt64LE(q & M64, k * 16); buf.writeBigUInt64LE((q >> 64n) & M64, k * 16 + 8); });
      [0, 1, 2, 3].forEach((k) => buf.writeBigUInt64LE(BigInt.asUintN(64, s.x[k] ?? 0n), 64 + k * 8));
      buf.writeBigUInt64LE(BigInt(s.nzcv) << 28n, 96);
      buf.writeBigUInt64LE(BigInt((s.fpcr ?? 0) >>> 0), 104);
      inputs.push(buf);
    }
  }
  writeFileSync(join(dir, 'in.bin'), Buffer.concat(inputs));
  const total = inputs.length;
  let asm = '.text\n.global _start\n_start:\n  ldr x20, =inputs\n  ldr x21, =outputs\n  ldr x23, =words\n';
  cases.forEach((c, k) => {
    asm += `  adr x9, insn${k}\n  ldr w10, [x9]\n  str w10, [x23], #4\n  mov x22, #${c.states.length}\n  cbz x22, done${k}\n`;
    asm += `loop${k}:\n  ldp q0, q1, [x20]\n  ldp q2, q3, [x20, #32]\n  ldp x0, x1, [x20, #64]\n  ldp x2, x3, [x20, #80]\n`;
    const fp = opts.fpState ?? true;
    asm += `  ldp x9, x10, [x20, #96]\n  msr nzcv, x9\n${fp ? '  msr fpcr, x10\n  msr fpsr, xzr\n' : ''}`;
    asm += `insn${k}:\n  ${c.asm}\n`;
    asm += `  mrs x9, nzcv\n${fp ? '  mrs x10, fpsr\n  msr fpcr, xzr\n' : '  mov x10, xzr\n'}  stp q0, q1, [x21]\n  stp q2, q3, [x21, #32]\n  stp x0, x1, [x21, #64]\n  stp x2, x3, [x21, #80]\n`;
    asm += `  stp x9, x10, [x21, #96]\n  add x20, x20, #${RECORD}\n  add x21, x21, #${RECORD}\n  subs x22, x22, #1\n  b.ne loop${k}\ndone${k}:\n`;
  });
  asm += `  ldr x1, =words\n  ldr x2, =${cases.length * 4 + total * RECORD}\n1:\n  mov x0, #1\n  mov x8, #64\n  svc #0\n  cmp x0, #0\n  b.le 2f\n  add x1, x1, x0\n  subs x2, x2, x0\n  b.ne 1b\n2:\n  mov x0, #0\n  mov x8, #93\n  svc #0\n`;
  asm += `.ltorg\n.data\n.balign 16\ninputs:\n.incbin "${join(dir, 'in.bin')}"\n.bss\n.balign 16\nwords: .skip ${cases.length * 4}\noutputs: .skip ${total * RECORD}\n`;
  writeFileSync(join(dir, 't.s'), asm);
  execFileSync('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', `-march=${opts.march ?? 'armv8.2-a+crc+fp16'}`, '-o', join(dir, 't'), join(dir, 't.s')]);
  const out = execFileSync('qemu-aarch64', [...(opts.cpu ? ['-cpu', opts.cpu] : []), join(dir, 't')], { maxBuffer: 1 << 30 });
  if (out.length !== cases.length * 4 + total * RECORD) throw new Error(`qemu wrote ${out.length} bytes`);
  return { program: join(dir, 't'), out, total };
}

/** Runs every case under qemu and in the harness (runInsn); returns the records that differ. */
export function differ(cases: InsnCase[], opts: HarnessOptions = {}): { total: number; bad: Outcome[] } {
  const dir = mkdtempSync(join(tmpdir(), 'a64q-'));
  try {
    const { out, total } = harness(dir, cases, opts);
    const bad: Outcome[] = [];
    let rec = 0;
    cases.forEach((c, k) => {
      const word = out.readUInt32LE(k * 4);
      for (const state of c.states) {
        const o = cases.length * 4 + rec++ * RECORD;
        const want = {
          v: [0, 1, 2, 3].map((q) => out.readBigUInt64LE(o + q * 16) | (out.readBigUInt64LE(o + q * 16 + 8) << 64n)),
          x: [0, 1, 2, 3].map((q) => out.readBigUInt64LE(o + 64 + q * 8)),
          nzcv: Number(out.readBigUInt64LE(o + 96) >> 28n) & 15,
          fpcr: state.fpcr,
          fpsr: Number(out.readBigUInt64LE(o + 104) & 0xffffffffn),
        };
        const full: State = { ...state, x: [0, 1, 2, 3].map((q) => state.x[q] ?? 0n), v: [0, 1, 2, 3].map((q) => state.v[q] ?? 0n), fpsr: 0 };
        const got = runInsn(word, full);
        const same = got.nzcv === want.nzcv && got.fpsr === want.fpsr && got.v.every((q, i) => q === want.v[i]) && got.x.every((q, i) => q === want.x[i]);
        if (!same) bad.push({ asm: c.asm, word, state: full, want, got });
      }
    });
    return { total, bad };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs every case under qemu and as a whole program translated with `options` and run by the
 * runtime (as `elf2wasm run` runs it: the engine's fused multiply-add where it has one; with
 * `fpState: false`, the default-FPCR fast paths); returns the cases whose records differ, with how many.
 */
export async function differTranslated(cases: InsnCase[], options: TranslateOptions, opts: HarnessOptions = {}): Promise<{ total: number; bad: { asm: string; records: number }[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'a64t-'));
  try {
    const { program, out, total } = harness(dir, cases, opts);
    const ran = await runFixture(await loadElf(readFileSync(program), program, options), [], { stdoutEncoding: 'latin1' });
    const got = Buffer.from(ran.stdout, 'latin1');
    if (ran.status !== 0 || got.length !== out.length) throw new Error(`translated: status ${ran.status}, ${got.length} of ${out.length} bytes; stderr ${ran.stderr}`);
    const bad: { asm: string; records: number }[] = [];
    let at = cases.length * 4;
    for (const c of cases) {
      let records = 0;
      for (let j = 0; j < c.states.length; j++, at += RECORD) if (!got.subarray(at, at + RECORD).equals(out.subarray(at, at + RECORD))) records++;
      if (records) bad.push({ asm: c.asm, records });
    }
    return { total, bad };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const h = (v: bigint) => v.toString(16);
/** the first `n` differences, readable */
export const describeBad = (bad: Outcome[], n = 12): string => bad.slice(0, n).map((b) =>
  `${b.asm} fpcr=${((b.state.fpcr ?? 0) >>> 0).toString(16)}: in v1=${h(b.state.v[1]!)} v2=${h(b.state.v[2]!)} x1=${h(b.state.x[1]!)} x2=${h(b.state.x[2]!)}\n`
  + `   qemu v0=${h(b.want.v[0]!)} x0=${h(b.want.x[0]!)} fpsr=${b.want.fpsr.toString(16)}\n   ours v0=${h(b.got.v[0]!)} x0=${h(b.got.x[0]!)} fpsr=${b.got.fpsr.toString(16)}`).join('\n');
