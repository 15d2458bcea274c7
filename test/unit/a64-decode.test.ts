// A64 decoder against an independent disassembler. test/fixtures/decode/oracle.tsv holds
// instruction words with GNU objdump's reading of them: a variety-sampled set from the fixture
// binaries plus a hand-written list (regenerate with `node scripts/decode-oracle.mjs`). Each line
// is decoded at its pc and checked
//   (a) by row: a table below maps objdump mnemonics (aliases included) to the decoder rows that
//       may produce them; integer, system and load/store lines are checked strictly, encodings
//       the translator deliberately leaves to trap (SVE, SME, MTE, MOPS,
//       ERETAA…) must decode UNDEF, and FP/SIMD lines must decode
//       to an FP/SIMD row or UNDEF — the FP/SIMD mnemonics still UNDEF are pinned in a list;
//   (b) by field: registers, immediates, offsets, writeback, shift/extend, conditions and
//       targets parsed from objdump's operand text and compared with the decoded fields;
//   (c) by control flow: flow kinds and targets of branches, calls, returns and traps.
// Every line must pass: the 13 decoder bugs this oracle found (FlagM and SME as MSR_imm, prefetch
// with writeback, LDNPSW, unallocated barriers, TCOMMIT) were fixed, none is excused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, rows } from '../../src/arch/aarch64/index.ts';
import type { A64Insn } from '../../src/arch/aarch64/row-types.ts';
import { branches } from '../../src/arch/aarch64/table/branch.ts';
import { dpImm } from '../../src/arch/aarch64/table/dp-imm.ts';
import { dpReg } from '../../src/arch/aarch64/table/dp-reg.ts';
import { loadStore } from '../../src/arch/aarch64/table/ldst.ts';

// ---------------------------------------------------------------------------------------------
// The oracle

interface Line {
  word: number; mn: string; ops: string; pc: number; src: string;
  /** operands split at top-level commas (brackets and braces kept whole) */
  args: string[];
  /** absolute address objdump printed as the last operand (branches, adr/adrp, literals) */
  target?: number;
}

function splitOperands(ops: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of ops) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const TARGET_MNEMONICS = /^(b|bl|b\.\w+|bc\.\w+|cbn?z|tbn?z|adrp?)$/;
const LITERAL_MNEMONICS = /^(ldr|ldrsw|prfm)$/;

const ORACLE: Line[] = readFileSync(new URL('../fixtures/decode/oracle.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [word, mn, ops, pc, src] = l.split('\t') as [string, string, string, string, string];
    const line: Line = { word: parseInt(word, 16) >>> 0, mn, ops, pc: parseInt(pc, 16), src, args: splitOperands(ops) };
    if (TARGET_MNEMONICS.test(mn) || (LITERAL_MNEMONICS.test(mn) && !ops.includes('['))) {
      line.target = parseInt(line.args.pop()!, 16);
    }
    return line;
  });
const DECODED: A64Insn[] = ORACLE.map((l) => decode(l.word, l.pc));
const hex = (w: number) => w.toString(16).padStart(8, '0');
const show = (l: Line, d?: A64Insn) => `${hex(l.word)} ${l.mn}${l.ops ? ` ${l.ops}` : ''}${l.target !== undefined ? ` → ${l.target.toString(16)}` : ''}${d ? ` [decoded ${d.name}]` : ''}`;

// ---------------------------------------------------------------------------------------------
// (a) objdump mnemonic → decoder rows

const INT_ROW_NAMES = new Set([...branches, ...dpImm, ...dpReg, ...loadStore].map((r) => r.name));
const FPSIMD_ROW_NAMES = new Set(rows.map((r) => r.name).filter((n) => !INT_ROW_NAMES.has(n)));

const ADD_SUB = ['ADD_SUB_imm', 'ADD_SUB_shift', 'ADD_SUB_ext'];
const LOGIC = ['LOGIC_imm', 'LOGIC_shift'];
const LDST_SINGLE = ['LDST_uimm', 'LDST_pre', 'LDST_post', 'LDST_reg'];
const LDSTP = ['LDSTP_off', 'LDSTP_pre', 'LDSTP_post'];

