// Static analyses the lifter asks of the architecture: code addresses that instructions
// materialise (adr, adrp+add, literal-pool loads) and switch jump tables (jump-table.ts).
import type { CodeImage, Insn } from '../../lift/types.ts';
import type { A64Insn } from './row-types.ts';
import { adrpTarget } from './table/dp-imm.ts';

export { resolveJumpTable } from './jump-table.ts';

export function codeRefs(block: Insn[], image: CodeImage): number[] {
  const out: number[] = [];
  const page = new Map<number, number>();
  for (const insn of block as A64Insn[]) {
    const f = insn.f;
    if (insn.name === 'ADR') {
      const a = insn.pc + f.immhi! * 4 + f.immlo!;
      if (image.isCode(a)) out.push(a);
    } else if (insn.name === 'ADRP') page.set(f.rd!, adrpTarget(insn.pc, f.immhi!, f.immlo!));
    else if (insn.name === 'ADD_SUB_imm' && !f.op && !f.S && f.sf && page.has(f.rn!)) {
      const a = page.get(f.rn!)! + (f.imm12! << (f.sh ? 12 : 0));
      if (image.isCode(a) && a % 4 === 0) out.push(a);
    }
  }
  return out;
}

/**
 * Code addresses loaded from literal pools (`ldr x0, =func`: LDR (literal) of a 64-bit value):
 * hand-written assembly and -mcmodel=large code take function pointers this way.
 */
export function literalCodePointers(block: Insn[], image: CodeImage): number[] {
  const out: number[] = [];
  for (const insn of block as A64Insn[]) {
    if (insn.name !== 'LDR_lit' || insn.f.V || insn.f.opc !== 1) continue;
    const b = image.read(insn.pc + insn.f.imm19! * 4, 8);
    if (!b || b[4] || b[5] || b[6] || b[7]) continue;
    const a = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    if (a % 4 === 0 && image.isCode(a)) out.push(a);
  }
  return out;
}
