// Go's function table (src/elf/go-pclntab.ts) in each layout Go's linker has written: read from
// hand-made tables in a data segment, and refused where it does not describe the code; and the
// language runtimes known to install a SIGSEGV handler at start-up (src/elf/start-up-handlers.ts).
import { describe, expect, it } from 'vitest';
import { goFunctions, goResumePoints, isGoProgram } from '../../src/elf/go-pclntab.ts';
import type { ElfImage, ElfSection, ElfSegment } from '../../src/elf/parse.ts';
import { startUpFaultHandler } from '../../src/elf/start-up-handlers.ts';

const TEXT = 0x10000, TEXT_SIZE = 0x1000, DATA = 0x20000;
/** the functions' names, the alias's too */
const entryNames = ['main.main', 'runtime.goexit', 'runtime.goexit', 'fmt.Println'];
/** entries as offsets from TEXT: main.main, runtime.goexit, an alias of it, fmt.Println, then the end */
const offsets = [0x100, 0x180, 0x180, 0x200, 0x300];

class Writer {
  readonly view = new DataView(new ArrayBuffer(0x1000));
  u32(at: number, v: number) { this.view.setUint32(at, v >>> 0, true); }
  u64(at: number, v: number) { this.view.setBigUint64(at, BigInt(v), true); }
  str(at: number, s: string) { for (let k = 0; k < s.length; k++) this.view.setUint8(at + k, s.charCodeAt(k)); }
  header(magic: number) { this.u32(0, magic); this.view.setUint8(6, 4); this.view.setUint8(7, 8); }
  /** the names one after the other at `at`: their offsets from `at` */
  names(at: number): number[] {
    let o = 0;
    return entryNames.map((n) => {
      const off = o;
      this.str(at + o, n);
      o += n.length + 1;
      return off;
    });
  }
}

/** Go 1.18 and later: uint32 entry offsets from textStart */
function go118(magic = 0xfffffff0): Uint8Array {
  const w = new Writer(), fnames = 0x100, pcln = 0x200;
  w.header(magic);
  w.u64(8, 4); w.u64(24, TEXT); w.u64(32, fnames); w.u64(64, pcln);
  const nameOffs = w.names(fnames);
  offsets.forEach((e, k) => {
    w.u32(pcln + 8 * k, e);
    if (k < 4) { const f = 0x100 + 16 * k; w.u32(pcln + 8 * k + 4, f); w.u32(pcln + f, e); w.u32(pcln + f + 4, nameOffs[k]!); }
  });
  return new Uint8Array(w.view.buffer);
}

/** Go 1.16 and 1.17: absolute uintptr entries, names from funcnametab */
function go116(): Uint8Array {
  const w = new Writer(), fnames = 0x100, pcln = 0x200;
  w.header(0xfffffffa);
  w.u64(8, 4); w.u64(24, fnames); w.u64(56, pcln);
  const nameOffs = w.names(fnames);
  offsets.forEach((e, k) => {
    w.u64(pcln + 16 * k, TEXT + e);
    if (k < 4) { const f = 0x200 + 16 * k; w.u64(pcln + 16 * k + 8, f); w.u64(pcln + f, TEXT + e); w.u32(pcln + f + 8, nameOffs[k]!); }
  });
  return new Uint8Array(w.view.buffer);
}

/** Go 1.2 to 1.15: the table right after the header, offsets from the header */
function go12(): Uint8Array {
  const w = new Writer(), fnames = 0x400;
  w.header(0xfffffffb);
  w.u64(8, 4);
  const nameOffs = w.names(fnames);
  offsets.forEach((e, k) => {
    w.u64(16 + 16 * k, TEXT + e);
    if (k < 4) { const f = 0x200 + 16 * k; w.u64(16 + 16 * k + 8, f); w.u64(f, TEXT + e); w.u32(f + 8, fnames + nameOffs[k]!); }
  });
  return new Uint8Array(w.view.buffer);
}

/** Go's build ID note (owner "Go", type 4) at NOTE in the data segment */
const NOTE = DATA + 0x1f00;
function goNote(): Uint8Array {
  const w = new DataView(new ArrayBuffer(24));
  w.setUint32(0, 4, true); w.setUint32(4, 8, true); w.setUint32(8, 4, true); w.setUint32(12, 0x6f47, true);
  return new Uint8Array(w.buffer);
}

