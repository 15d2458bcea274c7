// The control-flow fuzzer's bounded CI sample: 40 generated programs (fixed seeds; gen.ts) built
// with the cross assembler, run under qemu-aarch64 and translated (every other one with its symbol
// table stripped); stdout (a register dump with a hash of the path taken) and exit status must match. Needs aarch64-linux-gnu-as/ld and
// qemu-aarch64 (CI installs them): fails, never skips, without them. More seeds:
// `node scripts/fuzz-cfg.mjs --count 1000`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeMismatch, fuzzOne, requireTools } from './harness.ts';

const SEEDS = Array.from({ length: 40 }, (_, k) => 1000 + k * 7919);

describe('control-flow fuzzer (qemu-aarch64 is the reference)', () => {
  beforeAll(() => requireTools());
  for (const [k, seed] of SEEDS.entries()) {
    const stripped = k % 2 === 1;
    it(`seed ${seed}${stripped ? ' (stripped)' : ''}`, async () => {
      const r = await fuzzOne(seed, { stripped });
      expect(r.reference, 'qemu ran the program').toBeDefined();
      if (!r.ok) expect.fail(`${describeMismatch(r)}\n--- reproducer (node scripts/fuzz-cfg.mjs --seed ${seed}${stripped ? ' --stripped' : ''} --show) ---\n${r.asm}`);
    });
  }
});

// Reduced programs of past mismatches (test/fuzz/repro/*.s, see its README): must match qemu.
describe('fuzzer reproducers', () => {
  const dir = join(import.meta.dirname, 'repro');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.s'))) {
    it(f, async () => {
      const r = await fuzzOne(0, {}, readFileSync(join(dir, f), 'utf8'));
      if (!r.ok) expect.fail(describeMismatch(r));
    });
  }
});

// Found by the fuzzer in --strict-flags mode: hand-written code may read NZCV at the target of a
// `br` (compiled code never does); here cset reads C from the cmp before the branch.
describe('NZCV set before an indirect branch (found by the fuzzer)', () => {
  const asm = ['.text', '.global _start', '_start:', '  movz x14, #47080', '  cmp w14, #7', '  adr x17, 1f', '  br x17',
    '1: cset w0, cs', '  mov x8, #94', '  svc #0', ''].join('\n');
  let r: Awaited<ReturnType<typeof fuzzOne>>;
  beforeAll(async () => { r = await fuzzOne(0, {}, asm); });
  it('under qemu, NZCV set before `br` is visible at its target (exit status 1)', () => {
    expect(r.reference).toEqual({ stdout: '', stderr: '', status: 1 });
  });
  it('the translation keeps NZCV across `br` as well', () => {
    expect(r.translated).toEqual(r.reference);
  });
});
