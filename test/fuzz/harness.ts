// Builds a generated program (gen.ts) with the cross assembler and linker, runs it under
// qemu-aarch64 (the reference) and translated (src/translate.ts + src/node/run.ts, as the fixture
// tests run programs), and compares stdout and exit status.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf, runFixture } from '../helpers/run-fixture.ts';
import { stripSymbols } from '../helpers/strip-elf.mjs';
import { generate, type GenOptions } from './gen.ts';

export const AS = 'aarch64-linux-gnu-as';
export const LD = 'aarch64-linux-gnu-ld';
export const QEMU = 'qemu-aarch64';

/** Throws a clear error naming what is missing: the fuzzer needs the cross toolchain and qemu. */
export function requireTools(): void {
  const missing = [AS, LD, QEMU].filter((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status !== 0);
  if (missing.length)
    throw new Error(
      `the control-flow fuzzer needs ${missing.join(', ')} (Debian: apt-get install binutils-aarch64-linux-gnu qemu-user); ` +
        'CI installs them (.ci/run)',
    );
}

export interface Outcome { stdout: string; stderr: string; status: number }
export interface FuzzResult {
  seed: number;
  asm: string;
  ok: boolean;
  /** what went wrong, one line (empty when ok) */
  problem: string;
  reference?: Outcome;
  translated?: Outcome;
}

export interface FuzzOptions extends GenOptions {
  /** strip the symbol table before translating (test/helpers/strip-elf.mjs) */
  stripped?: boolean;
  /** run-time lifting (default: the runtime's default, on) */
  runtimeLift?: boolean;
}

/** Assembles and links; returns the ELF's path (in dir). Throws on a generator bug. */
export function build(asm: string, dir: string): string {
  const s = join(dir, 'p.s'), o = join(dir, 'p.o'), exe = join(dir, 'p');
  writeFileSync(s, asm);
  const a = spawnSync(AS, ['-o', o, s], { encoding: 'utf8' });
  if (a.status !== 0) throw new Error(`generator bug: the assembler rejected the program:\n${a.stderr}`);
  const l = spawnSync(LD, ['-static', '-o', exe, o], { encoding: 'utf8' });
  if (l.status !== 0) throw new Error(`generator bug: the linker failed:\n${l.stderr}`);
  return exe;
}

export function runQemu(exe: string, timeoutMs = 20_000): Outcome {
  const r = spawnSync(QEMU, [exe], { env: {}, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`qemu-aarch64 failed on ${exe}: ${r.error.message} (a generated program must terminate)`);
  if (r.signal) throw new Error(`qemu-aarch64: the generated program was killed by ${r.signal}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status! };
}

export async function fuzzOne(seed: number, opts: FuzzOptions = {}, asmText?: string, qemuTimeoutMs?: number): Promise<FuzzResult> {
  const asm = asmText ?? generate(seed, opts);
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-cfg-'));
  try {
    const exe = build(asm, dir);
    const reference = runQemu(exe, qemuTimeoutMs);
    let translated: Outcome;
    try {
      const bytes = readFileSync(exe);
      const bin = await loadElf(opts.stripped ? stripSymbols(bytes).bytes : bytes, exe);
      translated = await runFixture(bin, [], opts.runtimeLift === undefined ? {} : { runtimeLift: opts.runtimeLift });
    } catch (e) {
      const msg = e instanceof Error ? `${e.message}` : String(e);
      return { seed, asm, ok: false, problem: `translator/runtime threw: ${msg.split('\n')[0]}`, reference };
    }
    const diffs: string[] = [];
    if (translated.status !== reference.status) diffs.push(`status ${translated.status} (qemu ${reference.status})`);
    if (translated.stdout !== reference.stdout) diffs.push('stdout differs');
    if (translated.stderr !== reference.stderr) diffs.push(`stderr: ${translated.stderr.trim().split('\n')[0]?.slice(0, 200)}`);
    return { seed, asm, ok: diffs.length === 0, problem: diffs.join('; '), reference, translated };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A readable diff of the register dump (lines x0..x15, x19, nzcv). */
export function describeMismatch(r: FuzzResult): string {
  const names = [...Array.from({ length: 16 }, (_, k) => `x${k}`), 'x19 (path)', 'zero'];
  const a = r.reference?.stdout.split('\n') ?? [], b = r.translated?.stdout.split('\n') ?? [];
  const lines = [`seed ${r.seed}: ${r.problem}`];
  for (let k = 0; k < Math.max(a.length, b.length); k++)
    if (a[k] !== b[k]) lines.push(`  ${names[k] ?? `line ${k}`}: qemu ${a[k] ?? '-'} translated ${b[k] ?? '-'}`);
  return lines.join('\n');
}

/** Shrinks a failing program: drops instruction lines (never labels, data, frames or flag definitions) while the translated
 * run still differs from qemu's in the same way (a program that no longer terminates under qemu
 * within 2 s, or no longer assembles, is not a reproducer). */
export async function reduce(seed: number, asm: string, opts: FuzzOptions = {}, log: (s: string) => void = () => {}): Promise<string> {
  const first = await fuzzOne(seed, opts, asm);
  if (first.ok) return asm;
  const kind = (p: string) => p.replace(/[0-9a-f]{6,}|\d+/g, 'N');
  const want = kind(first.problem);
  let lines = asm.split('\n');
  const firstFn = lines.indexOf('f0:'); // _start (seeding, dumping) stays as it is
  const removableLine = (l: string, i: number) => i > firstFn && removable(l);
  // frame code stays, and so do 64-bit register compares: the generator defines NZCV with them at
  // function entry, after calls and at indirect-branch targets (dropping those would reduce every
  // failure to the known flags-across-boundaries difference)
  const removable = (l: string) => /^ {2}\S/.test(l) && !/^ {2}(\.|ldp x2[13]|ldp x29|stp|mov x29|ret$|cmp x\d+, x\d+$)/.test(l);
  const still = async (cand: string[]): Promise<boolean> => {
    try {
      const r = await fuzzOne(seed, opts, cand.join('\n'), 2000);
      return !r.ok && kind(r.problem) === want;
    } catch {
      return false;
    }
  };
  for (let chunk = 64; chunk >= 1; chunk = Math.floor(chunk / 2)) {
    let idx = lines.map((l, i) => (removableLine(l, i) ? i : -1)).filter((i) => i >= 0);
    for (let k = idx.length - chunk; k >= 0; k -= chunk) {
      const drop = new Set(idx.slice(k, k + chunk));
      const cand = lines.filter((_, i) => !drop.has(i));
      if (await still(cand)) {
        lines = cand;
        idx = lines.map((l, i) => (removableLine(l, i) ? i : -1)).filter((i) => i >= 0);
        log(`  ${idx.length} instruction lines left`);
        if (k > idx.length) k = idx.length;
      }
    }
  }
  return lines.join('\n');
}
