// Integer data processing (Arm ARM C4.1.92 immediate, C4.1.95 register): every allocated form
// with random fields; 32-bit forms reject the field values that are UNDEFINED for sf = 0.
import type { FuzzClass } from '../generate.ts';
import { t, type F } from '../template.ts';

/** DecodeBitMasks succeeds: an element size exists and the run of ones is not the whole element. */
export function bitmaskValid(n: number, imms: number, sf: number): boolean {
  if (!sf && n) return false;
  const combined = (n << 6) | (~imms & 0x3f);
  if (!combined) return false;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return false;
  const levels = (1 << len) - 1;
  return (imms & levels) !== levels;
}

const rdOrSp = (flagsSet: boolean) => (flagsSet ? ['rd'] : ['rd!']);

export const addSubImm = t('ADD_SUB_imm', 'sf op S 100010 sh imm12:12 rn:5 rd:5', { writes: (f) => rdOrSp(!!f.S) });
export const addSubShift = t('ADD_SUB_shift', 'sf op S 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', {
  valid: (f) => f.shift !== 3 && (f.sf === 1 || f.imm6! < 32), w: ['rd'],
});
export const addSubExt = t('ADD_SUB_ext', 'sf op S 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5', {
  valid: (f) => f.imm3! <= 4, writes: (f) => rdOrSp(!!f.S),
});
export const adcSbc = t('ADC_SBC', 'sf op S 11010000 rm:5 000000 rn:5 rd:5', { w: ['rd'] });
export const logicShift = t('LOGIC_shift', 'sf opc:2 01010 shift:2 N rm:5 imm6:6 rn:5 rd:5', { valid: (f) => f.sf === 1 || f.imm6! < 32, w: ['rd'] });
export const logicImm = t('LOGIC_imm', 'sf opc:2 100100 N immr:6 imms:6 rn:5 rd:5', {
  valid: (f) => bitmaskValid(f.N!, f.imms!, f.sf!), writes: (f) => rdOrSp(f.opc === 3),
});
export const moveWide = t('MOVE_wide', 'sf opc:2 100101 hw:2 imm16:16 rd:5', { valid: (f) => f.opc !== 1 && (f.sf === 1 || f.hw! < 2), w: ['rd'] });
export const bitfield = t('BITFIELD', 'sf opc:2 100110 N immr:6 imms:6 rn:5 rd:5', {
  valid: (f) => f.opc !== 3 && f.N === f.sf && (f.sf === 1 || (f.immr! < 32 && f.imms! < 32)), w: ['rd'],
});
export const extr = t('EXTR', 'sf 00 100111 N 0 rm:5 imms:6 rn:5 rd:5', { valid: (f) => f.N === f.sf && (f.sf === 1 || f.imms! < 32), w: ['rd'] });
export const adr = t('ADR_ADRP', 'op immlo:2 10000 immhi:19 rd:5', { w: ['rd'] });
// UDIV SDIV LSLV LSRV ASRV RORV
export const dp2 = t('DP_2src', 'sf 0 0 11010110 rm:5 opcode:6 rn:5 rd:5', { valid: (f) => [2, 3, 8, 9, 10, 11].includes(f.opcode!), w: ['rd'] });
// RBIT REV16 REV32/REV CLZ CLS (REV with opcode 3 is 64-bit only)
export const dp1 = t('DP_1src', 'sf 1 0 11010110 00000 opcode:6 rn:5 rd:5', { valid: (f) => [0, 1, 2, 4, 5].includes(f.opcode!) || (f.opcode === 3 && f.sf === 1), w: ['rd'] });
// MADD MSUB, SMADDL SMSUBL UMADDL UMSUBL, SMULH UMULH (Ra is 11111 there)
export const dp3 = t('DP_3src', 'sf 00 11011 op31:3 rm:5 o0 ra:5 rn:5 rd:5', {
  valid: (f: F) => f.op31 === 0 || (f.sf === 1 && (f.op31 === 1 || f.op31 === 5)) || (f.sf === 1 && (f.op31 === 2 || f.op31 === 6) && f.o0 === 0 && f.ra === 31),
  w: ['rd'],
});
export const condSelect = t('COND_select', 'sf op 0 11010100 rm:5 cond:4 0 o2 rn:5 rd:5', { w: ['rd'] });
export const condCmpReg = t('COND_cmp_reg', 'sf op 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4');
export const condCmpImm = t('COND_cmp_imm', 'sf op 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4');

// FEAT_CRC32
export const crc32 = t('CRC32', 'sf 0 0 11010110 rm:5 010 C sz:2 rn:5 rd:5', { valid: (f) => (f.sf ? f.sz === 3 : f.sz! < 3), w: ['rd'] });
// FEAT_FlagM: CFINV, RMIF, SETF8/SETF16; FEAT_FlagM2: XAFLAG, AXFLAG
export const flagm = [
  t('CFINV_XAFLAG_AXFLAG', '1101010100000000 0100 0000 op2:3 11111', { valid: (f) => f.op2! <= 2 }),
  t('RMIF', '1 0 1 11010000 imm6:6 00001 rn:5 0 mask:4'),
  t('SETF', '0 0 1 11010000 000000 sz 0010 rn:5 0 1101'),
];

export const intClass: FuzzClass = {
  name: 'int',
  templates: [addSubImm, addSubShift, addSubExt, adcSbc, logicShift, logicImm, moveWide, bitfield, extr, adr, dp2, dp1, dp3,
    condSelect, condCmpReg, condCmpImm, crc32, ...flagm],
};