/** integer, branch, system and load/store mnemonics: the decoded row must be one of these */
const INT_ROWS: Record<string, string[]> = {
  add: ADD_SUB, adds: ADD_SUB, sub: ADD_SUB, subs: ADD_SUB, cmp: ADD_SUB, cmn: ADD_SUB,
  neg: ['ADD_SUB_shift'], negs: ['ADD_SUB_shift'],
  // MOVZ/MOVN/ORR-immediate for constants, ORR-register for registers, ADD #0 to or from SP
  mov: ['MOVZ', 'MOVN', 'LOGIC_imm', 'LOGIC_shift', 'ADD_SUB_imm'],
  movz: ['MOVZ'], movn: ['MOVN'], movk: ['MOVK'],
  adr: ['ADR'], adrp: ['ADRP'],
  and: LOGIC, ands: LOGIC, orr: LOGIC, eor: LOGIC, tst: LOGIC,
  bic: ['LOGIC_shift'], bics: ['LOGIC_shift'], orn: ['LOGIC_shift'], eon: ['LOGIC_shift'], mvn: ['LOGIC_shift'],
  // SBFM/BFM/UBFM aliases; the shift mnemonics are also the aliases of LSLV/LSRV/ASRV/RORV
  bfi: ['BITFIELD'], bfxil: ['BITFIELD'], bfc: ['BITFIELD'], sbfiz: ['BITFIELD'], sbfx: ['BITFIELD'],
  ubfiz: ['BITFIELD'], ubfx: ['BITFIELD'], sxtb: ['BITFIELD'], sxth: ['BITFIELD'], sxtw: ['BITFIELD'],
  uxtb: ['BITFIELD'], uxth: ['BITFIELD'],
  lsl: ['BITFIELD', 'SHIFTV'], lsr: ['BITFIELD', 'SHIFTV'], asr: ['BITFIELD', 'SHIFTV'], ror: ['EXTR', 'SHIFTV'],
  lslv: ['SHIFTV'], lsrv: ['SHIFTV'], asrv: ['SHIFTV'], rorv: ['SHIFTV'], extr: ['EXTR'],
  adc: ['ADC_SBC'], adcs: ['ADC_SBC'], sbc: ['ADC_SBC'], sbcs: ['ADC_SBC'], ngc: ['ADC_SBC'], ngcs: ['ADC_SBC'],
  ccmp: ['CCMP_reg', 'CCMP_imm'], ccmn: ['CCMP_reg', 'CCMP_imm'],
  csel: ['CSEL'], csinc: ['CSEL'], csinv: ['CSEL'], csneg: ['CSEL'], cset: ['CSEL'], csetm: ['CSEL'],
  cinc: ['CSEL'], cinv: ['CSEL'], cneg: ['CSEL'],
  madd: ['MADD_MSUB'], msub: ['MADD_MSUB'], mul: ['MADD_MSUB'], mneg: ['MADD_MSUB'],
  smaddl: ['MADDL'], smsubl: ['MADDL'], umaddl: ['MADDL'], umsubl: ['MADDL'],
  smull: ['MADDL'], umull: ['MADDL'], smnegl: ['MADDL'], umnegl: ['MADDL'],
  smulh: ['MULH'], umulh: ['MULH'], sdiv: ['DIV'], udiv: ['DIV'],
  rbit: ['RBIT'], rev16: ['REV16'], rev32: ['REV32'], rev: ['REV_w', 'REV_x'], clz: ['CLZ'], cls: ['CLS'],

  b: ['B'], bl: ['BL'], cbz: ['CBZ'], cbnz: ['CBZ'], tbz: ['TBZ'], tbnz: ['TBZ'], br: ['BR'], blr: ['BLR'], ret: ['RET'],
  svc: ['SVC'], brk: ['BRK'], hlt: ['HLT'], udf: ['UDF'],
  msr: ['MSR', 'MSR_imm'], mrs: ['MRS'], sys: ['SYS'], dc: ['SYS'], ic: ['SYS'], tlbi: ['SYS'], at: ['SYS'],
  dmb: ['BARRIER'], dsb: ['BARRIER'], isb: ['BARRIER'], clrex: ['BARRIER'], sb: ['BARRIER'], ssbb: ['BARRIER'], pssbb: ['BARRIER'],

  ldr: [...LDST_SINGLE, 'LDR_lit'], ldrsw: [...LDST_SINGLE, 'LDR_lit'], prfm: ['LDST_uimm', 'LDST_reg', 'LDR_lit'],
  str: LDST_SINGLE, ldrb: LDST_SINGLE, strb: LDST_SINGLE, ldrh: LDST_SINGLE, strh: LDST_SINGLE,
  ldrsb: LDST_SINGLE, ldrsh: LDST_SINGLE,
  ldp: LDSTP, stp: LDSTP, ldpsw: LDSTP, ldnp: ['LDSTP_noalloc'], stnp: ['LDSTP_noalloc'],
};
for (const b of ['b', 'h', '']) {
  for (const base of ['ldr', 'str']) {
    for (const s of ['', 's']) {
      if (base === 'str' && s) continue;
      const mn = (u: string) => `${base.slice(0, 2)}${u}r${s}${b}`;
      INT_ROWS[mn('u')] = ['LDST_unscaled'];
      INT_ROWS[mn('t')] = ['LDST_unpriv'];
    }
  }
  for (const o of ['', 'a', 'al', 'l']) {
    INT_ROWS[`cas${o}${b}`] = ['CAS'];
    INT_ROWS[`swp${o}${b}`] = ['LSE_atomic'];
    for (const op of ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin']) {
      INT_ROWS[`ld${op}${o}${b}`] = ['LSE_atomic'];
      if (o === '' || o === 'l') INT_ROWS[`st${op}${o}${b}`] = ['LSE_atomic']; // Rt = zr
    }
  }
  for (const mn of ['ldxr', 'ldaxr', 'stxr', 'stlxr']) INT_ROWS[mn + b] = ['LDXR_STXR'];
  for (const mn of ['ldar', 'stlr', 'ldlar', 'stllr']) INT_ROWS[mn + b] = ['LDAR_STLR'];
  INT_ROWS[`ldapr${b}`] = ['LDAPR'];
}
for (const mn of ['ldursw', 'ldtrsw']) INT_ROWS[mn] = [mn.includes('u') ? 'LDST_unscaled' : 'LDST_unpriv'];
INT_ROWS.prfum = ['LDST_unscaled'];
for (const mn of ['ldxp', 'ldaxp', 'stxp', 'stlxp']) INT_ROWS[mn] = ['LDXP_STXP'];
// the hint space: NOP, YIELD, WFE…, BTI, and the pointer-authentication hints (no PAC is advertised)
for (const mn of [
  'nop', 'yield', 'wfe', 'wfi', 'sev', 'sevl', 'esb', 'psb', 'tsb', 'csdb', 'bti', 'dgh', 'hint', 'clrbhb', 'xpaclri',
  'paciasp', 'autiasp', 'pacibsp', 'autibsp', 'paciaz', 'pacibz', 'autiaz', 'autibz',
  'pacia1716', 'pacib1716', 'autia1716', 'autib1716',
]) INT_ROWS[mn] = ['HINT'];
for (const mn of ['casp', 'caspa', 'caspl', 'caspal']) INT_ROWS[mn] = ['CASP'];
// pointer authentication with the keys disabled (table/branch.ts RETAx)
Object.assign(INT_ROWS, { retaa: ['RETAx'], retab: ['RETAx'], braa: ['BRAx'], brab: ['BRAx'], blraa: ['BLRAx'], blrab: ['BLRAx'], braaz: ['BRAxZ'], brabz: ['BRAxZ'], blraaz: ['BLRAxZ'], blrabz: ['BLRAxZ'], xpaci: ['XPAC'], xpacd: ['XPAC'] });
for (const mn of ['pacia', 'pacib', 'pacda', 'pacdb', 'paciza', 'pacizb', 'pacdza', 'pacdzb', 'autia', 'autib', 'autda', 'autdb', 'autiza', 'autizb', 'autdza', 'autdzb']) INT_ROWS[mn] = ['PAC_AUT'];
// the loads that authenticate their base (keys disabled: a plain load, table/ldst.ts) and the generic PAC (table/dp-reg.ts)
Object.assign(INT_ROWS, { ldraa: ['LDRA'], ldrab: ['LDRA'], pacga: ['PACGA'] });
for (const mn of ['ldapur', 'ldapurb', 'ldapurh', 'ldapursb', 'ldapursh', 'ldapursw', 'stlur', 'stlurb', 'stlurh']) INT_ROWS[mn] = ['LDAPUR_STLUR'];
Object.assign(INT_ROWS, { cfinv: ['CFINV'], axflag: ['AXFLAG'], xaflag: ['XAFLAG'], rmif: ['RMIF'], setf8: ['SETF'], setf16: ['SETF'] });
for (const mn of ['crc32b', 'crc32h', 'crc32w', 'crc32x', 'crc32cb', 'crc32ch', 'crc32cw', 'crc32cx']) INT_ROWS[mn] = ['CRC32'];

