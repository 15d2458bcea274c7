// Static discovery against what really runs: test/fixtures/discover/expected.json records, for
// small binaries with jump tables of many shapes (gcc -O0/-O2/-Os and clang -O0/-O2 with musl,
// a stripped static glibc reaching _nl_intern_locale_data's signed-byte table), the targets
// every `br` took under qemu-aarch64 and the FDEs readelf lists (scripts/discover-oracle.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../../src/arch/aarch64/index.ts';
import { readFdes } from '../../src/elf/eh-frame.ts';
import { parseElf } from '../../src/elf/parse.ts';
import { discover, type Block } from '../../src/lift/discover.ts';

interface Expected {
  functions: Record<string, [string, string]>;
  brs: Record<string, string[]>;
  fdes: [string, string][];
}
const dir = new URL('../fixtures/discover/', import.meta.url);
const expected: Record<string, Expected> = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));
const num = (h: string) => parseInt(h, 16);

describe.each(Object.entries(expected))('%s', (name, exp) => {
  const image = parseElf(readFileSync(new URL(name, dir)));
  const program = discover(image, aarch64);
  const blocksEndingAt = (pc: number): Block[] => {
    const out: Block[] = [];
    for (const fn of program.functions.values()) for (const b of fn.blocks.values()) if (b.insns[b.insns.length - 1]!.pc === pc) out.push(b);
    return out;
  };

  it('reads every FDE readelf lists', () => {
    expect(readFdes(image.sections).map((f) => [f.start, f.end])).toEqual(exp.fdes.map(([s, e]) => [num(s), num(e)]));
  });

  it.each(Object.entries(exp.brs))('resolves the table at br %s to aligned code of its function, including every target taken under qemu', (br, seen) => {
    const pc = num(br);
    const [lo, hi] = Object.values(exp.functions).map(([s, e]) => [num(s), num(e)]).find(([s, e]) => pc >= s! && pc < e!)!;
    const blocks = blocksEndingAt(pc);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      const why = program.report!.unresolved.find((u) => u.pc === pc)?.reason;
      expect(b.jumpTable, why).toBeDefined();
      for (const t of b.jumpTable!) {
        expect(t % 4).toBe(0);
        expect(t >= lo! && t < hi!, `target 0x${t.toString(16)} outside the function`).toBe(true);
      }
      expect(new Set(b.jumpTable)).toEqual(new Set([...b.jumpTable!, ...seen.map(num)]));
    }
  });
});
