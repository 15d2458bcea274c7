// Where discovery finds code: unwind tables (FDEs, LSDA landing pads, pointer encodings),
// init/fini arrays, learned entries, and the report that says how each was found.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../../src/arch/aarch64/index.ts';
import { DwarfReader } from '../../src/elf/dwarf-reader.ts';
import { readFdes } from '../../src/elf/eh-frame.ts';
import { initArrayEntries } from '../../src/elf/init-arrays.ts';
import { landingPads } from '../../src/elf/lsda.ts';
import { parseElf, type ElfSection } from '../../src/elf/parse.ts';
import { discover } from '../../src/lift/discover.ts';
import { formatReport } from '../../src/lift/report.ts';

const fixture = (name: string) => parseElf(readFileSync(new URL(`../fixtures/discover/${name}`, import.meta.url)));

/** little-endian byte assembler for hand-made tables */
class Bytes {
  readonly b: number[] = [];
  u8(...v: number[]) { this.b.push(...v); return this; }
  u32(v: number) { for (let k = 0; k < 4; k++) this.b.push((v >>> (8 * k)) & 0xff); return this; }
  s32(v: number) { return this.u32(v >>> 0); }
  uleb(v: number) { do { let c = v & 0x7f; v >>>= 7; if (v) c |= 0x80; this.b.push(c); } while (v); return this; }
  str(s: string) { for (const c of s) this.b.push(c.charCodeAt(0)); this.b.push(0); return this; }
  get length() { return this.b.length; }
}

describe('DWARF pointer encodings', () => {
  it('reads LEB128 and pc-relative, function-relative and absolute pointers', () => {
    const r = new DwarfReader(new Uint8Array([0xe5, 0x8e, 0x26, 0x7f, 0xf0, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 0, 0, 0, 0]), 0x1000);
    expect(r.uleb()).toBe(624485);
    expect(r.sleb()).toBe(-1);
    expect(r.pointer(0x1b)).toBe(0x1004 - 16); // pcrel | sdata4, relative to the field
    expect(r.pointer(0x00)).toBe(0x10); // absptr
    expect(new DwarfReader(new Uint8Array([8]), 0).pointer(0x41, 0x400)).toBe(0x408); // funcrel | uleb128
    expect(new DwarfReader(new Uint8Array([0]), 0).pointer(0xff)).toBeUndefined();
  });
});

describe('.eh_frame', () => {
  it('reads a zPLR CIE (C++: personality, LSDA and FDE pointers pc-relative) and its FDE', () => {
    const base = 0x500000;
    const e = new Bytes();
    // CIE
    const cie = new Bytes().u32(0).u8(1).str('zPLR').uleb(4).u8(0x78).u8(30); // id, version, aug, code align, data align -8, ra
    const aug = new Bytes().u8(0x9b).s32(0x1234).u8(0x1b).u8(0x1b); // personality (indirect pcrel sdata4), L, R
    cie.uleb(aug.length).u8(...aug.b).u8(0x0c, 31, 0); // DW_CFA_def_cfa sp, 0
    while ((cie.length + 4) % 8) cie.u8(0);
    e.u32(cie.length).u8(...cie.b);
    // FDE: pc_begin 0x400100 and lsda 0x510000, both pc-relative
    const fdeStart = e.length;
    const fde = new Bytes().u32(fdeStart + 4); // CIE pointer: back to offset 0
    fde.s32(0x400100 - (base + fdeStart + 8)).u32(0x40).uleb(4).s32(0x510000 - (base + fdeStart + 8 + 9));
    while ((fde.length + 4) % 8) fde.u8(0);
    e.u32(fde.length).u8(...fde.b).u32(0);
    const section = { name: '.eh_frame', addr: base, data: new Uint8Array(e.b) } as ElfSection;
    expect(readFdes([section])).toEqual([{ start: 0x400100, end: 0x400140, lsda: 0x510000, from: '.eh_frame' }]);
  });

  it('reads a .debug_frame (CIE id 0xffffffff, absolute addresses)', () => {
    const d = new Bytes();
    const cie = new Bytes().u32(0xffffffff).u8(1).str('').uleb(4).u8(0x78).u8(30);
    d.u32(cie.length).u8(...cie.b);
    const fde = new Bytes().u32(0).u32(0x400200).u32(0).u32(0x24).u32(0);
    d.u32(fde.length).u8(...fde.b);
    const section = { name: '.debug_frame', addr: 0, data: new Uint8Array(d.b) } as ElfSection;
    expect(readFdes([section])).toEqual([{ start: 0x400200, end: 0x400224, from: '.debug_frame' }]);
  });

  it('survives a truncated table', () => {
    const section = { name: '.eh_frame', addr: 0x1000, data: new Uint8Array([0x40, 0, 0, 0, 0, 0]) } as ElfSection;
    expect(readFdes([section])).toEqual([]);
  });
});

