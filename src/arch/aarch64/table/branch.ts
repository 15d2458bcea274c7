// Branches, exception generation and system instructions (Arm ARM C4.1.93).
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr, Insn } from '../../../lift/types.ts';
import { condition, i32c, i64c, ops, rd, setX, tmp, xr } from '../ops.ts';
import { readSysreg, sysreg, writeSysreg } from '../sysregs.ts';
import { clearExclusive } from './exclusive.ts';
import { TrapKind } from '../../../meta.ts';

const LR = 30;
const PSTATE_NOPS = new Set(['0:3', '0:4', '0:5', '3:1', '3:2', '3:4', '3:6', '3:7']);

/** BLR (and BLRAA…, keys disabled): the target, read before LR is written (blr x30 is legal) */
function callRegister(f: Fields, b: Builder, i: Insn): Expr {
  const t = tmp(b, ir.i64, xr(b, f.rn!));
  setX(b, LR, i64c(b, i.pc + 4));
  return t();
}

export const branches: Row[] = [
  row('B', '0 00101 imm26:s26', () => {}, { flow: (f, pc) => ({ kind: 'jump', target: pc + f.imm26! * 4 }) }),
  row('BL', '1 00101 imm26:s26', (_f, b, i) => setX(b, LR, i64c(b, i.pc + 4)), { flow: (f, pc) => ({ kind: 'call', target: pc + f.imm26! * 4 }) }),
  row('B_cond', '0101010 0 imm19:s19 0 cond:4', (f, b) => condition(b, f.cond!), {
    flow: (f, pc) => (f.cond! >= 14 ? { kind: 'jump', target: pc + f.imm19! * 4 } : { kind: 'cond', target: pc + f.imm19! * 4 }),
  }),
  row('CBZ', 'sf 011010 op imm19:s19 rt:5', (f, b) => {
    const z = ops(b, f.sf!).eqz(rd(b, f.sf!, f.rt!));
    return f.op ? b.m.i32.eqz(z) : z;
  }, { flow: (f, pc) => ({ kind: 'cond', target: pc + f.imm19! * 4 }) }),
  row('TBZ', 'b5 011011 op b40:5 imm14:s14 rt:5', (f, b) => {
    const bit = (f.b5! << 5) | f.b40!;
    const t = b.m.i64.ne(b.m.i64.and(xr(b, f.rt!), i64c(b, 1n << BigInt(bit))), i64c(b, 0));
    return f.op ? t : b.m.i32.eqz(t);
  }, { flow: (f, pc) => ({ kind: 'cond', target: pc + f.imm14! * 4 }) }),

  row('BR', '1101011 0000 11111 000000 rn:5 00000', (f, b) => xr(b, f.rn!), { flow: () => ({ kind: 'ijump' }) }),
  row('BLR', '1101011 0001 11111 000000 rn:5 00000', callRegister, { flow: () => ({ kind: 'icall' }) }),
  row('RET', '1101011 0010 11111 000000 rn:5 00000', (f, b) => xr(b, f.rn!), { flow: () => ({ kind: 'ret' }) }),
  // Pointer authentication as on a core whose keys are disabled (SCTLR_ELx.EnIA/EnIB clear): the
  // signing hints (PACIASP, …) are NOPs here, so nothing is signed and nothing fails to
  // authenticate. Built for Armv8.3+ with -mbranch-protection, every function returns by RETAA.
  row('RETAx', '1101011 0010 11111 00001 m 11111 11111', (_f, b) => xr(b, LR), { flow: () => ({ kind: 'ret' }) }),
  row('BRAxZ', '1101011 0000 11111 00001 m rn:5 11111', (f, b) => xr(b, f.rn!), { flow: () => ({ kind: 'ijump' }) }),
  row('BRAx', '1101011 1000 11111 00001 m rn:5 rm:5', (f, b) => xr(b, f.rn!), { flow: () => ({ kind: 'ijump' }) }),
  row('BLRAxZ', '1101011 0001 11111 00001 m rn:5 11111', callRegister, { flow: () => ({ kind: 'icall' }) }),
  row('BLRAx', '1101011 1001 11111 00001 m rn:5 rm:5', callRegister, { flow: () => ({ kind: 'icall' }) }),

  row('SVC', '11010100 000 imm16:16 000 01', (_f, b) => {
    const args = [0, 1, 2, 3, 4, 5].map((n) => xr(b, n));
    setX(b, 0, b.syscall(xr(b, 8), args));
    clearExclusive(b); // the exception return clears the monitor
  }),
  row('BRK', '11010100 001 imm16:16 000 00', (f, b) => b.trap(TrapKind.Breakpoint, f.imm16!), { flow: () => ({ kind: 'stop' }) }),
  // halting debug is off for user space: HLT is undefined there (SIGILL, as qemu-aarch64 raises)
  row('HLT', '11010100 010 imm16:16 000 00', (_f, b, i) => b.trap(TrapKind.Undefined, i.word), { flow: () => ({ kind: 'stop' }) }),
  row('UDF', '0000000000000000 imm16:16', (_f, b, i) => b.trap(TrapKind.Undefined, i.word), { flow: () => ({ kind: 'stop' }) }),

  // NOP, YIELD, BTI, PACIASP/AUTIASP (keys disabled: address authentication is not advertised), CSDB, …
  row('HINT', '11010101000000110010 crm:4 op2:3 11111', () => {}),
  // CLREX, DSB, DMB, ISB, SB; other op2 values are unallocated or TME
  row('BARRIER', '11010101000000110011 crm:4 op2:3 11111', (f, b) => {
    if (f.op2 === 2) clearExclusive(b); // CLREX
  }, { guard: (f) => f.op2 === 2 || f.op2! >= 4 }),
  // PSTATE fields that do not matter to a user-mode single core (UAO, PAN, SPSel, SSBS, DIT, TCO,
  // DAIFSet/Clr). FlagM's CFINV/XAFLAG/AXFLAG change NZCV (table/flagm.ts); SME's SVCR traps.
  row('MSR_imm', '1101010100000 op1:3 0100 crm:4 op2:3 11111', () => {}, {
    guard: (f) => PSTATE_NOPS.has(`${f.op1}:${f.op2}`),
  }),
  row('SYS', '1101010100 0 01 op1:3 crn:4 crm:4 op2:3 rt:5', (f, b) => {
    // DC ZVA zeroes a 64-byte block. IC IVAU tells the runtime that code there may have changed
    // (a JIT's __builtin___clear_cache): translations of it are dropped. Other cache maintenance
    // is a no-op on a coherent single core.
    if (f.op1 === 3 && f.crn === 7 && f.crm === 4 && f.op2 === 1) {
      const a = b.m.i64.and(xr(b, f.rt!), i64c(b, ~63n));
      if (!b.offset(true)) b.emit(b.m.memory.fill(b.addr(a, true), i32c(b, 0), i32c(b, 64)));
      else {
        // memory.fill has no offset: a store first faults where a load or store would (protect 'null', 'pages')
        const p = tmp(b, ir.i32, b.addr(a, true));
        b.emit(b.m.i64.store(b.offset(true), 1, p(), i64c(b, 0)));
        b.emit(b.m.memory.fill(b.m.i32.add(p(), i32c(b, b.offset(true))), i32c(b, 0), i32c(b, 64)));
      }
    } else if (f.op1 === 3 && f.crn === 7 && f.crm === 5 && f.op2 === 1) b.invalidateCode(xr(b, f.rt!));
  }),
  row('MRS', '1101010100 1 1 o0 op1:3 crn:4 crm:4 op2:3 rt:5', (f, b, i) => {
    const v = readSysreg(b, sysreg(f.o0!, f.op1!, f.crn!, f.crm!, f.op2!));
    if (v === undefined) return b.trap(TrapKind.Unimplemented, i.word);
    setX(b, f.rt!, v);
  }),
  row('MSR', '1101010100 0 1 o0 op1:3 crn:4 crm:4 op2:3 rt:5', (f, b, i) => {
    if (!writeSysreg(b, sysreg(f.o0!, f.op1!, f.crn!, f.crm!, f.op2!), f.rt!)) b.trap(TrapKind.Unimplemented, i.word);
  }),
];
