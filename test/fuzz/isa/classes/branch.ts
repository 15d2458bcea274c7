// Branches and conditional execution: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ to forward targets inside
// the sequence (or the epilogue's first word), BR/BLR/RET through a register set by ADR just
// before, mixed with the flag-setting and flag-reading data processing that feeds them.
import { forwardTarget, type FuzzClass } from '../generate.ts';
import { asm, t, type Ctx } from '../template.ts';
import { addSubImm, addSubShift, adcSbc, condCmpImm, condCmpReg, condSelect, logicImm } from './int.ts';

/** adr xN, <forward target>; then BR/BLR/RET xN (`kinds`: 0 BR, 1 BLR, 2 RET; the target lies past the branch). */
const indirect = (kinds: number[]) => (c: Ctx): number[] | undefined => {
  if (c.length - c.pos < 2) return undefined;
  const k = forwardTarget(c, 1 << 18, 2); // target word, relative to the adr
  c.targets.add(c.pos + k);
  const rn = c.r.pick([...Array(31).keys()].filter((x) => !c.reserved.has(x)));
  return [asm('0 immlo:2 10000 immhi:19 rd:5', { immlo: 0, immhi: k, rd: rn }), asm('1101011 00 op:2 11111 000000 rn:5 00000', { op: c.r.pick(kinds), rn })];
};

// Code reached by BL/BLR/RET that reads the flags set before: hand-written code only (AAPCS64
// leaves NZCV undefined across calls), for which the translator keeps NZCV in the state block at
// every boundary of the module (ModuleContext.flagsCrossCalls): its own unit.
const CALLS = 'nzcv-across-calls';

export const branchClass: FuzzClass = {
  name: 'branch',
  templates: [
    t('B', '0 00101 imm26:26', { branch: 'imm26' }),
    t('BL', '1 00101 imm26:26', { branch: 'imm26', ext: CALLS }),
    t('B_cond', '01010100 imm19:19 0 cond:4', { branch: 'imm19', weight: 4 }),
    t('CBZ', 'sf 011010 op imm19:19 rt:5', { branch: 'imm19', weight: 2 }),
    t('TBZ', 'b5 011011 op b40:5 imm14:14 rt:5', { branch: 'imm14', weight: 2 }),
    { ...t('ADR_BR', '0'.repeat(32)), emit: indirect([0]), weight: 2 },
    { ...t('ADR_BLR_RET', '0'.repeat(32)), emit: indirect([1, 2]), ext: CALLS },
    { ...addSubImm, weight: 2 }, { ...addSubShift, weight: 2 }, adcSbc, logicImm,
    { ...condSelect, weight: 3 }, { ...condCmpReg, weight: 2 }, { ...condCmpImm, weight: 2 },
  ],
};