describe('.gcc_except_table landing pads', () => {
  it('takes every non-zero landing pad of the call-site table, relative to the function start', () => {
    const cs = new Bytes().uleb(0).uleb(4).uleb(0x1c).uleb(0) // call site with a landing pad
      .uleb(8).uleb(4).uleb(0).uleb(0) // no landing pad: unwinding goes on
      .uleb(0x10).uleb(4).uleb(0x28).uleb(1)
      .uleb(0x20).uleb(4).uleb(0x1c).uleb(0); // the same pad again
    const lsda = new Bytes().u8(0xff).u8(0x9b).uleb(0x30).u8(0x01).uleb(cs.length).u8(...cs.b);
    expect(landingPads(0x600000, 0x400000, () => new Uint8Array(lsda.b))).toEqual([0x40001c, 0x400028]);
  });

  it('honours an explicit LPStart and udata4 call-site fields', () => {
    const cs = new Bytes().u32(0).u32(8).u32(0x40).uleb(0);
    const lsda = new Bytes().u8(0x00).u32(0x480000).u32(0).u8(0xff).u8(0x03).uleb(cs.length).u8(...cs.b);
    expect(landingPads(0x600000, 0x400000, () => new Uint8Array(lsda.b))).toEqual([0x480040]);
  });
});

describe('discover: C++ landing pads', () => {
  it.each(['cxx-O0', 'cxx-O2'])('%s: every landing pad is an entry point of the function whose FDE lists it', (name) => {
    const image = parseElf(readFileSync(new URL(`../fixtures/bin/${name}`, import.meta.url)));
    const program = discover(image, aarch64);
    const bytesAt = (a: number) => {
      const seg = image.segments.find((g) => a >= g.vaddr && a < g.vaddr + g.filesz);
      return seg && seg.data.subarray(a - seg.vaddr);
    };
    let pads = 0;
    for (const f of readFdes(image.sections)) {
      if (f.lsda === undefined) continue;
      for (const lp of landingPads(f.lsda, f.start, bytesAt)) {
        pads++;
        expect(program.functions.get(f.start)?.entries, `landing pad 0x${lp.toString(16)}`).toContain(lp);
        expect(program.report!.addressTaken.get(lp)).toBe('landing-pad');
      }
    }
    expect(pads).toBeGreaterThan(10);
  });
});

describe('discover: sources and report', () => {
  const image = fixture('locale-glibc-O2-stripped');
  const program = discover(image, aarch64);
  const report = program.report!;

  it('finds function starts in a stripped binary from FDEs and init/fini arrays', () => {
    expect(image.symbols).toEqual([]);
    const fdes = readFdes(image.sections);
    for (const f of fdes) expect(program.functions.has(f.start)).toBe(true);
    expect([...report.functions.values()].filter((s) => s === 'fde').length).toBeGreaterThan(fdes.length / 2);
    const inits = initArrayEntries(image.sections);
    expect(inits.length).toBeGreaterThan(0);
    for (const a of inits) {
      expect(program.functions.has(a)).toBe(true);
      expect(report.functions.get(a)).toBe('init-array');
    }
    expect(report.functions.get(image.entry)).toBe('entry');
  });

  it('makes learned PCs function starts', () => {
    const sw = fixture('switches-gcc-musl-O2');
    const small = sw.symbols.find((s) => s.name === 'small')!;
    const mid = small.value + 8;
    const p = discover(sw, aarch64, [mid]);
    expect(p.functions.has(mid)).toBe(true);
    expect(p.report!.functions.get(mid)).toBe('learned');
    expect(p.report!.functions.get(small.value)).toBe('symbol');
  });

  it('formats counts by source and every unresolved indirect jump with a reason', () => {
    const text = formatReport(program, image);
    expect(text).toMatch(/^functions: \d+ /);
    expect(text).toMatch(/^ {2}fde +\d+$/m);
    expect(text).toMatch(/^ {2}init-array +\d+$/m);
    expect(text).toContain(`indirect jumps unresolved: ${report.unresolved.length}`);
    for (const u of report.unresolved) {
      expect(u.reason).not.toBe('');
      expect(text).toContain(`0x${u.pc.toString(16)}`);
    }
  });
});

