import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFormatError, parseElf, type ElfErrorCode } from '../../src/elf/index.ts';
import { PIE_BASE, planLoad } from '../../src/elf/load-plan.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/elf/${name}`, import.meta.url)));

/** `load`: what is expected to fail, parsing by default (planLoad: placing the images) */
function expectElfError(bytes: Uint8Array, code: ElfErrorCode, message?: RegExp, load: (b: Uint8Array) => unknown = parseElf): ElfFormatError {
  let err: unknown;
  try {
    load(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ElfFormatError);
  const e = err as ElfFormatError;
  expect(e.code, e.message).toBe(code);
  if (message) expect(e.message).toMatch(message);
  expect(e.message).not.toContain('\n');
  return e;
}

// ---------------------------------------------------------------------------
// A tiny ELF64 writer for synthetic inputs. Fixed layout, which is all the tests need:
//   0x000 ELF header, 0x040 program headers, 0x1000.. payload placed by the caller,
//   0x2800 .shstrtab, 0x2a00 section header table (when sections are given).

interface Phdr { type: number; flags?: number; offset?: number; vaddr?: number; filesz?: number; memsz?: number; align?: number }
interface Shdr { name: string; type: number; flags?: number; addr?: number; offset?: number; size?: number; link?: number; info?: number; entsize?: number }
interface ElfSpec {
  cls?: number; data?: number; type?: number; machine?: number; entry?: number;
  phdrs?: Phdr[]; sections?: Shdr[]; payload?: [offset: number, bytes: Uint8Array][];
}

const PT = { LOAD: 1, DYNAMIC: 2, INTERP: 3, PHDR: 6, TLS: 7, GNU_STACK: 0x6474e551 };
const SHSTRTAB_OFF = 0x2800, SHDR_OFF = 0x2a00, FILE_SIZE = 0x3000;

function buildElf(spec: ElfSpec): Uint8Array {
  const b = new Uint8Array(FILE_SIZE);
  const v = new DataView(b.buffer);
  const le = spec.data !== 2;
  b.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 2, spec.data ?? 1, 1]);
  const phdrs = spec.phdrs ?? [];
  const sections: Shdr[] = spec.sections
    ? [{ name: '', type: 0 }, ...spec.sections, { name: '.shstrtab', type: 3, offset: SHSTRTAB_OFF, size: 0x200 }]
    : [];
  v.setUint16(16, spec.type ?? 2, le);
  v.setUint16(18, spec.machine ?? 183, le);
  v.setUint32(20, 1, le);
  v.setBigUint64(24, BigInt(spec.entry ?? 0x401000), le);
  v.setBigUint64(32, 64n, le);
  v.setBigUint64(40, BigInt(sections.length ? SHDR_OFF : 0), le);
  v.setUint16(52, 64, le);
  v.setUint16(54, 56, le);
  v.setUint16(56, phdrs.length, le);
  v.setUint16(58, 64, le);
  v.setUint16(60, sections.length, le);
  v.setUint16(62, sections.length ? sections.length - 1 : 0, le);
  phdrs.forEach((p, i) => {
    const o = 64 + 56 * i;
    v.setUint32(o, p.type, le);
    v.setUint32(o + 4, p.flags ?? 4, le);
    [p.offset, p.vaddr, p.vaddr, p.filesz, p.memsz ?? p.filesz, p.align ?? 0x1000]
      .forEach((x, j) => v.setBigUint64(o + 8 + 8 * j, BigInt(x ?? 0), le));
  });
  for (const [off, bytes] of spec.payload ?? []) b.set(bytes, off);
  let nameEnd = 1; // .shstrtab starts with the empty name
  sections.forEach((s, i) => {
    const o = SHDR_OFF + 64 * i;
    const enc = new TextEncoder().encode(s.name);
    b.set(enc, SHSTRTAB_OFF + nameEnd);
    v.setUint32(o, s.name ? nameEnd : 0, true);
    nameEnd += s.name ? enc.length + 1 : 0;
    v.setUint32(o + 4, s.type, true);
    v.setBigUint64(o + 8, BigInt(s.flags ?? 0), true);
    v.setBigUint64(o + 16, BigInt(s.addr ?? 0), true);
    v.setBigUint64(o + 24, BigInt(s.offset ?? 0), true);
    v.setBigUint64(o + 32, BigInt(s.size ?? 0), true);
    v.setUint32(o + 40, s.link ?? 0, true);
    v.setUint32(o + 44, s.info ?? 0, true);
    v.setBigUint64(o + 56, BigInt(s.entsize ?? 0), true);
  });
  return b;
}

