// Static analyses the lifter asks of the architecture: code addresses that instructions
// materialise (adr, adrp+add, literal-pool loads), switch jump tables (jump-table.ts) and the
// memory slot an indirect jump's target comes from (a PLT entry's GOT slot).
import type { CodeImage, Insn } from '../../lift/types.ts';
import type { A64Insn } from './row-types.ts';
import { adrpTarget } from './table/dp-imm.ts';
import { writes } from './reg-values.ts';

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

/**
 * The address `br xT` ending `block` reads its target from, when the block loads xT with
 * `ldr xT, [xB, #imm]` from an address the block itself makes constant (adrp, add): a PLT entry
 * reading its GOT slot (`adrp x16, page; ldr x17, [x16, #off]; add x16, x16, #off; br x17`).
 */
export function jumpSlot(block: Insn[]): number | undefined {
  const insns = block as A64Insn[], br = insns[insns.length - 1];
  if (br?.name !== 'BR') return undefined;
  const target = br.f.rn!, known = new Map<number, number>();
  let slot: number | undefined;
  for (let k = 0; k < insns.length - 1; k++) {
    const i = insns[k]!, f = i.f;
    let value: number | undefined, loaded: number | undefined;
    if (i.name === 'ADRP') value = adrpTarget(i.pc, f.immhi!, f.immlo!);
    else if (i.name === 'ADD_SUB_imm' && !f.op && !f.S && f.sf && known.has(f.rn!)) value = known.get(f.rn!)! + (f.imm12! << (f.sh ? 12 : 0));
    else if (i.name === 'LDST_uimm' && !f.V && f.size === 3 && f.opc === 1 && known.has(f.rn!)) loaded = known.get(f.rn!)! + f.imm12! * 8;
    const written = writes(i);
    for (const r of written) known.delete(r);
    if (value !== undefined && f.rd !== 31) known.set(f.rd!, value);
    if (written.includes(target)) slot = loaded !== undefined && f.rt === target ? loaded : undefined;
  }
  return slot;
}