/** mnemonics that must decode UNDEF (trap when executed) */
const UNDEF_MNEMONICS = new Set([
  // pointer authentication's exception returns (EL0 has none)
  'eretaa', 'eretab',
  // SYSL: no system register an EL0 program may read this way
  'sysl',
  // calls to EL2/EL3: UNDEFINED at EL0
  'hvc', 'smc',
  // words objdump cannot name (unallocated), TME
  '.inst', 'tstart', 'tcommit', 'tcancel', 'ttest',
  // MTE
  'irg', 'gmi', 'addg', 'subg', 'subp', 'subps', 'stg', 'stzg', 'st2g', 'stz2g', 'ldg', 'stgp', 'ldgm', 'stgm', 'stzgm',
  // SVE and SME instructions whose operands name no Z/P/ZA register
  'smstart', 'smstop', 'zero', 'rdvl', 'addvl', 'addpl', 'rdsvl', 'addsvl', 'addspl', 'setffr', 'wrffr', 'rdffr',
]);
const isUndefMnemonic = (mn: string) => UNDEF_MNEMONICS.has(mn)
  || mn.startsWith('bc.') // BC.cond (Armv8.8 FEAT_HBC): no row yet
  || /^cpyf?[pme][a-z]*$/.test(mn) || /^setg?[pme][a-z]*$/.test(mn) // MOPS
  || /^(cnt|inc|dec|sqinc|sqdec|uqinc|uqdec)[bhwd]$/.test(mn); // SVE element counts

/** Z, P, PN and ZA registers: SVE/SME, UNDEF whatever the mnemonic */
const SVE_OPERAND = /\b(z\d+|p\d+|pn\d+|za[0-9a-z.]*|zt0)\b/;
/** B/H/S/D/Q/V registers */
const FP_OPERAND = /\b[bhsdqv]\d+\b/;
/** load/store mnemonics whose SIMD&FP register forms live in the integer load/store rows */
const FP_IN_LDST = new Set(['ldr', 'str', 'ldur', 'stur', 'ldp', 'stp', 'ldnp', 'stnp']);

type Kind = 'undef' | 'int' | 'fpsimd';
function kindOf(l: Line): Kind | undefined {
  if (SVE_OPERAND.test(l.ops) || isUndefMnemonic(l.mn)) return 'undef';
  if (FP_OPERAND.test(l.args.join(', ')) && !FP_IN_LDST.has(l.mn)) return 'fpsimd';
  if (l.mn in INT_ROWS || l.mn.startsWith('b.')) return 'int';
  return undefined;
}
/** `msr s0_op1_c3|c4_…, xzr`: objdump's generic name for unallocated PSTATE/barrier encodings (op0=0) */
const UNALLOCATED_SYSTEM = /^s0_\d_c[34]_/;
const expectedRows = (l: Line) => (l.mn.startsWith('b.') ? ['B_cond']
  : l.mn === 'msr' && UNALLOCATED_SYSTEM.test(l.ops) ? ['UNDEF'] : INT_ROWS[l.mn]!);

/**
 * FP/SIMD mnemonics with at least one oracle line still decoding UNDEF (SVE forms excluded).
 * Update this list when FP/SIMD coverage changes.
 */
const FPSIMD_STILL_UNDEF: string[] = [];

// ---------------------------------------------------------------------------------------------
// (b) operand parsing and field checks

