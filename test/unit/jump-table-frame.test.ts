// Jump tables whose base the function keeps in a stack slot and whose index derives from the
// checked register (the shape of glibc's printf, test/fixtures/discover/src/printf.c, here in a
// dozen instructions so that each part can be taken away), and an index the analysis cannot
// know, which must leave the branch to the dispatcher instead of giving a made-up table.
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../../src/arch/aarch64/index.ts';
import { parseElf } from '../../src/elf/parse.ts';
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

function image(code: number[]) {
  const words = (xs: number[]) => new Uint8Array(new Uint32Array(xs).buffer);
  return parseElf(writeElf(TEXT, [{ vaddr: TEXT, bytes: words(code), flags: 5 }, { vaddr: DATA, bytes: words(TABLES), flags: 6 }]));
}

function tableAt(code: number[]) {
  const program = discover(image(code), aarch64);
  const block = [...program.functions.get(TEXT)!.blocks.values()].find((b) => b.insns[b.insns.length - 1]!.pc === BR)!;
  return { targets: block.jumpTable, reason: program.report!.unresolved.find((u) => u.pc === BR)?.reason };
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