function image(table: Uint8Array, { sections = ['.go.buildinfo'], at = 0x40, note = false } = {}): ElfImage {
  const data = new Uint8Array(0x2000);
  data.set(table, at);
  if (note) data.set(goNote(), NOTE - DATA);
  const segments: ElfSegment[] = [
    { vaddr: TEXT, memsz: TEXT_SIZE, filesz: TEXT_SIZE, offset: 0, flags: 5, data: new Uint8Array(TEXT_SIZE) },
    { vaddr: DATA, memsz: data.length, filesz: data.length, offset: 0, flags: 4, data },
  ];
  const section = (name: string): ElfSection => ({ name, type: 1, flags: 2, addr: DATA, offset: 0, size: 0, entsize: 0, link: 0, info: 0, data: new Uint8Array() });
  const phdrs = note ? [{ type: 4, flags: 4, offset: 0, vaddr: NOTE, filesz: 24, memsz: 24, align: 4 }] : [];
  const read = (a: number, n: number) => segments.map((g) => (a >= g.vaddr && a + n <= g.vaddr + g.filesz ? g.data.slice(a - g.vaddr, a - g.vaddr + n) : undefined)).find((b) => b);
  return { segments, sections: sections.map(section), phdrs, read, isCode: (a: number) => a >= TEXT && a < TEXT + TEXT_SIZE } as unknown as ElfImage;
}

const expected = [
  { start: TEXT + 0x100, end: TEXT + 0x180, name: 'main.main' },
  { start: TEXT + 0x180, end: TEXT + 0x200, name: 'runtime.goexit' },
  { start: TEXT + 0x200, end: TEXT + 0x300, name: 'fmt.Println' },
];

describe('Go function table', () => {
  it.each([['1.18/1.19', go118()], ['1.20+', go118(0xfffffff1)], ['1.16/1.17', go116()], ['1.2-1.15', go12()]])('reads the %s layout: extents, names, aliases dropped', (_, table) => {
    expect(goFunctions(image(table), 4)).toEqual(expected);
  });
  it('finds the table by scanning when no section names it, and knows Go by its build ID note without section headers', () => {
    expect(goFunctions(image(go118(), { at: 0x808 }), 4)).toEqual(expected);
    expect(isGoProgram(image(go118(), { sections: [], note: true }))).toBe(true);
    expect(goFunctions(image(go118(), { sections: [], note: true }), 4)).toEqual(expected);
    expect(goFunctions(image(go118(), { sections: [] }), 4)).toEqual([]);
    // a note whose name size would wrap a 32-bit sum: no Go, no exception
    const bad = image(go118(), { sections: [], note: true });
    new DataView(bad.segments[1]!.data.buffer).setUint32(NOTE - DATA, 0x7ffffffe, true);
    expect(isGoProgram(bad)).toBe(false);
  });
  it('reads no more functions than the code has instructions (a crafted count)', () => {
    const huge = go118();
    new DataView(huge.buffer).setBigUint64(8, BigInt(TEXT_SIZE / 4 + 1), true);
    expect(goFunctions(image(huge), 4)).toEqual([]);
  });
  it('reads nothing in a program not from Go\'s linker', () => {
    const img = image(go118(), { sections: ['.text', '.data'] });
    expect(isGoProgram(img)).toBe(false);
    expect(goFunctions(img, 4)).toEqual([]);
  });
  it('refuses a table whose entries fall, leave the code, or whose header names another quantum', () => {
    const falling = go118();
    new DataView(falling.buffer).setUint32(0x200 + 8 * 3, 0x10, true);
    expect(goFunctions(image(falling), 4)).toEqual([]);
    const outside = go118();
    new DataView(outside.buffer).setUint32(0x200, 0x5000, true);
    expect(goFunctions(image(outside), 4)).toEqual([]);
    expect(goFunctions(image(go118()), 2)).toEqual([]);
  });
  it('names where goroutines return: runtime.goexit plus one instruction', () => {
    expect(goResumePoints(goFunctions(image(go118()), 4), 4)).toEqual([TEXT + 0x184]);
  });
});

describe('runtimes that install a SIGSEGV handler at start-up', () => {
  it('knows Go by its linker\'s sections and Rust by its standard library\'s stack-overflow message', () => {
    expect(startUpFaultHandler(image(go118()))).toBe('Go');
    const rust = new TextEncoder().encode("HOME\nthread '' has overflowed its stack\nstack overflow");
    expect(startUpFaultHandler(image(rust, { sections: ['.text', '.rodata'], at: 0x1ff0 - rust.length }))).toBe('Rust');
    expect(startUpFaultHandler(image(new TextEncoder().encode('thread has overflowed its stack'), { sections: ['.text'] }))).toBeUndefined();
    expect(startUpFaultHandler(image(new Uint8Array(16), { sections: ['.text'] }))).toBeUndefined();
  });
});