/** Minimal runnable-looking executable: one R+X segment mapping the whole file at 0x400000. */
const textLoad: Phdr = { type: PT.LOAD, flags: 5, offset: 0, vaddr: 0x400000, filesz: FILE_SIZE };
const minimal = (spec: ElfSpec = {}) => buildElf({ phdrs: [textLoad], ...spec });

/** Symbol table entries (24 bytes each) and their string table. */
function symtab(syms: { name: string; value: number; size?: number; info: number; shndx?: number }[]) {
  const sym = new Uint8Array(24 * (syms.length + 1));
  const v = new DataView(sym.buffer);
  const names: number[] = [0];
  syms.forEach((s, i) => {
    const o = 24 * (i + 1);
    v.setUint32(o, names.length, true);
    names.push(...new TextEncoder().encode(s.name), 0);
    sym[o + 4] = s.info;
    v.setUint16(o + 6, s.shndx ?? 1, true);
    v.setBigUint64(o + 8, BigInt(s.value), true);
    v.setBigUint64(o + 16, BigInt(s.size ?? 0), true);
  });
  return { sym, str: new Uint8Array(names) };
}

// STT/STB packed as st_info = bind << 4 | type.
const FUNC_GLOBAL = 0x12, NOTYPE_LOCAL = 0x00, OBJECT_GLOBAL = 0x11, FUNC_WEAK = 0x22, IFUNC_GLOBAL = 0x1a;

function richElf(): Uint8Array {
  const { sym, str } = symtab([
    { name: '$x', value: 0x401000, info: NOTYPE_LOCAL },
    { name: 'alias_weak', value: 0x401000, size: 16, info: FUNC_WEAK },
    { name: 'an_object', value: 0x401000, size: 16, info: OBJECT_GLOBAL },
    { name: '_start', value: 0x401000, size: 16, info: FUNC_GLOBAL },
    { name: '$d', value: 0x401008, info: NOTYPE_LOCAL }, // literal pool inside _start
    { name: 'resolver', value: 0x401010, size: 8, info: IFUNC_GLOBAL },
    { name: 'counter', value: 0x410008, size: 8, info: OBJECT_GLOBAL, shndx: 2 },
    { name: 'undefined_sym', value: 0x401018, info: FUNC_GLOBAL, shndx: 0 },
  ]);
  const rela = new Uint8Array(48);
  const rv = new DataView(rela.buffer);
  rv.setBigUint64(0, 0x410000n, true); rv.setBigUint64(8, 1032n, true); rv.setBigInt64(16, 0x401010n, true);
  rv.setBigUint64(24, 0x410008n, true); rv.setBigUint64(32, 1027n, true); rv.setBigInt64(40, 0x401000n, true); // R_AARCH64_RELATIVE: ignored
  const code = new Uint8Array([0x1f, 0x20, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6]); // nop; ret
  return buildElf({
    entry: 0x401000,
    phdrs: [
      { type: PT.PHDR, offset: 64, vaddr: 0x400040, filesz: 56 * 5 },
      { type: PT.LOAD, flags: 6, offset: 0x2000, vaddr: 0x410000, filesz: 0x10, memsz: 0x100 }, // out of order on purpose
      { type: PT.LOAD, flags: 5, offset: 0, vaddr: 0x400000, filesz: 0x1800 },
      { type: PT.TLS, offset: 0x2000, vaddr: 0x410000, filesz: 8, memsz: 0x20, align: 16 },
      { type: PT.GNU_STACK, flags: 7 },
    ],
    payload: [[0x1000, code], [0x2000, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])],
      [0x1100, rela], [0x1200, sym], [0x1400, str]],
    sections: [
      { name: '.text', type: 1, flags: 6, addr: 0x401000, offset: 0x1000, size: 0x20 },
      { name: '.data', type: 1, flags: 3, addr: 0x410000, offset: 0x2000, size: 0x10 },
      { name: '.bss', type: 8, flags: 3, addr: 0x410010, offset: 0x2010, size: 0xf0 },
      { name: '.rela.iplt', type: 4, flags: 2, addr: 0x401100, offset: 0x1100, size: 48, entsize: 24 },
      { name: '.symtab', type: 2, offset: 0x1200, size: sym.length, entsize: 24, link: 6, info: 2 },
      { name: '.strtab', type: 3, offset: 0x1400, size: str.length },
    ],
  });
}