const REG_RE = /^([wxbhsdqv])(\d+)$/;
function regNum(t: string | undefined): number {
  if (t === undefined) throw new Error('missing register operand');
  if (t === 'sp' || t === 'wsp' || t === 'xzr' || t === 'wzr') return 31;
  const m = REG_RE.exec(t);
  if (!m) throw new Error(`not a register: ${t}`);
  return Number(m[2]);
}
const is32 = (t: string) => t.startsWith('w');
const isSp = (t: string) => t === 'sp' || t === 'wsp';
function immOf(t: string | undefined): bigint {
  const m = /^#(-?)(0x[0-9a-f]+|\d+)$/.exec(t ?? '');
  if (!m) throw new Error(`not an immediate: ${t}`);
  return (m[1] ? -1n : 1n) * BigInt(m[2]!);
}
const immN = (t: string | undefined) => Number(immOf(t));
/** `lsl #12`, `uxtw #2`, `sxtx`: [operator, amount or undefined] */
function shiftOf(t: string | undefined): [string, number | undefined] | undefined {
  const m = /^(lsl|lsr|asr|ror|msl|[us]xt[bhwx])(?: #(\d+))?$/.exec(t ?? '');
  return m ? [m[1]!, m[2] === undefined ? undefined : Number(m[2])] : undefined;
}
const SHIFT_TYPE: Record<string, number> = { lsl: 0, lsr: 1, asr: 2, ror: 3 };
const EXTEND: Record<string, number> = { uxtb: 0, uxth: 1, uxtw: 2, uxtx: 3, sxtb: 4, sxth: 5, sxtw: 6, sxtx: 7 };
const CONDS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
function condNum(c: string): number {
  const n = CONDS.indexOf(({ cs: 'hs', cc: 'lo' } as Record<string, string>)[c] ?? c);
  if (n < 0) throw new Error(`not a condition: ${c}`);
  return n;
}

function bitMask(sf: number, N: number, imms: number, immr: number): bigint {
  const len = 31 - Math.clz32((N << 6) | (~imms & 0x3f));
  const esize = 1 << len, S = imms & (esize - 1), R = immr & (esize - 1);
  const emask = (1n << BigInt(esize)) - 1n;
  let elem = (1n << BigInt(S + 1)) - 1n;
  elem = ((elem >> BigInt(R)) | (elem << BigInt(esize - R))) & emask;
  let out = 0n;
  for (let i = 0; i < (sf ? 64 : 32); i += esize) out |= elem << BigInt(i);
  return out;
}

const PRF_TYPE: Record<string, number> = { pld: 0, pli: 1, pst: 2 };
function prfop(t: string): number {
  const m = /^(pld|pli|pst)l([123])(keep|strm)$/.exec(t);
  return m ? (PRF_TYPE[m[1]!]! << 3) | ((Number(m[2]) - 1) << 1) | (m[3] === 'strm' ? 1 : 0) : immN(t);
}

const SYSREGS: Record<string, number[]> = {
  tpidr_el0: [3, 3, 13, 0, 2], nzcv: [3, 3, 4, 2, 0], fpcr: [3, 3, 4, 4, 0], fpsr: [3, 3, 4, 4, 1],
  ctr_el0: [3, 3, 0, 0, 1], dczid_el0: [3, 3, 0, 0, 7], midr_el1: [3, 0, 0, 0, 0], cntvct_el0: [3, 3, 14, 0, 2],
  cntfrq_el0: [3, 3, 14, 0, 0],
};
function sysreg(t: string): number[] | undefined {
  const m = /^s(\d)_(\d)_c(\d+)_c(\d+)_(\d)$/.exec(t);
  return m ? m.slice(1).map(Number) : SYSREGS[t];
}

/** memory operand: `[Rn]`, `[Rn, #imm]`, `[Rn, #imm]!`, `[Rn, Rm{, ext #s}]` (post-index imm is the next operand) */
interface Mem { rn: number; imm?: number; pre: boolean; rm?: string; ext?: [string, number | undefined] }
function memOf(t: string | undefined): Mem {
  const m = /^\[([^\]]+)\](!?)$/.exec(t ?? '');
  if (!m) throw new Error(`not a memory operand: ${t}`);
  const parts = m[1]!.split(', ');
  const mem: Mem = { rn: regNum(parts[0]), pre: m[2] === '!' };
  if (parts[1] === undefined) return mem;
  if (parts[1].startsWith('#')) mem.imm = immN(parts[1]);
  else { mem.rm = parts[1]; mem.ext = parts[2] === undefined ? undefined : shiftOf(parts[2]); }
  return mem;
}

/** single-register load/store: [size, V, opc] from the base mnemonic and register */
function ldstClass(base: string, rt: string): [number, number, number] {
  if (base === 'prfm') return [3, 0, 2];
  const load = base.startsWith('ld') ? 1 : 0, r = rt[0]!;
  if ('bhsdq'.includes(r)) return [{ b: 0, h: 1, s: 2, d: 3, q: 0 }[r]!, 1, (r === 'q' ? 2 : 0) + load];
  const size = base.endsWith('b') ? 0 : base.endsWith('h') ? 1 : base === 'ldrsw' ? 2 : r === 'w' ? 2 : 3;
  if (base.startsWith('ldrs')) return [size, 0, r === 'w' ? 3 : 2];
  return [size, 0, load];
}

type Check = (l: Line, d: A64Insn, want: (field: string, value: number | bigint | boolean) => void) => void;

const sfOf = (t: string) => (is32(t) ? 0 : 1);

const addSub: Check = (l, d, want) => {
  const { mn } = l;
  let a = [...l.args];
  if (mn === 'cmp' || mn === 'cmn') a = ['xzr', ...a];
  if (mn === 'neg' || mn === 'negs') a = [a[0]!, 'xzr', ...a.slice(1)];
  const [op, S] = ({ add: [0, 0], adds: [0, 1], sub: [1, 0], subs: [1, 1], cmp: [1, 1], cmn: [0, 1], neg: [1, 0], negs: [1, 1], mov: [0, 0] } as Record<string, number[]>)[mn]!;
  want('op', op!); want('S', S!);
  want('rd', regNum(a[0])); want('rn', regNum(a[1])); want('sf', sfOf(l.args[0]!));
  if (mn === 'mov') return void want('imm12', 0);
  if (a[2]!.startsWith('#')) {
    want('row:ADD_SUB_imm', d.name === 'ADD_SUB_imm');
    want('imm12', immN(a[2])); want('sh', a[3] === 'lsl #12');
    return;
  }
  want('rm', regNum(a[2]));
  const sh = shiftOf(a[3]);
  const ext = (sh && sh[0] in EXTEND) || (!sh && (isSp(a[0]!) || isSp(a[1]!))) || (sh?.[0] === 'lsl' && (isSp(a[0]!) || isSp(a[1]!)));
  if (ext) {
    want('row:ADD_SUB_ext', d.name === 'ADD_SUB_ext');
    const option = sh && sh[0] in EXTEND ? EXTEND[sh[0]]! : sfOf(l.args[0]!) ? 3 : 2;
    want('option', option); want('imm3', sh?.[1] ?? 0);
  } else {
    want('row:ADD_SUB_shift', d.name === 'ADD_SUB_shift');
    want('shift', sh ? SHIFT_TYPE[sh[0]]! : 0); want('imm6', sh?.[1] ?? 0);
  }
};

