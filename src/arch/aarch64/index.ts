// The AArch64 architecture as the lifter sees it: decode, semantics, register file, helpers.
import type { Arch, Insn } from '../../lift/types.ts';
import { TrapKind } from '../../meta.ts';
import { buildDecoder, row, type Row } from './decoder.ts';
import type { A64Insn } from './row-types.ts';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z, registers } from './regs.ts';
import { branches } from './table/branch.ts';
import { flagmRows } from './table/flagm.ts';
import { dpImm } from './table/dp-imm.ts';
import { dpReg } from './table/dp-reg.ts';
import { crcRows } from './table/crc.ts';
import { loadStore } from './table/ldst.ts';
import { exclusiveRows } from './table/exclusive.ts';
import { fpRows } from './table/fp.ts';
import { fp16Rows } from './table/fp16.ts';
import { rintIntRows } from './table/frint-int.ts';
import { simdRows } from './table/simd.ts';
import { helpers } from './helpers.ts';
import { codeRefs, jumpSlot, literalCodePointers, resolveJumpTable } from './analysis.ts';

export const rows: Row[] = [...branches, ...flagmRows, ...dpImm, ...dpReg, ...crcRows, ...loadStore, ...exclusiveRows, ...fpRows, ...fp16Rows, ...rintIntRows, ...simdRows];
const match = buildDecoder(rows);

/** Anything the table does not know: a SIGILL trap if executed, never a build failure. */
const undefinedRow = row('UNDEF', '-'.repeat(32), (_f, b, i) => b.trap(TrapKind.Unimplemented, i.word), {
  flow: () => ({ kind: 'stop' }),
});

export function decode(word: number, pc: number): A64Insn {
  const d = match(word);
  const r = d?.row ?? undefinedRow;
  const f = d?.f ?? {};
  return { pc, word: word >>> 0, name: r.name, row: r, f, flow: r.flow ? r.flow(f, pc) : { kind: 'fall' } };
}

export const aarch64: Arch = {
  name: 'aarch64',
  registers,
  flagRegs: [FLAG_N, FLAG_Z, FLAG_C, FLAG_V],
  spReg: 31,
  insnAlignLog2: 2,
  decode,
  lift: (insn: Insn, b) => {
    const i = insn as A64Insn;
    return i.row.sem(i.f, b, i);
  },
  resolveJumpTable,
  codeRefs,
  jumpSlot,
  literalCodePointers,
  resumesAfter: (insn: Insn) => insn.name === 'SVC',
  helpers,
};
