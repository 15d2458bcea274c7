// Jump table shapes in a dozen instructions each, so that each part can be taken away (the
// oracle binaries of discover-jumptables.test.ts have them in real code): a table base kept in a
// stack slot with an index derived from the checked register (glibc's printf,
// test/fixtures/discover/src/printf.c); computed gotos that no compare bounds (cgoto.c); and what
// must leave the branch to the dispatcher instead of giving a made-up table.
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../../src/arch/aarch64/index.ts';
import { parseElf, type ElfSymbol } from '../../src/elf/parse.ts';
import { discover } from '../../src/lift/discover.ts';
import { writeElf } from '../helpers/elf-writer.ts';

const TEXT = 0x400000, DATA = 0x410000, BR = 0x40003c;
const CASES = [0x400040, 0x400048, 0x400050];

// aarch64-linux-gnu-as, linked at TEXT/DATA (objdump -d):
const PRINTF_SHAPE = [
  0x90000080, // adrp x0, 0x410000 <jt>
  0x91000000, // add  x0, x0, #0x0
  0xf9000be0, // str  x0, [sp, #16]      the label table, spilled
  0x90000080, // adrp x0, 0x410000
  0x91006000, // add  x0, x0, #0x18
  0xf9000fe0, // str  x0, [sp, #24]      the class table, spilled
  0x39400045, // ldrb w5, [x2]
  0x510080a0, // sub  w0, w5, #0x20
  0x12001c01, // and  w1, w0, #0xff      the checked index, derived from w0
  0x71000c3f, // cmp  w1, #0x3
  0x54000188, // b.hi 0x400058 <dflt>
  0xf9400fe1, // ldr  x1, [sp, #24]
  0x3860c820, // ldrb w0, [x1, w0, sxtw] w0, not w1, indexes the class table
  0xf9400be1, // ldr  x1, [sp, #16]
  0xf8607821, // ldr  x1, [x1, x0, lsl #3]
  0xd61f0020, // br   x1
  0xd2800000, 0xd65f03c0, // c0: mov x0, #0; ret
  0xd2800020, 0xd65f03c0, // c1
  0xd2800040, 0xd65f03c0, // c2
  0xd2800120, 0xd65f03c0, // dflt: mov x0, #9; ret
];
// jt: .quad c0, c1, c2; cls: .byte 0, 2, 1, 2
const TABLES = [...CASES.flatMap((c) => [c, 0]), 0x01020200];

const words = (xs: number[]) => new Uint8Array(new Uint32Array(xs).buffer);

/** `code` at TEXT and `data` at DATA; `functions` [name, start, end] as symbols (writeElf writes none) */
function image(code: number[], data: number[], functions: [string, number, number][] = []) {
  const img = parseElf(writeElf(TEXT, [{ vaddr: TEXT, bytes: words(code), flags: 5 }, { vaddr: DATA, bytes: words(data), flags: 6 }]));
  for (const [name, start, end] of functions) img.symbols.push({ name, value: start, size: end - start, type: 'func', bind: 'global', shndx: 1 } satisfies ElfSymbol);
  return img;
}

function tableAt(code: number[], br = BR, data = TABLES, functions?: [string, number, number][]) {
  const program = discover(image(code, data, functions), aarch64);
  const block = [...program.functions.get(TEXT)!.blocks.values()].find((b) => b.insns[b.insns.length - 1]!.pc === br)!;
  return { targets: block.jumpTable, reason: program.report!.unresolved.find((u) => u.pc === br)?.reason };
}

describe('a jump table reached through the frame', () => {
  it('takes the table bases from the stack slots they were spilled to, and the index from the register the checked one derives from', () => {
    const { targets, reason } = tableAt(PRINTF_SHAPE);
    expect(targets, reason).toBeDefined();
    expect(new Set(targets)).toEqual(new Set(CASES));
  });

  it('leaves the branch to the dispatcher when a spill slot is written with something else on one path', () => {
    // `str x0, [sp, #16]` becomes `str x2, [sp, #16]`: the label table's slot holds an unknown value
    const code = PRINTF_SHAPE.slice();
    code[2] = 0xf9000be2;
    const { targets, reason } = tableAt(code);
    expect(targets).toBeUndefined();
    expect(reason).toMatch(/not computable/);
  });

  it('leaves it to the dispatcher when the register indexing the table is not the checked one nor derived from it', () => {
    // the tables in registers (`adrp x6`, then `add x1, x6, #0x18` and `mov x1, x6` for the two
    // reloads), and `sub w0, w5, #0x20; and w1, w0, #0xff` becomes `ldr w0, [x4]; and w1, w5,
    // #0xff`: w1 is bounded, w0 is anything (taking an unknown register for some value made up
    // a one-target table: class[0] → c0)
    const code = PRINTF_SHAPE.slice();
    code[0] = 0x90000086;
    code[11] = 0x910060c1;
    code[13] = 0xaa0603e1;
    code[7] = 0xb9400080;
    code[8] = 0x12001ca1;
    const { targets, reason } = tableAt(code);
    expect(targets).toBeUndefined();
    expect(reason).toMatch(/not computable/);
  });
});