// ---------------------------------------------------------------------------

describe('parseElf: rejected inputs', () => {
  it('rejects files that are not ELF', () => {
    expectElfError(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'not-elf', /not an ELF file \(bad magic\)/);
    expectElfError(new Uint8Array(0), 'not-elf', /empty/);
    expectElfError(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'not-elf'); // a Wasm module
  });

  it('reports truncation at every stage without RangeError', () => {
    const good = richElf();
    expect(() => parseElf(good)).not.toThrow();
    const cut = (n: number) => good.subarray(0, n);
    expectElfError(cut(3), 'truncated');
    expectElfError(cut(12), 'truncated', /ELF identification/);
    expectElfError(cut(40), 'truncated', /ELF header extends past end of file/);
    expectElfError(cut(64 + 56 * 2), 'truncated',
      /^truncated ELF: program header table extends past end of file \(offset 0x40, file size 0xb0\)$/);
    expectElfError(cut(0x1100), 'truncated', /PT_LOAD/); // text segment data is 0x1800 bytes
    expectElfError(cut(0x2008), 'truncated', /PT_LOAD segment 0x410000/);
    // Section headers are not needed to load (Linux never reads them): a warning, no sections.
    expect(parseElf(cut(0x2a80)).warnings).toEqual([expect.stringMatching(/^truncated ELF: section header table extends past end of file .*: section header table ignored/)]);
    // Every prefix either parses or raises ElfFormatError, never anything else.
    for (let n = 0; n < good.length; n += 7) {
      try {
        parseElf(cut(n));
      } catch (e) {
        expect(e).toBeInstanceOf(ElfFormatError);
      }
    }
  });

  it('drops the symbols, with a warning, when a symbol name lies outside its string table', () => {
    const bytes = richElf();
    new DataView(bytes.buffer).setUint32(0x1200 + 24, 0x999, true); // st_name of symbol 1
    const img = parseElf(bytes);
    expect(img.symbols).toEqual([]);
    expect(img.warnings).toEqual([expect.stringMatching(/^truncated ELF: symbol name at 0x999 is past the end of its string table: symbol table ignored/)]);
    expect(img.irelative).toHaveLength(1); // the rest of the section headers still serve
  });

  it('rejects 32-bit and big-endian ELF, naming the problem', () => {
    expectElfError(minimal({ cls: 1, machine: 40 }), 'elfclass32', /^32-bit ELF \(ARM\): only 64-bit AArch64 executables are supported$/);
    expectElfError(minimal({ cls: 1 }), 'elfclass32', /^32-bit ELF: only 64-bit AArch64/);
    expectElfError(minimal({ data: 2 }), 'big-endian', /^big-endian ELF: only little-endian AArch64 is supported$/);
    expectElfError(minimal({ data: 2, machine: 21 }), 'big-endian', /PowerPC64/);
  });

  it('names the machine of non-AArch64 files', () => {
    const cases: [number, string][] = [
      [62, 'x86-64'], [3, 'i386'], [40, 'ARM'], [243, 'RISC-V'], [21, 'PowerPC64'],
      [22, 's390'], [8, 'MIPS'], [258, 'LoongArch'], [0x1234, 'machine 0x1234'],
    ];
    for (const [machine, name] of cases) {
      const e = expectElfError(minimal({ machine }), 'wrong-machine');
      expect(e.message).toBe(`${name} ELF: only AArch64 is supported`);
    }
  });

  it('rejects non-executables', () => {
    expectElfError(minimal({ type: 1 }), 'not-executable', /^not an executable \(e_type ET_REL/);
    expectElfError(minimal({ type: 4 }), 'not-executable', /e_type ET_CORE/);
    expectElfError(minimal({ type: 0 }), 'not-executable', /e_type 0x0/);
  });

  it('rejects files with no PT_LOAD', () => {
    expectElfError(minimal({ phdrs: [] }), 'no-load', /^ELF has no loadable segments$/);
    expectElfError(minimal({ phdrs: [{ type: PT.GNU_STACK, flags: 6 }] }), 'no-load');
  });

  it('reads PT_INTERP and DT_NEEDED; placing a dynamic program without its interpreter fails, naming it or the libraries', () => {
    const load = (b: Uint8Array) => planLoad(parseElf(b));
    const interp = new TextEncoder().encode('/lib/ld-musl-aarch64.so.1\0');
    const withInterp = minimal({
      phdrs: [{ type: PT.INTERP, offset: 0x1800, vaddr: 0x401800, filesz: interp.length }, textLoad],
      payload: [[0x1800, interp]],
    });
    expect(parseElf(withInterp).interp).toBe('/lib/ld-musl-aarch64.so.1');
    expectElfError(withInterp, 'dynamic', /^dynamically linked ELF: it needs its interpreter \/lib\/ld-musl-aarch64\.so\.1 from a sysroot .*-L DIR or QEMU_LD_PREFIX/, load);

    // No PT_INTERP but DT_NEEDED entries: still needs shared libraries.
    const dyn = new Uint8Array(48);
    const dv = new DataView(dyn.buffer);
    dv.setBigInt64(0, 5n, true); dv.setBigUint64(8, 0x401900n, true); // DT_STRTAB
    dv.setBigInt64(16, 1n, true); dv.setBigUint64(24, 1n, true); // DT_NEEDED "libc.so"
    const strs = new TextEncoder().encode('\0libc.so\0');
    const needy = minimal({
      type: 3,
      phdrs: [{ type: PT.DYNAMIC, offset: 0x1800, vaddr: 0x401800, filesz: 48 }, textLoad],
      payload: [[0x1800, dyn], [0x1900, strs]],
    });
    expect(parseElf(needy).needed).toEqual(['libc.so']);
    expectElfError(needy, 'dynamic', /needs libc\.so, no interpreter/, load);
  });

  it('rejects segments outside the 32-bit guest window', () => {
    expectElfError(minimal({ phdrs: [{ ...textLoad, vaddr: 0x8000 }], entry: 0x8000 }), 'bad-address', /0x8000.*below .*0x10000/);
    // a position-independent image's addresses are offsets: it loads at PIE_BASE
    const pie = planLoad(parseElf(minimal({ type: 3, phdrs: [{ ...textLoad, vaddr: 0 }], entry: 0x100 })));
    expect([pie.base, pie.program.imageStart, pie.program.entry, pie.start]).toEqual([PIE_BASE, PIE_BASE, PIE_BASE + 0x100, PIE_BASE + 0x100]);
    expectElfError(minimal({ phdrs: [{ ...textLoad, vaddr: 0xfffe0000, memsz: 0x20000 }], entry: 0xfffe0000 }),
      'bad-address', /0xfffe0000-0x100000000 ends above .*0xffff0000/);
    expectElfError(minimal({ phdrs: [{ ...textLoad, vaddr: 2 ** 60 }] }), 'bad-address', /too large/);
    expectElfError(minimal({ entry: 0x500000 }), 'bad-address', /entry point 0x500000/);
    expectElfError(minimal({ phdrs: [textLoad, { ...textLoad, vaddr: 0x402000 }] }), 'bad-address', /overlap/);
  });
});

describe('parseElf: synthetic static executable', () => {
  const img = parseElf(richElf());

  it('reads headers, segments, TLS and stack flags', () => {
    expect(img.type).toBe('exec');
    expect(img.pie).toBe(false);
    expect(img.entry).toBe(0x401000);
    expect(img.phnum).toBe(5);
    expect(img.phoff).toBe(64);
    expect(img.phentsize).toBe(56);
    expect(img.phdrAddr).toBe(0x400040);
    expect(img.segments.map((s) => [s.vaddr, s.memsz, s.filesz, s.flags])).toEqual([
      [0x400000, 0x1800, 0x1800, 5],
      [0x410000, 0x100, 0x10, 6],
    ]);
    expect(img.imageStart).toBe(0x400000);
    expect(img.imageEnd).toBe(0x410100);
    expect(img.tls).toEqual({ vaddr: 0x410000, filesz: 8, memsz: 0x20, align: 16 });
    expect(img.stackExecutable).toBe(true);
  });

  it('reads guest memory as loaded', () => {
    expect(img.readU32(0x401000)).toBe(0xd503201f);
    expect(img.readU32(0x401004)).toBe(0xd65f03c0);
    expect(img.readU64(0x410000)).toBe(0x0807060504030201n);
    expect(img.readU64(0x41000c)).toBe(0x100f0e0dn); // straddles the end of file data: upper half is .bss
    expect([...img.read(0x41000e, 4)!]).toEqual([15, 16, 0, 0]);
    expect(img.read(0x410010, 0xf0)!.every((b) => b === 0)).toBe(true);
    expect(img.read(0x4100fc, 4)).toBeDefined();
    expect(img.read(0x4100fd, 4)).toBeUndefined();
    expect(img.readU32(0x401800)).toBeUndefined(); // gap between segments
    expect(img.readU32(0x3ffffe)).toBeUndefined();
    expect(img.read(0x401000, 0)).toEqual(new Uint8Array(0));
    expect(img.read(0x400000, 2 ** 40)).toBeUndefined();
    // read() returns a copy: writing to it must not change the image.
    img.read(0x401000, 4)![0] = 0xff;
    expect(img.readU32(0x401000)).toBe(0xd503201f);
  });

  it('knows which addresses are code', () => {
    expect(img.isCode(0x401000)).toBe(true);
    expect(img.isCode(0x4017ff)).toBe(true);
    expect(img.isCode(0x401800)).toBe(false);
    expect(img.isCode(0x410000)).toBe(false);
  });

  it('parses sections, symbols and IRELATIVE relocations', () => {
    expect(img.sections.map((s) => s.name)).toEqual(
      ['', '.text', '.data', '.bss', '.rela.iplt', '.symtab', '.strtab', '.shstrtab']);
    const bss = img.sections.find((s) => s.name === '.bss')!;
    expect(bss.size).toBe(0xf0);
    expect(bss.data.length).toBe(0);
    expect(img.symbols).toHaveLength(8);
    expect(img.symbols.find((s) => s.name === 'resolver')).toEqual(
      { name: 'resolver', value: 0x401010, size: 8, type: 'ifunc', bind: 'global', shndx: 1 });
    expect(img.symbols.find((s) => s.name === 'alias_weak')?.bind).toBe('weak');
    expect(img.irelative).toEqual([{ offset: 0x410000, addend: 0x401010 }]);
  });

  it('symbolizes with a preference for global functions over aliases, objects and mapping symbols', () => {
    expect(img.symbolize(0x401000)).toEqual({ name: '_start', offset: 0 });
    expect(img.symbolize(0x40100c)).toEqual({ name: '_start', offset: 12 }); // not $d+4
    expect(img.symbolize(0x401014)).toEqual({ name: 'resolver', offset: 4 });
    expect(img.symbolize(0x401018)).toEqual({ name: 'resolver', offset: 8 }); // undefined symbols are ignored
    expect(img.symbolize(0x410010)).toEqual({ name: 'counter', offset: 8 });
    expect(img.symbolize(0x400100)).toBeUndefined(); // loaded, but below every symbol
    expect(img.symbolize(0x500000)).toBeUndefined(); // not loaded
  });
});

describe('parseElf: committed real binaries (test/fixtures/elf)', () => {
  it('parses a non-stripped static musl executable', () => {
    const bytes = fixture('hello-musl');
    const img = parseElf(bytes);
    // Values below were taken from `aarch64-linux-gnu-readelf -hlSs test/fixtures/elf/hello-musl`.
    expect(img.type).toBe('exec');
    expect(img.pie).toBe(false);
    expect(img.entry).toBe(0x400180);
    expect(img.phnum).toBe(4);
    expect(img.phdrAddr).toBe(0x400040); // no PT_PHDR: first PT_LOAD maps file offset 0
    expect(img.segments.map(({ vaddr, offset, filesz, memsz, flags }) => ({ vaddr, offset, filesz, memsz, flags }))).toEqual([
      { vaddr: 0x400000, offset: 0x0, filesz: 0x1864, memsz: 0x1864, flags: 5 }, // R E
      { vaddr: 0x41ff48, offset: 0xff48, filesz: 0x1b8, memsz: 0x800, flags: 6 }, // RW
    ]);
    expect(img.imageStart).toBe(0x400000);
    expect(img.imageEnd).toBe(0x41ff48 + 0x800);
    expect(img.tls).toBeUndefined();
    expect(img.stackExecutable).toBe(false); // GNU_STACK RW
    expect(img.irelative).toEqual([]);
    expect(img.sections).toHaveLength(26);
    expect(img.symbols).toHaveLength(246); // 247 .symtab entries minus the null symbol

    const main = img.symbols.find((s) => s.name === 'main')!;
    expect(main).toEqual({ name: 'main', value: 0x400160, size: 32, type: 'func', bind: 'global', shndx: 2 });
    // A `$x` mapping symbol shares main's address; it must not win.
    expect(img.symbolize(main.value + 4)).toEqual({ name: 'main', offset: 4 });
    expect(img.symbolize(img.entry)).toEqual({ name: '_start', offset: 0 });

    expect(img.read(img.entry, 4)).toEqual(bytes.subarray(0x180, 0x184)); // entry is at file offset 0x180
    expect(img.readU32(img.entry)).toBe(0xd280001d); // mov x29, #0
    expect(img.isCode(img.entry)).toBe(true);
    expect(img.isCode(0x420000)).toBe(false);

    const text = img.sections.find((s) => s.name === '.text')!;
    expect([text.addr, text.size]).toEqual([0x400130, 0x165c]);
    expect(img.read(text.addr, text.size)).toEqual(text.data);

    const bss = img.sections.find((s) => s.name === '.bss')!;
    expect([bss.addr, bss.size, bss.type]).toEqual([0x420100, 0x648, 8]);
    expect(img.read(bss.addr, bss.size)!.every((b) => b === 0)).toBe(true);
    expect(img.readU64(0x420000)).toBe(0x420000n); // first word of .data, per readelf -x .data
    expect(img.read(img.imageEnd - 4, 8)).toBeUndefined();
  });

  it('parses a stripped static musl executable', () => {
    const img = parseElf(fixture('hello-musl-stripped'));
    // From `aarch64-linux-gnu-readelf -hl test/fixtures/elf/hello-musl-stripped`.
    expect(img.entry).toBe(0x400174);
    expect(img.segments.map((s) => [s.vaddr, s.filesz, s.memsz])).toEqual([
      [0x400000, 0x1854, 0x1854],
      [0x41ff48, 0x1b8, 0x800],
    ]);
    expect(img.symbols).toEqual([]);
    expect(img.symbolize(img.entry)).toBeUndefined();
    expect(img.sections.map((s) => s.name)).toContain('.text');
  });

  it('reads a dynamically linked glibc executable; without its interpreter it cannot be placed', () => {
    const img = parseElf(fixture('hello-dynamic'));
    expect([img.interp, img.needed]).toEqual(['/lib/ld-linux-aarch64.so.1', ['libc.so.6']]);
    expectElfError(fixture('hello-dynamic'), 'dynamic', /interpreter \/lib\/ld-linux-aarch64\.so\.1 from a sysroot/, (b) => planLoad(parseElf(b)));
  });

  it('rejects an x86-64 executable from its first 4 KiB', () => {
    expectElfError(fixture('x86-64-head'), 'wrong-machine', /^x86-64 ELF: only AArch64 is supported$/);
  });
});