const LOGIC_OP: Record<string, [number, number]> = {
  and: [0, 0], orr: [1, 0], eor: [2, 0], ands: [3, 0], tst: [3, 0], bic: [0, 1], orn: [1, 1], eon: [2, 1], bics: [3, 1], mvn: [1, 1], mov: [1, 0],
};
const logic: Check = (l, d, want) => {
  const { mn } = l;
  let a = [...l.args];
  if (mn === 'tst') a = ['xzr', ...a];
  if (mn === 'mvn' || mn === 'mov') a = [a[0]!, 'xzr', ...a.slice(1)];
  const [opc, N] = LOGIC_OP[mn]!;
  const sf = sfOf(l.args[0]!);
  want('opc', opc); want('sf', sf); want('rd', regNum(a[0])); want('rn', regNum(a[1]));
  if (a[2]!.startsWith('#')) {
    want('row:LOGIC_imm', d.name === 'LOGIC_imm');
    want('bitmask', bitMask(sf, d.f.N!, d.f.imms!, d.f.immr!) === BigInt.asUintN(sf ? 64 : 32, immOf(a[2])));
    return;
  }
  want('row:LOGIC_shift', d.name === 'LOGIC_shift');
  const sh = shiftOf(a[3]);
  want('N', N); want('rm', regNum(a[2])); want('shift', sh ? SHIFT_TYPE[sh[0]]! : 0); want('imm6', sh?.[1] ?? 0);
};

/** `mov Rd, #imm` from MOVZ, MOVN or ORR (immediate): compare the value it produces */
const movImm: Check = (l, d, want) => {
  const sf = sfOf(l.args[0]!), width = sf ? 64 : 32, value = BigInt.asUintN(width, immOf(l.args[1]));
  want('sf', sf); want('rd', regNum(l.args[0]));
  let got: bigint;
  if (d.name === 'LOGIC_imm') { want('rn', 31); want('opc', 1); got = bitMask(sf, d.f.N!, d.f.imms!, d.f.immr!); }
  else {
    const v = BigInt(d.f.imm16!) << BigInt(16 * d.f.hw!);
    got = BigInt.asUintN(width, d.name === 'MOVN' ? ~v : v);
  }
  want('value', got === value);
};

const movWide: Check = (l, _d, want) => {
  want('sf', sfOf(l.args[0]!)); want('rd', regNum(l.args[0])); want('imm16', immN(l.args[1]));
  want('hw', (shiftOf(l.args[2])?.[1] ?? 0) / 16);
};

const bitfield: Check = (l, d, want) => {
  const { mn } = l, a = l.args;
  const sf = sfOf(a[0]!), w = sf ? 64 : 32;
  if (d.name === 'SHIFTV') {
    want('op2', { lsl: 0, lsr: 1, asr: 2, ror: 3 }[mn.slice(0, 3)]!);
    want('rd', regNum(a[0])); want('rn', regNum(a[1])); want('rm', regNum(a[2])); want('sf', sf);
    return;
  }
  if (d.name === 'EXTR') {
    const [rn, rm, lsb] = mn === 'ror' ? [a[1], a[1], a[2]] : [a[1], a[2], a[3]];
    want('rd', regNum(a[0])); want('rn', regNum(rn)); want('rm', regNum(rm)); want('imms', immN(lsb)); want('sf', sf);
    return;
  }
  want('sf', sf); want('N', sf); want('rd', regNum(a[0]));
  want('rn', mn === 'bfc' ? 31 : regNum(a[1]));
  const opc = mn.startsWith('s') || mn === 'asr' ? 0 : mn.startsWith('bf') ? 1 : 2;
  want('opc', opc);
  const imm = (i: number) => immN(a[mn === 'bfc' ? i - 1 : i]);
  let immr: number, imms: number;
  switch (mn) {
    case 'lsl': immr = (w - imm(2)) % w; imms = w - 1 - imm(2); break;
    case 'lsr': case 'asr': immr = imm(2); imms = w - 1; break;
    case 'ubfx': case 'sbfx': case 'bfxil': immr = imm(2); imms = imm(2) + imm(3) - 1; break;
    case 'ubfiz': case 'sbfiz': case 'bfi': case 'bfc': immr = (w - imm(2)) % w; imms = imm(3) - 1; break;
    default: immr = 0; imms = { b: 7, h: 15, w: 31 }[mn.at(-1)!]!; // sxtb… uxth
  }
  want('immr', immr); want('imms', imms);
};

const adcSbc: Check = (l, _d, want) => {
  const a = l.mn.startsWith('ngc') ? [l.args[0], 'xzr', l.args[1]] : l.args;
  want('op', l.mn.startsWith('adc') ? 0 : 1); want('S', l.mn.endsWith('s'));
  want('rd', regNum(a[0])); want('rn', regNum(a[1])); want('rm', regNum(a[2])); want('sf', sfOf(l.args[0]!));
};

const ccmp: Check = (l, d, want) => {
  const a = l.args;
  want('op', l.mn === 'ccmp'); want('sf', sfOf(a[0]!)); want('rn', regNum(a[0]));
  if (a[1]!.startsWith('#')) { want('row:CCMP_imm', d.name === 'CCMP_imm'); want('imm5', immN(a[1])); }
  else { want('row:CCMP_reg', d.name === 'CCMP_reg'); want('rm', regNum(a[1])); }
  want('nzcv', immN(a[2])); want('cond', condNum(a[3]!));
};

const CSEL_OP: Record<string, [number, number]> = { csel: [0, 0], csinc: [0, 1], csinv: [1, 0], csneg: [1, 1] };
const csel: Check = (l, _d, want) => {
  const { mn } = l, a = l.args;
  let base = mn, rn: string, rm: string, cond: number;
  if (mn in CSEL_OP) { rn = a[1]!; rm = a[2]!; cond = condNum(a[3]!); }
  else if (mn === 'cset' || mn === 'csetm') { base = mn === 'cset' ? 'csinc' : 'csinv'; rn = rm = 'xzr'; cond = condNum(a[1]!) ^ 1; }
  else { base = { cinc: 'csinc', cinv: 'csinv', cneg: 'csneg' }[mn]!; rn = rm = a[1]!; cond = condNum(a[2]!) ^ 1; }
  const [op, o2] = CSEL_OP[base]!;
  want('op', op); want('o2', o2); want('sf', sfOf(a[0]!));
  want('rd', regNum(a[0])); want('rn', regNum(rn)); want('rm', regNum(rm)); want('cond', cond);
};

