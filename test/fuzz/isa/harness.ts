// Runs one generated sequence under qemu-aarch64 (the reference) and translated in-process (as the
// fixture tests run programs), and compares the dumps. The translated run is classified as
// identical, a mismatch (first differing register or memory word), stopped at an unimplemented
// instruction (the translator's SIGILL trap) or an error of the translator/runtime.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf, runFixture } from '../../helpers/run-fixture.ts';
import { QEMU } from '../harness.ts';
import type { Sequence } from './generate.ts';
import { buildElf, differences, OUT_SIZE, type DumpDiff } from './program.ts';

export const OBJDUMP = 'aarch64-linux-gnu-objdump';

export type Verdict = 'identical' | 'mismatch' | 'unimplemented' | 'error';

export interface IsaResult {
  seq: Sequence;
  verdict: Verdict;
  /** one line: what differs, which instruction stopped the run, or the error */
  detail: string;
  /** every differing register and memory word (mismatch) */
  diffs?: DumpDiff[];
  /** qemu's output (the dump) */
  reference?: Uint8Array;
  /** the sequence word the translation stopped at (unimplemented) */
  stoppedAt?: { index: number; word: number; name: string };
}

/** A generator bug: qemu did not run the sequence to its end (the template or a constraint is wrong). */
export class TemplateError extends Error {}

export const qemuAvailable = (): boolean => spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;

const hex8 = (w: number) => w.toString(16).padStart(8, '0');
const showDiff = (d: DumpDiff) => `${d.what}: qemu ${d.reference} translated ${d.translated}`;

