// Run-time lifting: code the build did not find is lifted when reached (test/fixtures/lift: tiny
// executables recorded under qemu-aarch64 by scripts/lift-fixtures.mjs), a JIT's rewritten code
// is lifted again after its cache flush, a jump into data stays a SIGSEGV, learning builds
// translate what earlier runs lifted; and the dispatch table's run-time side on its own.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISPATCH_SLOT, dispatchHash } from '../src/abi.ts';
import type { TranslationMeta } from '../src/meta.ts';
import { configureV8 } from '../src/node/engine.ts';
import { learnedPathFor, readLearned, recordLearned } from '../src/node/learned.ts';
import { runNode } from '../src/node/run.ts';
import { DispatchTable } from '../src/runtime/dispatch-table.ts';
import type { RuntimeCode } from '../src/runtime/lifting.ts';
import { translate, type TranslateOptions } from '../src/translate.ts';
import { META_SECTION, readJsonSection } from '../src/wasm/custom-section.ts';
import { FIXTURES } from './helpers/run-fixture.ts';
import { rng } from './helpers/rng.ts';

const DIR = join(FIXTURES, 'lift');
interface Case { bin: string; args: string[]; stdout: string; status: number }
const CASES = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Case>;

interface Outcome { stdout: string; stderr: string; status: number; trace: string[]; lifts: number; entries: number[] }

