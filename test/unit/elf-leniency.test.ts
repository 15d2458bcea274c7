// ELF inputs that Linux loads although they look damaged: a .bss-only PT_LOAD whose p_offset lies
// past the end of the file, and section headers that are missing, out of the file or inconsistent
// (the loader never reads them). Each variant of test/fixtures/elf/bss-only
// (test/helpers/elf-variants.mjs) is translated and run; stdout and status must be what
// qemu-aarch64 gave (test/fixtures/elf/bss-variants.json, recorded by scripts/elf-variants.mjs).
// Variants qemu refuses must be refused with a typed error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFormatError, parseElf } from '../../src/elf/index.ts';
import { translate } from '../../src/translate.ts';
import { elfVariants } from '../helpers/elf-variants.mjs';
import { loadElf, runFixture, type Expected } from '../helpers/run-fixture.ts';

const dir = new URL('../fixtures/elf/', import.meta.url);
const base = new Uint8Array(readFileSync(new URL('bss-only', dir)));
const recorded = JSON.parse(readFileSync(new URL('bss-variants.json', dir), 'utf8')) as Record<string, Expected>;
const variants = elfVariants(base);

/** how we refuse what qemu refuses (qemu's own words differ) */
const refusals: Record<string, string> = { 'phnum-past-eof': 'truncated', 'wrong-machine': 'wrong-machine' };

describe('ELF loading leniency (recorded from qemu-aarch64)', () => {
  it('has a recording for every variant', () => {
    expect(Object.keys(recorded).sort()).toEqual(variants.map((v) => v.name).sort());
  });

  for (const v of variants) {
    const want = recorded[v.name]!;
    if (want.status === 255 && want.stderr.startsWith('qemu-aarch64: FILE: ')) {
      it(`${v.name}: refused, as by qemu`, () => {
        expect(() => parseElf(v.bytes)).toThrow(ElfFormatError);
        try {
          parseElf(v.bytes);
        } catch (e) {
          expect((e as ElfFormatError).code).toBe(refusals[v.name]);
        }
      });
      continue;
    }
    it(`${v.name}: runs as under qemu`, async () => {
      const got = await runFixture(await loadElf(v.bytes, '/bin/bss-only'), []);
      expect(got).toEqual({ stdout: want.stdout, stderr: want.stderr, status: want.status });
    });
  }

  it('warns, without failing, about the section headers it had to ignore', () => {
    const byName = Object.fromEntries(variants.map((v) => [v.name, parseElf(v.name in refusals ? base : v.bytes)]));
    expect(byName['as-linked']!.warnings).toEqual([]);
    expect(byName['as-linked']!.symbols.map((s) => s.name)).toContain('_start');
    expect(byName['bss-offset-past-eof']!.warnings).toEqual([]); // no section headers at all: nothing lost
    const bss = byName['bss-offset-past-eof']!.segments[1]!;
    expect([bss.filesz, bss.memsz, bss.data.length]).toEqual([0, 0x2000, 0]);
    for (const name of ['shoff-past-eof', 'shoff-huge', 'shnum-too-large', 'shentsize-too-small', 'section-table-truncated']) {
      const img = byName[name]!;
      expect(img.sections, name).toEqual([]);
      expect(img.warnings, name).toHaveLength(1);
      expect(img.warnings[0], name).toMatch(/section header.*: section header table ignored, so the translation may lack symbol names/);
    }
    expect(byName['shstrndx-out-of-range']!.warnings).toEqual([expect.stringMatching(/^section name table index 99 is out of range \(6 sections\): sections have no names, so \.init_array and \.eh_frame entries are left to run-time lifting$/)]);
    expect(byName['shstrndx-out-of-range']!.symbols.map((s) => s.name)).toContain('_start');
    expect(byName['section-offset-past-eof']!.symbols).toEqual([]);
    expect(byName['section-offset-past-eof']!.warnings).toEqual([expect.stringMatching(/^truncated ELF: section \.symtab extends past end of file .*: ignored/)]);
    expect(byName['section-name-past-strtab']!.sections[1]!.name).toBe('');
    expect(byName['section-name-past-strtab']!.warnings).toEqual([expect.stringMatching(/section name at 0x7000 is past the end of its string table: ignored/)]);
    expect(translate(variants.find((v) => v.name === 'shoff-past-eof')!.bytes).warnings).toHaveLength(1);
  });
});
