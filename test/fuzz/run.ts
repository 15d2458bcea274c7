// The control-flow fuzzer, many seeds (scripts/fuzz-cfg.mjs runs this through tsx):
//   --count N      programs to run (default 500)
//   --start S      first seed (default 1); seeds S, S+1, ...
//   --seed S       just this seed (repeatable)
//   --show         print each failing (or --seed) program's assembly
//   --stripped     translate the binaries with their symbol tables removed
//   --no-lift      run with run-time lifting disabled (static discovery alone)
//   --strict-flags let code read NZCV set before a `br` at its target (gen.ts GenOptions.strictFlags)
//   --out DIR      write each failing program to DIR/seed-N.s
//   --reduce       shrink each failing program (drop instructions while it still fails the same way)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMismatch, fuzzOne, reduce, requireTools, type FuzzOptions } from './harness.ts';
import { generate } from './gen.ts';

const argv = process.argv.slice(2);
let count = 500, start = 1, show = false, shrink = false, out: string | undefined;
const seeds: number[] = [];
const opts: FuzzOptions = {};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--count') count = Number(argv[++i]);
  else if (a === '--start') start = Number(argv[++i]);
  else if (a === '--seed') seeds.push(Number(argv[++i]));
  else if (a === '--show') show = true;
  else if (a === '--reduce') shrink = true;
  else if (a === '--stripped') opts.stripped = true;
  else if (a === '--no-lift') opts.runtimeLift = false;
  else if (a === '--strict-flags') opts.strictFlags = true;
  else if (a === '--out') out = argv[++i];
  else if (a === '--asm') { console.log(generate(Number(argv[++i]), opts)); process.exit(0); }
  else { console.error(`fuzz-cfg: unknown option ${a}`); process.exit(2); }
}
requireTools();
if (!seeds.length) for (let k = 0; k < count; k++) seeds.push(start + k);
const t0 = Date.now();
const failures: string[] = [];
const kinds = new Map<string, number>();
for (const [k, seed] of seeds.entries()) {
  const r = await fuzzOne(seed, opts);
  if (!r.ok) {
    failures.push(`${seed}`);
    const kind = r.problem.replace(/0x[0-9a-f]+/g, 'ADDR').replace(/\d+/g, 'N');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    console.log(`FAIL ${describeMismatch(r)}`);
    if (out) { mkdirSync(out, { recursive: true }); writeFileSync(join(out, `seed-${seed}.s`), r.asm); }
    if (shrink) {
      const small = await reduce(seed, r.asm, opts);
      console.log(`--- seed ${seed} reduced ---\n${small}\n---`);
      if (out) writeFileSync(join(out, `seed-${seed}.min.s`), small);
    }
  }
  if (show && (!r.ok || seeds.length === 1)) console.log(r.asm);
  if ((k + 1) % 50 === 0) console.log(`  ${k + 1}/${seeds.length} run, ${failures.length} failing (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(`fuzz-cfg: ${seeds.length - failures.length}/${seeds.length} programs identical to qemu in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${n} x ${kind}`);
if (failures.length) console.log(`failing seeds: ${failures.join(' ')}`);
process.exit(failures.length ? 1 : 0);
