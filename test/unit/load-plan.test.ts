// Position-independent images at a load base (src/elf/load-bias.ts) and the placement of a program
// and its interpreter (src/elf/load-plan.ts), on a committed dynamic PIE and Debian's ld.so.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atBase } from '../../src/elf/load-bias.ts';
import { LIBRARY_AREA, PIE_BASE, planLibrary, planLoad } from '../../src/elf/load-plan.ts';
import { parseElf } from '../../src/elf/parse.ts';

const dynamic = new Uint8Array(readFileSync(new URL('../fixtures/elf/hello-dynamic', import.meta.url)));
const LDSO = '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1';
const hasLdso = existsSync(LDSO);

describe('an ET_DYN image at a base', () => {
  const file = parseElf(dynamic);
  const at = atBase(file, PIE_BASE);

  it('moves every address by the base', () => {
    expect(file.relative.length).toBeGreaterThan(0);
    expect(at.entry).toBe(file.entry + PIE_BASE);
    expect(at.phdrAddr).toBe(file.phdrAddr + PIE_BASE);
    expect(at.segments.map((s) => s.vaddr)).toEqual(file.segments.map((s) => s.vaddr + PIE_BASE));
    expect([at.imageStart, at.imageEnd]).toEqual([file.imageStart + PIE_BASE, file.imageEnd + PIE_BASE]);
    // stripped: its .dynsym defines only section symbols (.init, .data)
    const sym = file.symbols.find((s) => s.shndx !== 0)!;
    expect(at.symbols.find((s) => s.name === sym.name)!.value).toBe(sym.value + PIE_BASE);
    // undefined (imported) symbols name nothing in the image
    expect(at.symbols.every((s) => s.shndx !== 0)).toBe(true);
  });

  it('reads RELATIVE-relocated words as the loader leaves them, without touching the file', () => {
    for (const r of at.relative) {
      const loaded = at.readU64(r.offset);
      if (loaded !== undefined && r.offset < at.segments.at(-1)!.vaddr + at.segments.at(-1)!.filesz) expect(loaded).toBe(BigInt(r.addend));
    }
    const first = file.relative[0]!;
    expect(file.readU64(first.offset)).not.toBe(BigInt(first.addend + PIE_BASE));
  });

  it('is the identity at base 0, and refuses a base that leaves the guest window', () => {
    expect(atBase(file, 0)).toBe(file);
    expect(() => atBase(file, 0xffff0000)).toThrow(/does not fit the guest's addresses/);
  });
});

describe.skipIf(!hasLdso && !process.env.CI)(`a program and its interpreter${hasLdso ? '' : ` (skipped: no ${LDSO})`}`, () => {
  it('puts the interpreter at the next 1 MiB boundary above the program and starts there', () => {
    const plan = planLoad(parseElf(dynamic), { path: '/lib/ld-linux-aarch64.so.1', bytes: new Uint8Array(readFileSync(LDSO)) });
    expect(plan.base).toBe(PIE_BASE);
    const interp = plan.interp!;
    expect(interp.base % 0x100000).toBe(0);
    expect(interp.base).toBeGreaterThanOrEqual(plan.program.imageEnd);
    expect(interp.base - plan.program.imageEnd).toBeLessThan(0x100000);
    expect(plan.start).toBe(interp.image.entry);
    expect(plan.combined.entry).toBe(plan.program.entry);
    expect(plan.combined.segments.length).toBe(plan.program.segments.length + interp.image.segments.length);
    expect(plan.combined.isCode(plan.start) && plan.combined.isCode(plan.program.entry)).toBe(true);
    expect(plan.combined.imageEnd).toBe(interp.image.imageEnd);
  });
});

describe.skipIf(!hasLdso && !process.env.CI)(`a library translated on its own (planLibrary)${hasLdso ? '' : ` (skipped: ${LDSO} not installed)`}`, () => {
  const LIBC = '/usr/aarch64-linux-gnu/lib/libc.so.6';
  const bytes = new Uint8Array(readFileSync(LIBC));

  it('goes to a base its content picks, in the library area, aligned, with room for glibc\'s reservation', () => {
    const plan = planLibrary({ path: LIBC, bytes });
    // the same file at another path: the same base
    expect(planLibrary({ path: '/elsewhere/libc.so.6', bytes }).base).toBe(plan.base);
    expect(plan.base % Math.max(0x100000, plan.align)).toBe(0);
    expect(plan.base).toBeGreaterThanOrEqual(LIBRARY_AREA.start);
    expect(plan.image.imageEnd + plan.align).toBeLessThanOrEqual(LIBRARY_AREA.end);
    expect(plan.image.segments.every((s) => s.guestMapped)).toBe(true);
    // one byte changed (past the headers): another file, most likely another slot
    const other = new Uint8Array(bytes);
    other[other.length - 1]! ^= 1;
    expect(planLibrary({ path: LIBC, bytes: other }).base).not.toBe(plan.base);
  });
});