describe('a computed goto that no compare bounds', () => {
  // aarch64-linux-gnu-as, linked at TEXT/DATA: Lua's VM dispatch in small
  const LUA_SHAPE = [
    0x90000095, // adrp x21, 0x410000 <tbl>
    0x910002b5, // add  x21, x21, #0x0
    0xb8404453, // loop: ldr w19, [x2], #4
    0x92401a60, // and  x0, x19, #0x7f     the mask is the only bound
    0xf8607aa1, // ldr  x1, [x21, x0, lsl #3]
    0xd61f0020, // br   x1
    0xd2800000, 0xd65f03c0, // l0: mov x0, #0; ret
    0x17fffffa, //             l1: b loop
    0xd2800040, 0xd65f03c0, // l2: mov x0, #2; ret
    0xd2800060, 0xd65f03c0, // other (a function of its own): mov x0, #3; ret
  ];
  const GOTO = 0x400014, L0 = 0x400018, L1 = 0x400020, L2 = 0x400024, OTHER = 0x40002c;
  const FUNCTIONS: [string, number, number][] = [['interp', TEXT, OTHER], ['other', OTHER, OTHER + 8]];
  const table = (...entries: number[]) => entries.flatMap((e) => [e, 0]);

  it('takes the entries from index 0 while they are labels of the function', () => {
    const { targets, reason } = tableAt(LUA_SHAPE, GOTO, table(L0, L1, L2, 0), FUNCTIONS);
    expect(targets, reason).toBeDefined();
    expect(new Set(targets)).toEqual(new Set([L0, L1, L2]));
  });

  it('is no table when the entries are other functions (an indirect tail call through a table of pointers)', () => {
    expect(tableAt(LUA_SHAPE, GOTO, table(OTHER, OTHER, OTHER, 0), FUNCTIONS).targets).toBeUndefined();
    expect(tableAt(LUA_SHAPE, GOTO, table(L0, OTHER, L2, 0), FUNCTIONS).targets).toBeUndefined();
  });

  it('is no table without the function\'s extent (a symbol or an FDE)', () => {
    expect(tableAt(LUA_SHAPE, GOTO, table(L0, L1, L2, 0)).targets).toBeUndefined();
  });
});

describe('a table of offsets beside a computed goto left to the dispatcher', () => {
  // aarch64-linux-gnu-as, linked at TEXT/DATA: a switch on a table of offsets from its first
  // label (glibc's printf in libc.so.6 has such tables, of which not all are resolved)
  const code = [
    0x10000127, // adr  x7, 0x400024 <c0>
    0x90000086, // adrp x6, 0x410000 <tbl>
    0x910000c6, // add  x6, x6, #0x0
    0xb9400040, // ldr  w0, [x2]
    0x7100081f, // cmp  w0, #0x2
    0x54000148, // b.hi 0x40003c <other>
    0xb8a078c1, // ldrsw x1, [x6, x0, lsl #2]
    0x8b0100e1, // add  x1, x7, x1
    0xd61f0020, // br   x1
    0xd2800000, 0xd65f03c0, // c0: mov x0, #0; ret
    0xd2800020, 0xd65f03c0, // c1
    0xd2800040, 0xd65f03c0, // c2
    0xf9400121, // other: ldr x1, [x9]
    0xd61f0020, //        br  x1    (nothing tells where)
  ];
  const OFFSETS = [0, 8, 16]; // c0 − c0, c1 − c0, c2 − c0: no label's address is in the data
  const LABELS = [0x400024, 0x40002c, 0x400034];

  it('makes the table\'s targets entry points, where the other jump may go through the dispatcher', () => {
    const program = discover(image(code, OFFSETS), aarch64);
    const fn = program.functions.get(TEXT)!;
    expect(program.report!.unresolved.map((u) => u.pc)).toEqual([0x400040]);
    expect(new Set([...fn.blocks.values()].find((b) => b.insns[b.insns.length - 1]!.pc === 0x400020)!.jumpTable)).toEqual(new Set(LABELS));
    for (const l of LABELS) expect(fn.entries).toContain(l);
  });

  it('keeps them plain blocks when every indirect jump is resolved', () => {
    const resolved = code.slice(0, -2).concat([0xd2800120, 0xd65f03c0]); // other: mov x0, #9; ret
    const fn = discover(image(resolved, OFFSETS), aarch64).functions.get(TEXT)!;
    // c0 is one all the same: `adr x7, c0` takes its address
    expect(fn.entries.filter((e) => LABELS.includes(e))).toEqual([LABELS[0]]);
  });
});
