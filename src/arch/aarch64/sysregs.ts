// System registers an EL0 program may read (MRS) or write (MSR), as Linux and qemu-aarch64 present
// them to user space. The identification registers are what Linux's MRS emulation (and qemu's
// user-mode copy of it) returns: MIDR_EL1, MPIDR_EL1, REVIDR_EL1 and the AArch64 feature ID space
// (op0 3, op1 0, CRn 0, CRm 4-7) with only the fields user space may see; the feature fields come
// from runtime/hwcap.ts, so they report exactly what AT_HWCAP advertises. The fixed values are
// those qemu-aarch64 -cpu cortex-a72 reports (MIDR, cache geometry, MPIDR, the fixed MMFR0/DFR0
// fields). Anything else (the AArch32 ID registers, EL1 state, CNTPCT_EL0…) stays UNDEFINED:
// the MRS row traps, a SIGILL as under qemu.
import * as ir from '../../wasm/ir.ts';
import { COUNTER_HZ, PSEUDO_SYSCALL } from '../../abi.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { FEATURES, type IdReg } from '../../runtime/hwcap.ts';
import { STATE } from '../../runtime/layout.ts';
import { i64c, setNZCV, tmp, xr } from './ops.ts';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z } from './regs.ts';

/** the register's name as op0.op1.CRn.CRm.op2 */
export const sysreg = (o0: number, op1: number, crn: number, crm: number, op2: number): string => `${2 + o0}.${op1}.${crn}.${crm}.${op2}`;
const TPIDR = '3.3.13.0.2', FPCR = '3.3.4.4.0', FPSR = '3.3.4.4.1', NZCV = '3.3.4.2.0';
const CNTVCT = '3.3.14.0.2';

/** where each ID register Linux shows feature fields in lives */
const ID_REG: Record<IdReg, string> = { PFR0: '3.0.0.4.0', ISAR0: '3.0.0.6.0', ISAR1: '3.0.0.6.1' };

/** Every register that reads as a constant: the ID registers and the cache/timer geometry. */
export const CONSTANT_SYSREGS: ReadonlyMap<string, bigint> = (() => {
  const regs = new Map<string, bigint>();
  for (let crm = 4; crm <= 7; crm++) for (let op2 = 0; op2 < 8; op2++) regs.set(`3.0.0.${crm}.${op2}`, 0n); // RAZ
  regs.set('3.0.0.0.0', 0x410fd083n); // MIDR_EL1: a Cortex-A72 r0p3
  regs.set('3.0.0.0.5', 0x80000000n); // MPIDR_EL1: Linux's SYS_MPIDR_SAFE_VAL (RES1 bit 31 only)
  regs.set('3.0.0.0.6', 0n); // REVIDR_EL1: implementation defined, emulated as 0
  regs.set(ID_REG.PFR0, 0x11n); // EL0 and EL1 AArch64-only; FP and AdvSIMD fields 0 = implemented
  regs.set('3.0.0.5.0', 0x6n); // ID_AA64DFR0_EL1: DebugVer 6 (Armv8.0 debug), as Linux fixes it
  regs.set('3.0.0.7.0', 0xff000000n); // ID_AA64MMFR0_EL1: the fixed granule fields qemu reports
  for (const f of Object.values(FEATURES)) {
    if (!f.id) continue;
    // features sharing a field (AES/PMULL, SHA2/SHA512) report the highest level
    const name = ID_REG[f.id.reg], lsb = BigInt(f.id.lsb), old = regs.get(name)!;
    if (BigInt(f.id.value) > ((old >> lsb) & 0xfn)) regs.set(name, (old & ~(0xfn << lsb)) | (BigInt(f.id.value) << lsb));
  }
  regs.set('3.3.0.0.1', 0x8444c004n); // CTR_EL0: 64-byte I and D cache lines, PIPT I-cache
  regs.set('3.3.0.0.7', 0x4n); // DCZID_EL0: DC ZVA allowed, 2^4 words = 64-byte blocks (table/branch.ts zeroes 64)
  regs.set('3.3.14.0.0', BigInt(COUNTER_HZ)); // CNTFRQ_EL0: the rate CNTVCT_EL0 counts at
  regs.set('3.3.13.0.3', 0n); // TPIDRRO_EL0: Linux leaves it 0 for user threads
  return regs;
})();

const load64 = (b: Builder, off: number) => b.m.i64.load(0, 8, b.m.i32.const(off));
const load32 = (b: Builder, off: number) => b.m.i64.extend_u(b.m.i32.load(0, 4, b.m.i32.const(off)));

/** MRS: the value of the register, or undefined when EL0 cannot read it */
export function readSysreg(b: Builder, r: string): Expr | undefined {
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
    case CNTVCT: return b.syscall(i64c(b, PSEUDO_SYSCALL.counter), []);
    default: {
      const v = CONSTANT_SYSREGS.get(r);
      return v === undefined ? undefined : i64c(b, v);
    }
  }
}

/** MSR: false when EL0 cannot write the register */
export function writeSysreg(b: Builder, r: string, rt: number): boolean {
  const m = b.m, v = () => xr(b, rt);
  switch (r) {
    case TPIDR: b.emit(m.i64.store(0, 8, m.i32.const(STATE.tpidr), v())); return true;
    case FPCR: case FPSR:
      b.emit(m.i32.store(0, 4, m.i32.const(r === FPCR ? STATE.fpcr : STATE.fpsr), m.i32.wrap(v())));
      b.emit(m.i32.store(0, 4, m.i32.const(STATE.fpStrict), m.i32.const(1)));
      return true;
    case NZCV: {
      const t = tmp(b, ir.i64, v());
      const bit = (n: number) => m.i32.wrap(m.i64.and(m.i64.shr_u(t(), i64c(b, n)), i64c(b, 1)));
      setNZCV(b, bit(31), bit(30), bit(29), bit(28));
      return true;
    }
    default: return false;
  }
}