function runReference(elf: Uint8Array, dir: string, name = 'p'): { stdout: Buffer; status: number | null; signal: string | null; stderr: string } {
  const exe = join(dir, name);
  writeFileSync(exe, elf, { mode: 0o755 });
  const r = spawnSync(QEMU, [exe], { env: {}, timeout: 20_000, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`qemu-aarch64 failed: ${r.error.message}`);
  return { stdout: r.stdout, status: r.status, signal: r.signal, stderr: r.stderr.toString() };
}

/** The word of `seq` that qemu rejects alone (SIGILL), for a template error's message. */
function rejectedWord(seq: Sequence, dir: string): string {
  for (const [k, w] of seq.words.entries()) {
    const r = runReference(buildElf([{ words: [w], state: seq.state }]).elf, dir, 'one');
    if (r.signal === 'SIGILL') return `qemu rejects word ${k} 0x${hex8(w)} (template ${seq.names[k]})`;
  }
  return 'no single word is rejected alone';
}

export async function runSequence(seq: Sequence): Promise<IsaResult> {
  return (await runBatch([seq]))[0]!;
}

/**
 * Runs the sequences in one program (one qemu run, one translation); results in the program's order. When the translation stops
 * at an unimplemented instruction, the sequences after it run in another batch; when a batch
 * fails as a whole (a crash, an exception), each sequence runs alone so that the result is its own.
 */
export async function runBatch(batch: Sequence[]): Promise<IsaResult[]> {
  if (!batch.length) return [];
  // sequences that write FPSR go last: the translator keeps FPSR exactly from the first write on, for
  // the rest of the run, so the others would not test its fast path
  const seqs = [...batch].sort((a, b) => Number(a.state.strictFp) - Number(b.state.strictFp));
  const alone = async () => (await Promise.all(seqs.map((q) => runBatch([q])))).flat();
  const { elf, starts } = buildElf(seqs);
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-isa-'));
  try {
    const ref = runReference(elf, dir);
    if (ref.signal || ref.status !== 0) {
      if (seqs.length > 1) return await alone();
      const how = ref.signal ? `died of ${ref.signal}` : `exited ${ref.status}`;
      throw new TemplateError(`fuzz-isa ${seqs[0]!.cls} seed ${seqs[0]!.seed}: qemu ${how} (${ref.stderr.trim()}); ${rejectedWord(seqs[0]!, dir)}`);
    }
    let got: { stdout: string; stderr: string; status: number };
    try {
      got = await runFixture(await loadElf(elf, join(dir, 'p')), [], { stdoutEncoding: 'latin1' });
    } catch (e) {
      if (seqs.length > 1) return await alone();
      return [{ seq: seqs[0]!, verdict: 'error', detail: `translator/runtime threw: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` }];
    }
    const out = new Uint8Array(Buffer.from(got.stdout, 'latin1'));
    const stop = /(?:unimplemented|undefined) instruction at 0x([0-9a-f]+)/.exec(got.stderr);
    if (!stop && got.status !== 0) {
      if (seqs.length > 1) return await alone();
      return [{ seq: seqs[0]!, verdict: 'mismatch', detail: `exit status ${got.status} (qemu 0): ${got.stderr.trim().split('\n')[0]}` }];
    }
    const pc = stop ? parseInt(stop[1]!, 16) : -1;
    const at = stop ? seqs.findIndex((q, k) => pc >= starts[k]! && pc < starts[k]! + 4 * q.words.length) : seqs.length;
    if (at < 0) return seqs.length > 1 ? await alone() : [{ seq: seqs[0]!, verdict: 'error', detail: `stopped outside the sequence: ${got.stderr.trim()}` }];
    const results = seqs.slice(0, at).map((seq, k): IsaResult => {
      const slice = (b: Uint8Array) => b.subarray(k * OUT_SIZE, (k + 1) * OUT_SIZE);
      const reference = slice(new Uint8Array(ref.stdout));
      const diffs = differences(reference, slice(out), !seq.state.strictFp);
      if (!diffs.length) return { seq, verdict: 'identical', detail: '', reference };
      return { seq, verdict: 'mismatch', detail: showDiff(diffs[0]!), diffs, reference };
    });
    if (stop) {
      const seq = seqs[at]!, index = (pc - starts[at]!) / 4, word = seq.words[index]!;
      results.push({ seq, verdict: 'unimplemented', detail: `${seq.names[index]} 0x${hex8(word)}`, stoppedAt: { index, word, name: seq.names[index]! } });
      results.push(...(await runBatch(seqs.slice(at + 1))));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sequence disassembled by objdump (with each word's template), or the words alone without objdump. */
export function disassemble(seq: Sequence): string[] {
  const base = buildElf([seq]).starts[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-isa-dis-'));
  try {
    const raw = join(dir, 'seq.bin');
    writeFileSync(raw, new Uint8Array(new Uint32Array(seq.words).buffer));
    const r = spawnSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'aarch64', `--adjust-vma=0x${base.toString(16)}`, raw], { encoding: 'utf8' });
    const lines = r.status === 0 ? r.stdout.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)) : [];
    return seq.words.map((w, k) => `${lines[k]?.replace(/\s+$/, '') ?? `  ${(base + 4 * k).toString(16)}:\t${hex8(w)}`}\t// ${seq.names[k]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A report of one result: what differs and the sequence (marking the word it stopped at). */
export function describe(r: IsaResult): string {
  const dis = disassemble(r.seq).map((l, k) => (k === r.stoppedAt?.index ? `${l}   <-- stopped here` : l));
  const more = (r.diffs ?? []).slice(1, 12).map((d) => `  also ${showDiff(d)}`);
  if ((r.diffs?.length ?? 0) > 12) more.push(`  … ${r.diffs!.length - 12} more`);
  return [`${r.seq.cls} seed ${r.seq.seed} (${r.seq.words.length} words${r.seq.state.strictFp ? ', FPSR written first' : ''}): ${r.verdict}: ${r.detail}`, ...more, ...dis].join('\n');
}

/** Writes `<dir>/<class>-<seed>.elf` (runs under qemu-aarch64 and elf2wasm run) and `.txt` (the report). */
export function writeRepro(r: IsaResult, dir: string, suffix = ''): string {
  const stem = join(dir, `${r.seq.cls}-${r.seq.seed}${suffix}`);
  writeFileSync(`${stem}.elf`, buildElf([r.seq]).elf, { mode: 0o755 });
  writeFileSync(`${stem}.txt`, `${describe(r)}\n\nreproduce: npm run fuzz:isa -- --class ${r.seq.cls} --seed ${r.seq.seed} --count 1 --length ${r.seq.words.length}\n` +
    `stdout is the dump: x0..x30, sp, nzcv, fpsr (8 bytes each), v0..v31 (16 each) from 0, then memory 0x500400..0x504400 from byte 0x400\n`);
  return stem;
}
