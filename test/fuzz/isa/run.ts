// The random-instruction fuzzer over many sequences (`npm run fuzz:isa -- …`; the CI sample is
// test/fuzz/isa.test.ts):
//   --count N     sequences per class (default 100)
//   --class C     a class or extension (repeatable; default: every class and extension)
//   --seed S      first seed (default 1): sequences S, S+1, …
//   --length L    instructions per sequence (default 40)
//   --batch B     sequences per program (default 25; one translation and one qemu run each)
//   --out DIR     where mismatch reproducers go (default fuzz-isa-repro)
//   --reduce      also shrink each mismatch (words replaced by NOP while it differs at the same place)
//   --list        print the classes and extensions
// Prints per class how many sequences were identical to qemu, mismatched (first differing register,
// the sequence disassembled) or stopped at an unimplemented instruction (which template).
import { mkdirSync } from 'node:fs';
import { fuzzUnits } from './classes/index.ts';
import { generateSequence } from './generate.ts';
import { NOP, reduce } from './reduce.ts';
import { describe, disassemble, qemuAvailable, runBatch, runSequence, TemplateError, writeRepro, type IsaResult, type Verdict } from './harness.ts';

const argv = process.argv.slice(2);
let count = 100, seed = 1, length = 40, batch = 25, out = 'fuzz-isa-repro', shrink = false;
const wanted: string[] = [];
const units = fuzzUnits();
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--count') count = Number(argv[++i]);
  else if (a === '--class') wanted.push(...argv[++i]!.split(','));
  else if (a === '--seed') seed = Number(argv[++i]);
  else if (a === '--length') length = Number(argv[++i]);
  else if (a === '--batch') batch = Number(argv[++i]);
  else if (a === '--out') out = argv[++i]!;
  else if (a === '--reduce') shrink = true;
  else if (a === '--list') { for (const u of units) console.log(`${u.name}\t${u.templates.filter((t) => !t.ext).map((t) => t.name).join(' ')}`); process.exit(0); }
  else { console.error(`fuzz:isa: unknown option ${a}`); process.exit(2); }
}
const unknown = wanted.filter((w) => !units.some((u) => u.name === w));
if (unknown.length) { console.error(`fuzz:isa: no class ${unknown.join(', ')} (--list shows them)`); process.exit(2); }
if (!qemuAvailable()) { console.error('fuzz:isa needs qemu-aarch64 (Debian: apt-get install qemu-user)'); process.exit(2); }

const t0 = Date.now();
const summary: string[] = [];
let bad = 0;
for (const unit of units.filter((u) => !wanted.length || wanted.includes(u.name))) {
  const counts: Record<Verdict | 'template', number> = { identical: 0, mismatch: 0, unimplemented: 0, error: 0, template: 0 };
  const stops = new Map<string, number>();
  const stopMnemonics = new Map<string, Set<string>>(); // template → the mnemonics it stopped at
  for (let k0 = 0; k0 < count; k0 += batch) {
    if (k0) process.stderr.write(`  ${unit.name}: ${k0}/${count} (${counts.identical} identical, ${counts.mismatch} mismatch, ${counts.unimplemented} unimplemented) ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    const seqs = Array.from({ length: Math.min(batch, count - k0) }, (_, j) => generateSequence(unit, seed + k0 + j, length));
    let results: IsaResult[];
    try {
      results = await runBatch(seqs);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      counts.template++;
      console.log(`TEMPLATE ${e.message}`);
      continue;
    }
    for (let r of results) {
      if (r.verdict === 'mismatch' && seqs.length > 1) {
        const single = await runSequence(r.seq); // the reproducer runs the sequence alone
        if (single.verdict === 'identical') r = { ...r, detail: `${r.detail} (only in its batch, seeds ${seqs[0]!.seed}..${seqs.at(-1)!.seed}; alone it matches)` };
        else r = single;
      }
      counts[r.verdict]++;
      if (r.verdict === 'unimplemented') {
        const name = r.stoppedAt!.name;
        stops.set(name, (stops.get(name) ?? 0) + 1);
        const line = disassemble(r.seq)[r.stoppedAt!.index]!;
        const mnemonic = /^\s*[0-9a-f]+:\t[0-9a-f]+\s+\t?(\S+)/.exec(line)?.[1] ?? `0x${r.stoppedAt!.word.toString(16)}`;
        (stopMnemonics.get(name) ?? stopMnemonics.set(name, new Set()).get(name)!).add(mnemonic);
      }
      if (r.verdict === 'mismatch' || r.verdict === 'error') {
        mkdirSync(out, { recursive: true });
        console.log(`${r.verdict.toUpperCase()} ${describe(r)}\n  reproducer: ${writeRepro(r, out)}.{elf,txt}`);
        if (shrink && r.verdict === 'mismatch') {
          const small = await reduce(r);
          const kept = small.seq.words.filter((w) => w !== NOP).length;
          console.log(`REDUCED to ${kept} instructions: ${describe(small).split('\n').filter((l) => !l.includes('// NOP')).join('\n')}\n  reproducer: ${writeRepro(small, out, '-min')}.{elf,txt}`);
        }
      }
    }
  }
  const stopList = [...stops].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}: ${[...stopMnemonics.get(n)!].sort().join(' ')}`).join('; ');
  const line = `${unit.name.padEnd(18)} ${count} sequences: ${counts.identical} identical, ${counts.mismatch} mismatch, ` +
    `${counts.unimplemented} stopped at unimplemented${stopList ? ` (${stopList})` : ''}, ${counts.error} errors, ${counts.template} template errors`;
  console.log(line);
  summary.push(line);
  bad += counts.mismatch + counts.error + counts.template;
}
console.log(`\nfuzz:isa (seeds ${seed}..${seed + count - 1}, ${length} instructions, ${((Date.now() - t0) / 1000).toFixed(0)} s)\n${summary.join('\n')}`);
process.exit(bad ? 1 : 0);