const mulAdd: Check = (l, d, want) => {
  const { mn } = l, a = l.args;
  want('rd', regNum(a[0])); want('rn', regNum(a[1])); want('rm', regNum(a[2]));
  if (d.name === 'MULH') return void want('U', mn.startsWith('u'));
  const three = /^(mul|mneg|[su]mull|[su]mnegl)$/.test(mn);
  want('ra', three ? 31 : regNum(a[3]));
  want('o0', /sub|neg/.test(mn));
  if (d.name === 'MADDL') want('U', mn.startsWith('u'));
  else want('sf', sfOf(a[0]!));
};

const oneSrc: Check = (l, d, want) => {
  want('rd', regNum(l.args[0])); want('rn', regNum(l.args[1]));
  if (l.mn === 'sdiv' || l.mn === 'udiv') { want('rm', regNum(l.args[2])); want('o1', l.mn === 'sdiv'); }
  if (l.mn === 'rev') want(`row:REV_${l.args[0]![0]}`, d.name === `REV_${l.args[0]![0]}`);
  else if (l.mn !== 'rev32') want('sf', sfOf(l.args[0]!));
};

const branch: Check = (l, d, want) => {
  const { mn, args: a } = l, target = l.target!;
  const kind = mn === 'b' || mn === 'b.al' || mn === 'b.nv' ? 'jump' : mn === 'bl' ? 'call' : 'cond';
  want('flow.kind', d.flow.kind === kind);
  want('flow.target', 'target' in d.flow && d.flow.target === target);
  if (mn.startsWith('b.')) want('cond', condNum(mn.slice(2)));
  if (mn === 'cbz' || mn === 'cbnz') { want('rt', regNum(a[0])); want('sf', sfOf(a[0]!)); want('op', mn === 'cbnz'); }
  if (mn === 'tbz' || mn === 'tbnz') {
    want('rt', regNum(a[0])); want('op', mn === 'tbnz');
    want('bit', ((d.f.b5! << 5) | d.f.b40!) === immN(a[1])); want('b5', is32(a[0]!) ? 0 : d.f.b5!);
  }
};

const adr: Check = (l, d, want) => {
  want('rd', regNum(l.args[0]));
  const off = d.f.immhi! * 4 + d.f.immlo!;
  want('target', (l.mn === 'adr' ? l.pc + off : Math.floor(l.pc / 4096) * 4096 + off * 4096) === l.target);
};

const indirect: Check = (l, d, want) => {
  want('rn', l.mn === 'ret' && !l.args.length ? 30 : regNum(l.args[0]));
  want('flow.kind', d.flow.kind === ({ br: 'ijump', blr: 'icall', ret: 'ret' } as Record<string, string>)[l.mn]);
};

const exception: Check = (l, _d, want) => want('imm16', l.args.length ? immN(l.args[0]) : 0);
const hint: Check = (l, d, want) => want('imm7', (d.f.crm! << 3 | d.f.op2!) === immN(l.args[0]));

const sysregCheck: Check = (l, d, want) => {
  const [reg, rt] = l.mn === 'mrs' ? [l.args[1]!, l.args[0]!] : [l.args[0]!, l.args[1]!];
  if (d.name === 'MSR_imm') return;
  want('rt', regNum(rt));
  const enc = sysreg(reg);
  if (!enc) return;
  want('o0', enc[0]! - 2); want('op1', enc[1]!); want('crn', enc[2]!); want('crm', enc[3]!); want('op2', enc[4]!);
};

const ldstSingle: Check = (l, d, want) => {
  const { mn, args: a } = l;
  const base = mn === 'prfum' ? 'prfm' : mn.replace(/^(ld|st)[ut]r/, '$1r');
  const prf = base === 'prfm';
  const [size, V, opc] = ldstClass(base, prf ? 'x' : a[0]!);
  want('rt', prf ? prfop(a[0]!) : regNum(a[0]));
  if (l.target !== undefined) {
    want('row:LDR_lit', d.name === 'LDR_lit');
    want('V', V);
    want('opc', V ? { s: 0, d: 1, q: 2 }[a[0]![0] as 's']! : prf ? 3 : base === 'ldrsw' ? 2 : is32(a[0]!) ? 0 : 1);
    want('target', l.pc + d.f.imm19! * 4 === l.target);
    return;
  }
  want('size', size); want('opc', opc);
  if ('V' in d.f) want('V', V); else want('V=0', V === 0); // LDTR/STTR: general registers only
  const mem = memOf(a[1]);
  want('rn', mem.rn);
  const scale = V && (opc & 2) ? 4 : size;
  if (mem.rm !== undefined) {
    want('row:LDST_reg', d.name === 'LDST_reg');
    want('rm', regNum(mem.rm));
    const ext = mem.ext;
    want('option', ext && ext[0] !== 'lsl' ? EXTEND[ext[0]]! : 3);
    want('S', ext?.[1] !== undefined);
    if (ext?.[1] !== undefined) want('amount', ext[1] === scale);
  } else if (mem.pre) {
    want('row:LDST_pre', d.name === 'LDST_pre'); want('imm9', mem.imm ?? 0);
  } else if (a[2] !== undefined) {
    want('row:LDST_post', d.name === 'LDST_post'); want('imm9', immN(a[2]));
  } else if (/^(ld|st)u|^prfum$/.test(mn)) {
    want('row:LDST_unscaled', d.name === 'LDST_unscaled'); want('imm9', mem.imm ?? 0);
  } else if (/^(ld|st)t/.test(mn)) {
    want('row:LDST_unpriv', d.name === 'LDST_unpriv'); want('imm9', mem.imm ?? 0);
  } else {
    want('row:LDST_uimm', d.name === 'LDST_uimm'); want('offset', d.f.imm12! * (1 << scale) === (mem.imm ?? 0));
  }
};

