// Branches, exception generation and system instructions (Arm ARM C4.1.93).
import binaryen from 'binaryen';
import { row, type Row } from '../decoder.ts';
import { condition, i32c, i64c, ops, rd, setNZCV, setX, tmp, xr } from '../ops.ts';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z } from '../regs.ts';
import { STATE } from '../../../runtime/layout.ts';
import { TrapKind } from '../../../meta.ts';
import type { Builder, Expr } from '../../../lift/types.ts';

const LR = 30;
const PSTATE_NOPS = new Set(['0:3', '0:4', '0:5', '3:1', '3:2', '3:4', '3:6', '3:7']);

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
  row('BLR', '1101011 0001 11111 000000 rn:5 00000', (f, b, i) => {
    const t = tmp(b, binaryen.i64, xr(b, f.rn!)); // read before LR is written: blr x30 is legal
    setX(b, LR, i64c(b, i.pc + 4));
    return t();
  }, { flow: () => ({ kind: 'icall' }) }),
  row('RET', '1101011 0010 11111 000000 rn:5 00000', (f, b) => xr(b, f.rn!), { flow: () => ({ kind: 'ret' }) }),

  row('SVC', '11010100 000 imm16:16 000 01', (_f, b) => {
    const args = [0, 1, 2, 3, 4, 5].map((n) => xr(b, n));
    setX(b, 0, b.syscall(xr(b, 8), args));
  }),
  row('BRK', '11010100 001 imm16:16 000 00', (f, b) => b.trap(TrapKind.Breakpoint, f.imm16!), { flow: () => ({ kind: 'stop' }) }),
  row('HLT', '11010100 010 imm16:16 000 00', (f, b) => b.trap(TrapKind.Breakpoint, f.imm16!), { flow: () => ({ kind: 'stop' }) }),
  row('UDF', '0000000000000000 imm16:16', (_f, b, i) => b.trap(TrapKind.Undefined, i.word), { flow: () => ({ kind: 'stop' }) }),

  // NOP, YIELD, BTI, PACIASP/AUTIASP (no pointer authentication is advertised), CSDB, …
  row('HINT', '11010101000000110010 crm:4 op2:3 11111', () => {}),
  // CLREX, DSB, DMB, ISB, SB; other op2 values are unallocated or TME
  row('BARRIER', '11010101000000110011 crm:4 op2:3 11111', (f, b) => {
    if (f.op2 === 2) b.emit(b.m.i64.store(0, 8, b.m.i32.const(STATE.exclusiveAddr), i64c(b, -1))); // CLREX
  }, { guard: (f) => f.op2 === 2 || f.op2! >= 4 }),
  // PSTATE fields that do not matter to a user-mode single core (UAO, PAN, SPSel, SSBS, DIT, TCO,
  // DAIFSet/Clr). Not FlagM's CFINV/XAFLAG/AXFLAG (they change NZCV) nor SME's SVCR: those trap.
  row('MSR_imm', '1101010100000 op1:3 0100 crm:4 op2:3 11111', () => {}, {
    guard: (f) => PSTATE_NOPS.has(`${f.op1}:${f.op2}`),
  }),
  row('SYS', '1101010100 0 01 op1:3 crn:4 crm:4 op2:3 rt:5', (f, b) => {
    // DC ZVA zeroes a 64-byte block. IC IVAU tells the runtime that code there may have changed
    // (a JIT's __builtin___clear_cache): translations of it are dropped. Other cache maintenance
    // is a no-op on a coherent single core.
    if (f.op1 === 3 && f.crn === 7 && f.crm === 4 && f.op2 === 1) {
      const a = b.m.i64.and(xr(b, f.rt!), i64c(b, ~63n));
      b.emit(b.m.memory.fill(b.addr(a), i32c(b, 0), i32c(b, 64)));
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

const sysreg = (o0: number, op1: number, crn: number, crm: number, op2: number) => `${2 + o0}.${op1}.${crn}.${crm}.${op2}`;
const TPIDR = '3.3.13.0.2', FPCR = '3.3.4.4.0', FPSR = '3.3.4.4.1', NZCV = '3.3.4.2.0';
const load64 = (b: Builder, off: number) => b.m.i64.load(0, 8, b.m.i32.const(off));
const load32 = (b: Builder, off: number) => b.m.i64.extend_u(b.m.i32.load(0, 4, b.m.i32.const(off)));

function readSysreg(b: Builder, r: string): Expr | undefined {
  const m = b.m;
  switch (r) {
    case TPIDR: return load64(b, STATE.tpidr);
    case FPCR: return load32(b, STATE.fpcr);
    case FPSR: // reading the flags asks for them from now on (fetestexcept without a prior write)
      b.emit(b.m.i32.store(0, 4, b.m.i32.const(STATE.fpStrict), b.m.i32.const(1)));
      return load32(b, STATE.fpsr);
    case NZCV: {
      const bit = (reg: number, n: number) => m.i64.shl(m.i64.extend_u(b.get(reg)), i64c(b, n));
      return m.i64.or(m.i64.or(bit(FLAG_N, 31), bit(FLAG_Z, 30)), m.i64.or(bit(FLAG_C, 29), bit(FLAG_V, 28)));
    }
    case '3.3.0.0.1': return i64c(b, 0x8444c004); // CTR_EL0: 64-byte lines, as common cores report
    case '3.3.0.0.7': return i64c(b, 0x4); // DCZID_EL0: DC ZVA allowed, 64-byte blocks
    case '3.0.0.0.0': return i64c(b, 0x410fd083); // MIDR_EL1: a Cortex-A72 (only read when HWCAP_CPUID says so)
    case '3.3.14.0.0': return i64c(b, 1000000000); // CNTFRQ_EL0: 1 GHz, matching the virtual counter below
    case '3.3.14.0.2': return b.syscall(i64c(b, -1), []); // CNTVCT_EL0: nanoseconds from the host (pseudo-syscall -1)
    default: return undefined;
  }
}

function writeSysreg(b: Builder, r: string, rt: number): boolean {
  const m = b.m, v = () => xr(b, rt);
  switch (r) {
    case TPIDR: b.emit(m.i64.store(0, 8, m.i32.const(STATE.tpidr), v())); return true;
    case FPCR: case FPSR:
      b.emit(m.i32.store(0, 4, m.i32.const(r === FPCR ? STATE.fpcr : STATE.fpsr), m.i32.wrap(v())));
      b.emit(m.i32.store(0, 4, m.i32.const(STATE.fpStrict), m.i32.const(1)));
      return true;
    case NZCV: {
      const t = tmp(b, binaryen.i64, v());
      const bit = (n: number) => m.i32.wrap(m.i64.and(m.i64.shr_u(t(), i64c(b, n)), i64c(b, 1)));
      setNZCV(b, bit(31), bit(30), bit(29), bit(28));
      return true;
    }
    default: return false;
  }
}