describe('discover: IFUNC calls through the PLT', () => {
  // a static glibc program calls memcpy, strlen … through PLT entries reading IRELATIVE GOT slots
  it.each(['hello-glibc', 'progs-glibc-O2'])('%s: each PLT jump goes to the implementations its IFUNC resolver can return', (name) => {
    const image = parseElf(readFileSync(new URL(`../fixtures/bin/${name}`, import.meta.url)));
    const program = discover(image, aarch64);
    const ifuncs = new Map(image.symbols.filter((s) => s.type === 'ifunc').map((s) => [s.value, s.name.replace(/^_+(libc_)?/, '')]));
    const named = new Map(image.symbols.filter((s) => s.type === 'func').map((s) => [s.value, s.name]));
    const slots = new Map(image.irelative.map((r) => [r.offset, r.addend]));
    let jumps = 0;
    for (const fn of program.functions.values()) {
      for (const blk of fn.blocks.values()) {
        const slot = aarch64.jumpSlot!(blk.insns);
        if (slot === undefined || !slots.has(slot)) continue;
        jumps++;
        // the implementations of memcpy are __memcpy_generic, __memcpy_thunderx …: by the symbol table, not by us
        const ifunc = ifuncs.get(slots.get(slot)!)!;
        expect(blk.tailTargets?.length, `PLT jump in ${fn.name}`).toBeGreaterThan(1);
        for (const t of blk.tailTargets!) expect(named.get(t), `target 0x${t.toString(16)} of ${ifunc}'s PLT jump`).toContain(ifunc);
        expect(fn.indirect).toBe(false);
        expect(program.report!.unresolved.some((u) => u.function === fn.entry)).toBe(false);
      }
    }
    expect(jumps).toBe(image.irelative.length);
    expect(formatReport(program, image)).toContain(`IFUNC jumps resolved: ${jumps}\n`);
  });

  it('resolves them in a stripped program too (the resolvers are IRELATIVE addends, their implementations FDE starts)', () => {
    const image = fixture('printf-glibc-O2-stripped');
    expect(image.symbols).toEqual([]);
    const program = discover(image, aarch64);
    expect(image.irelative.length).toBeGreaterThan(0);
    expect(program.report!.ifuncJumps).toBe(image.irelative.length);
    for (const fn of program.functions.values()) {
      for (const blk of fn.blocks.values()) for (const t of blk.tailTargets ?? []) expect(program.functions.has(t)).toBe(true);
    }
  });

  it('leaves to the dispatcher a jump whose slot no IRELATIVE relocation fills', () => {
    const image = parseElf(readFileSync(new URL('../fixtures/bin/hello-glibc', import.meta.url)));
    const program = discover({ ...image, irelative: [] }, aarch64);
    const plt = image.sections.find((s) => s.name === '.plt')!;
    const stubs = [...program.functions.values()].filter((fn) => fn.entry >= plt.addr && fn.entry < plt.addr + plt.size);
    expect(stubs.length).toBeGreaterThan(0);
    for (const fn of stubs) {
      expect(fn.indirect).toBe(true);
      for (const blk of fn.blocks.values()) expect(blk.tailTargets).toBeUndefined();
    }
  });
});