const ldstPair: Check = (l, d, want) => {
  const { mn, args: a } = l, r = a[0]![0]!;
  const V = 'sdq'.includes(r) ? 1 : 0;
  const opc = mn === 'ldpsw' ? 1 : V ? { s: 0, d: 1, q: 2 }[r as 's']! : r === 'w' ? 0 : 2;
  const scale = V ? 2 + opc : mn === 'ldpsw' ? 2 : 2 + (opc >> 1);
  want('rt', regNum(a[0])); want('rt2', regNum(a[1])); want('V', V); want('opc', opc); want('L', mn.startsWith('ld'));
  const mem = memOf(a[2]);
  want('rn', mem.rn);
  const row = mn.includes('np') ? 'LDSTP_noalloc' : mem.pre ? 'LDSTP_pre' : a[3] !== undefined ? 'LDSTP_post' : 'LDSTP_off';
  want(`row:${row}`, d.name === row);
  want('offset', d.f.imm7! * (1 << scale) === (a[3] !== undefined ? immN(a[3]) : mem.imm ?? 0));
};

/** size of an exclusive/atomic access: b/h suffix, else from the data register */
const accSize = (mn: string, rt: string) => (mn.endsWith('b') ? 0 : mn.endsWith('h') ? 1 : is32(rt) ? 2 : 3);

const exclusive: Check = (l, d, want) => {
  const { mn, args: a } = l;
  const acqrel = /^(ldax|stlx|ldar|stlr)/.test(mn);
  if (d.name === 'LDXP_STXP') {
    const st = mn.startsWith('st'), o = st ? 1 : 0;
    if (st) want('rs', regNum(a[0]));
    want('rt', regNum(a[o])); want('rt2', regNum(a[o + 1])); want('rn', memOf(a[o + 2]).rn);
    want('sz', is32(a[o]!) ? 0 : 1); want('L', !st); want('o0', acqrel);
    return;
  }
  const st = mn.startsWith('stx') || mn.startsWith('stlx');
  const o = st ? 1 : 0;
  if (st) want('rs', regNum(a[0]));
  want('rt', regNum(a[o])); want('rn', memOf(a[o + 1]).rn); want('size', accSize(mn, a[o]!));
  if (d.name === 'LDAPR') return;
  want('L', mn.startsWith('ld')); want('o0', d.name === 'LDAR_STLR' ? !/^(ldlar|stllr)/.test(mn) : acqrel);
};

const LSE_OPC: Record<string, number> = { add: 0, clr: 1, eor: 2, set: 3, smax: 4, smin: 5, umax: 6, umin: 7 };
const atomic: Check = (l, d, want) => {
  const { mn, args: a } = l;
  const store = /^st/.test(mn);
  const [rs, rt, mem] = store ? [a[0]!, 'xzr', a[1]] : [a[0]!, a[1]!, a[2]];
  want('rs', regNum(rs)); want('rt', regNum(rt)); want('rn', memOf(mem).rn);
  const m = /^(cas|swp|ld|st)(add|clr|eor|set|smax|smin|umax|umin)?(a|al|l)?([bh])?$/.exec(mn)!;
  want('size', m[4] === 'b' ? 0 : m[4] === 'h' ? 1 : is32(rs) ? 2 : 3);
  const acq = m[3] === 'a' || m[3] === 'al', rel = m[3] === 'l' || m[3] === 'al';
  if (d.name === 'CAS') { want('L', acq); want('o0', rel); return; }
  want('A', acq); want('R', rel);
  want('o3', m[1] === 'swp');
  want('opc', m[1] === 'swp' ? 0 : LSE_OPC[m[2]!]!);
};

/** LDRAA/LDRAB: the offset is S:imm9 scaled by 8, `!` is W */
const ldra: Check = (l, d, want) => {
  const mem = memOf(l.args[1]);
  want('rt', regNum(l.args[0])); want('rn', mem.rn); want('M', l.mn === 'ldrab'); want('W', mem.pre);
  want('offset', (d.f.imm9! - (d.f.S! << 9)) * 8 === (mem.imm ?? 0));
};

const pacga: Check = (l, _d, want) => {
  want('rd', regNum(l.args[0])); want('rn', regNum(l.args[1])); want('rm', regNum(l.args[2]));
};

/** field check for the strict (integer/system/load-store) lines, by mnemonic */
function checkerFor(l: Line, d: A64Insn): Check | undefined {
  const { mn } = l;
  if (['add', 'adds', 'sub', 'subs', 'cmp', 'cmn', 'neg', 'negs'].includes(mn)) return addSub;
  if (mn === 'mov') {
    if (d.name === 'ADD_SUB_imm') return addSub;
    if (d.name === 'LOGIC_shift') return logic;
    return movImm;
  }
  if (mn in LOGIC_OP) return logic;
  if (mn === 'movz' || mn === 'movn' || mn === 'movk') return movWide;
  if (INT_ROWS[mn]?.some((r) => ['BITFIELD', 'SHIFTV', 'EXTR'].includes(r))) return bitfield;
  if (INT_ROWS[mn]?.[0] === 'ADC_SBC') return adcSbc;
  if (mn === 'ccmp' || mn === 'ccmn') return ccmp;
  if (INT_ROWS[mn]?.[0] === 'CSEL') return csel;
  if (['MADD_MSUB', 'MADDL', 'MULH'].includes(INT_ROWS[mn]?.[0] ?? '')) return mulAdd;
  if (['rbit', 'rev16', 'rev32', 'rev', 'clz', 'cls', 'sdiv', 'udiv'].includes(mn)) return oneSrc;
  if (TARGET_MNEMONICS.test(mn) && !mn.startsWith('adr')) return branch;
  if (mn === 'adr' || mn === 'adrp') return adr;
  if (mn === 'br' || mn === 'blr' || mn === 'ret') return indirect;
  if (['svc', 'brk', 'hlt', 'udf'].includes(mn)) return exception;
  if (mn === 'hint') return hint;
  if (mn === 'mrs' || mn === 'msr') return sysregCheck;
  if (mn === 'ldraa' || mn === 'ldrab') return ldra;
  if (mn === 'pacga') return pacga;
  const rows = INT_ROWS[mn] ?? [];
  if (rows.some((r) => r.startsWith('LDST_') || r === 'LDR_lit')) return ldstSingle;
  if (rows.some((r) => r.startsWith('LDSTP_'))) return ldstPair;
  if (rows.some((r) => ['LDXR_STXR', 'LDXP_STXP', 'LDAR_STLR', 'LDAPR'].includes(r))) return exclusive;
  if (rows.some((r) => r === 'CAS' || r === 'LSE_atomic')) return atomic;
  return undefined;
}