async function runLift(bin: string, args: string[], opts: { runtimeLift?: boolean; translate?: TranslateOptions } = {}): Promise<Outcome> {
  const { wasm } = translate(readFileSync(join(DIR, bin)), { optimize: 0, ...opts.translate });
  configureV8();
  const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  const meta = readJsonSection<TranslationMeta>(module, META_SECTION)!;
  const work = mkdtempSync(join(tmpdir(), 'elf2wasm-lift-'));
  const trace: string[] = [];
  let code: RuntimeCode | undefined;
  try {
    writeFileSync(join(work, 'in'), '');
    const fds = [openSync(join(work, 'in'), 'r'), openSync(join(work, 'out'), 'w'), openSync(join(work, 'err'), 'w')];
    let status: number;
    try {
      status = await runNode(module, meta, {
        args: [bin, ...args], env: {}, cwd: work, execPath: join(DIR, bin), stdin: fds[0], stdout: fds[1], stderr: fds[2],
        runtimeLift: opts.runtimeLift, trace: (l) => { if (!/^\w+\(/.test(l)) trace.push(l); }, onLiftStats: (c) => { code = c; },
      });
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
    return {
      stdout: readFileSync(join(work, 'out'), 'utf8'), stderr: readFileSync(join(work, 'err'), 'utf8'), status, trace,
      lifts: code!.stats.lifts, entries: [...code!.liftedEntries],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('run-time lifting (identical to qemu-aarch64)', () => {
  for (const name of ['hidden-1', 'hidden-2', 'hidden-3']) {
    it(`${name}: a branch no analysis can resolve reaches code lifted when first reached`, async () => {
      const c = CASES[name]!;
      const r = await runLift(c.bin, c.args);
      expect({ stdout: r.stdout, status: r.status, stderr: r.stderr }).toEqual({ stdout: c.stdout, status: c.status, stderr: '' });
      expect(r.lifts).toBeGreaterThan(0);
      expect(r.trace.some((l) => /^lifted 0x[0-9a-f]+: 1 function\(s\), \d+ instructions/.test(l))).toBe(true);
    });
  }

  it('without run-time lifting the same jump is a SIGSEGV naming the address', async () => {
    const r = await runLift('hidden', ['x'], { runtimeLift: false });
    expect(r.status).toBe(139);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^elf2wasm: jump to untranslated address 0x[0-9a-f]+/);
    expect(r.lifts).toBe(0);
  });

  it('a JIT: code written to an executable mapping runs; after ic ivau its new version runs', async () => {
    const c = CASES.jit!;
    const r = await runLift(c.bin, c.args);
    expect({ stdout: r.stdout, status: r.status, stderr: r.stderr }).toEqual({ stdout: c.stdout, status: c.status, stderr: '' });
    expect(r.lifts).toBe(2);
    expect(r.trace.filter((l) => l.startsWith('dropped code lifted at'))).toHaveLength(1);
    // code in a mapping is not the executable's: nothing to learn from it
    expect(r.entries).toEqual([]);
  });

  it('a jump into data is a SIGSEGV, not code lifted from a page that is not executable', async () => {
    const c = CASES.datajump!;
    const r = await runLift(c.bin, c.args);
    expect(r.status).toBe(c.status);
    expect(r.stdout).toBe(c.stdout);
    expect(r.stderr).toMatch(/^elf2wasm: jump to untranslated address 0x[0-9a-f]+/);
    expect(r.lifts).toBe(0);
  });

  it('a learning build translates what an earlier run lifted: the same output with no lifts', async () => {
    const c = CASES['hidden-3']!;
    const first = await runLift(c.bin, c.args);
    expect(first.entries.length).toBeGreaterThan(0);
    const again = await runLift(c.bin, c.args, { translate: { entries: first.entries } });
    expect({ stdout: again.stdout, status: again.status }).toEqual({ stdout: c.stdout, status: c.status });
    expect(again.lifts).toBe(0);
  });
});

describe('learned entries file', () => {
  it('keeps the entries of exactly this executable, merged and sorted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elf2wasm-learned-'));
    try {
      const elf = new Uint8Array([1, 2, 3]), other = new Uint8Array([4]);
      const path = learnedPathFor(join(dir, 'tool'));
      expect(readLearned(path, elf)).toEqual([]);
      expect(recordLearned(path, elf, [0x400200, 0x400100])).toEqual([0x400100, 0x400200]);
      expect(recordLearned(path, elf, [0x400100, 0x400300])).toEqual([0x400100, 0x400200, 0x400300]);
      expect(readLearned(path, elf)).toEqual([0x400100, 0x400200, 0x400300]);
      // another executable's entries would be wrong addresses here
      expect(readLearned(path, other)).toEqual([]);
      expect(recordLearned(path, other, [0x500000])).toEqual([0x500000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DispatchTable (the runtime side of the dispatch table)', () => {
  const BITS = 4;
  const setup = () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const base = new WebAssembly.Global({ value: 'i32', mutable: true }, 0x1000);
    const bits = new WebAssembly.Global({ value: 'i32', mutable: true }, BITS);
    let next = 0x10000;
    const table = new DispatchTable(memory, base, bits, 2, (bytes) => { const a = next; next += bytes; return a; });
    return { memory, base, bits, table };
  };

  it('finds what it holds after random inserts and deletes, growing past half full', () => {
    const { base, bits, table } = setup();
    const model = new Map<number, number>();
    const { rnd32: next } = rng(7);
    for (let step = 0; step < 3000; step++) {
      const pc = 0x400000 + 4 * (next() % 512);
      if (next() % 3 === 0) { table.delete(pc); model.delete(pc); } else { table.set({ pc, fn: step, entry: step & 7 }); model.set(pc, step); }
      if (step % 97 === 0) for (let k = 0; k < 512; k++) {
        const p = 0x400000 + 4 * k;
        expect(table.get(p)?.fn).toBe(model.get(p));
      }
    }
    expect(bits.value).toBeGreaterThan(BITS);
    expect(base.value).toBeGreaterThanOrEqual(0x10000);
  });

  it('lays slots out as the generated lookup reads them', () => {
    const { memory, base, bits, table } = setup();
    table.set({ pc: 0x400abc, fn: 17, entry: 3 });
    const dv = new DataView(memory.buffer);
    let i = dispatchHash(0x400abc, bits.value as number, 2);
    while (dv.getUint32((base.value as number) + i * DISPATCH_SLOT, true) !== 0x400abc) i = (i + 1) % (1 << (bits.value as number));
    const a = (base.value as number) + i * DISPATCH_SLOT;
    expect([dv.getUint32(a + 4, true), dv.getUint32(a + 8, true)]).toEqual([17, 3]);
  });
});