/** flow kind every decoded line must have (targets are checked with the fields) */
function expectedFlow(l: Line, d: A64Insn): string {
  if (d.name === 'UNDEF' || ['BRK', 'HLT', 'UDF'].includes(d.name)) return 'stop';
  const { mn } = l;
  if (mn === 'b' || mn === 'b.al' || mn === 'b.nv') return 'jump';
  if (mn === 'bl') return 'call';
  if (mn.startsWith('b.') || /^(cbn?z|tbn?z)$/.test(mn)) return 'cond';
  if (/^bra[ab]z?$/.test(mn)) return 'ijump';
  if (/^blra[ab]z?$/.test(mn)) return 'icall';
  return ({ br: 'ijump', blr: 'icall', ret: 'ret', retaa: 'ret', retab: 'ret' } as Record<string, string>)[mn] ?? 'fall';
}

// ---------------------------------------------------------------------------------------------

const KINDS = ORACLE.map(kindOf);
const lineIdx = (k: Kind) => ORACLE.flatMap((_, i) => (KINDS[i] === k ? [i] : []));

describe('A64 decoder against objdump (test/fixtures/decode/oracle.tsv)', () => {
  it('has a sizeable oracle in which every mnemonic is classified', () => {
    expect(ORACLE.length).toBeGreaterThan(4000);
    const unclassified = [...new Set(ORACLE.filter((_, i) => !KINDS[i]).map((l) => `${l.mn} ${l.ops}`))];
    expect(unclassified, 'add these mnemonics to INT_ROWS / UNDEF_MNEMONICS').toEqual([]);
    const words = new Set(ORACLE.map((l) => l.word));
    expect(words.size).toBe(ORACLE.length);
  });

  it('decodes integer, branch, system and load/store lines to the expected rows', () => {
    const bad: string[] = [];
    for (const i of lineIdx('int')) {
      const l = ORACLE[i]!, d = DECODED[i]!;
      if (!expectedRows(l).includes(d.name)) bad.push(`${show(l, d)}: expected ${expectedRows(l).join('|')}`);
    }
    expect(bad).toEqual([]);
  });

  it('leaves SVE, SME, MTE, MOPS, ERETAA… UNDEF', () => {
    const bad: string[] = [];
    for (const i of lineIdx('undef')) {
      const l = ORACLE[i]!, d = DECODED[i]!;
      if (d.name !== 'UNDEF') bad.push(`${show(l, d)}: expected UNDEF`);
    }
    expect(bad).toEqual([]);
    expect(lineIdx('undef').length).toBeGreaterThan(150);
  });

  it('extracts the fields objdump prints (registers, immediates, offsets, writeback, targets)', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const i of lineIdx('int')) {
      const l = ORACLE[i]!, d = DECODED[i]!;
      if (!expectedRows(l).includes(d.name) || d.name === 'UNDEF') continue;
      const check = checkerFor(l, d);
      if (!check) continue;
      const wrong: string[] = [];
      const want = (field: string, value: number | bigint | boolean) => {
        if (typeof value === 'boolean' && (field.includes(':') || !(field in d.f))) {
          if (!value) wrong.push(field);
          return;
        }
        const v = Number(value);
        if (d.f[field] !== v) wrong.push(`${field}=${d.f[field]} (objdump: ${v})`);
      };
      try { check(l, d, want); } catch (e) { wrong.push(`unparsed operands: ${(e as Error).message}`); }
      checked++;
      if (wrong.length) bad.push(`${show(l, d)}: ${wrong.join(', ')}`);
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(3000);
  });

  it('gives every line its control-flow kind (branches, calls, returns, traps, fall-through)', () => {
    const bad: string[] = [];
    ORACLE.forEach((l, i) => {
      const d = DECODED[i]!;
      if (!KINDS[i]) return;
      const want = expectedFlow(l, d);
      if (d.flow.kind !== want) bad.push(`${show(l, d)}: flow ${d.flow.kind}, expected ${want}`);
      if (l.mn === 'svc' && d.flow.kind !== 'fall') bad.push(`${show(l, d)}: svc must fall through`);
    });
    expect(bad).toEqual([]);
  });

  it('decodes FP/SIMD lines to FP/SIMD rows (or UNDEF), never to integer rows', () => {
    const bad: string[] = [];
    for (const i of lineIdx('fpsimd')) {
      const l = ORACLE[i]!, d = DECODED[i]!;
      if (d.name !== 'UNDEF' && !FPSIMD_ROW_NAMES.has(d.name)) bad.push(`${show(l, d)}: not an FP/SIMD row`);
    }
    expect(bad).toEqual([]);
  });

  it('pins the FP/SIMD mnemonics that still decode UNDEF', () => {
    const undef = new Set<string>();
    for (const i of lineIdx('fpsimd')) if (DECODED[i]!.name === 'UNDEF') undef.add(ORACLE[i]!.mn);
    expect([...undef].sort()).toEqual([...FPSIMD_STILL_UNDEF].sort());
  });
});
