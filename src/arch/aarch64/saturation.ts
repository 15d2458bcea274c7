// FPSR.QC, the cumulative saturation bit: an Advanced SIMD saturating integer instruction (SQADD,
// SQSHL, SQXTN, SQDMULH, SQRDMLAH, SUQADD, …) sets it when it clamped a lane of its result. It is
// kept, as FPSR's floating-point flags are (fp-strict.ts), only once the guest has written FPCR or
// FPSR: until then the check is one load and a branch not taken.
//
// A saturating operation notes where it clamped (an all-ones-lanes mask, or one condition per lane),
// built only from values the instruction has read or put in locals; the write of its result
// (simd-ops.ts writeV and the other writers, which know how many bits the form uses) then emits
// `if (strict) if (an active lane saturated) FPSR |= QC` before the destination changes.
import type { Builder, Expr } from '../../lift/types.ts';
import { STATE } from '../../runtime/layout.ts';
import { isStrict } from './fp-strict.ts';
import { i64c } from './ops.ts';

const QC = 1 << 27;
const PENDING = 'a64.saturation';

/** where an operation saturated: a v128 with all-ones lanes, or i32 conditions for lanes 0, 1, … of `esize` bits */
type Note = { mask: () => Expr } | { esize: number; lanes: (() => Expr)[] };
interface Pending { pc: number; notes: Note[] }

/** what the instruction being lifted noted so far (a note of an earlier one that no write took is a bug) */
function noted(b: Builder): Pending | undefined {
  const p = b.scratch.get(PENDING) as Pending | undefined;
  if (p && p.pc !== b.pc) throw new Error(`internal error: saturation noted at 0x${p.pc.toString(16)} was never written`);
  return p;
}

function pending(b: Builder): Pending {
  let p = noted(b);
  if (!p) b.scratch.set(PENDING, (p = { pc: b.pc, notes: [] }));
  return p;
}

/** the instruction being lifted saturated in the lanes `mask` has all ones in */
export function noteSaturatedMask(b: Builder, mask: () => Expr): void {
  pending(b).notes.push({ mask });
}

/** the instruction being lifted saturated in lane i of `esize` bits where lanes[i] is true */
export function noteSaturatedLanes(b: Builder, esize: number, lanes: (() => Expr)[]): void {
  pending(b).notes.push({ esize, lanes });
}

/**
 * Before a SIMD register write of which the low `bits` are the instruction's result: sets QC where
 * a lane noted within them saturated (nothing when the instruction noted nothing).
 */
export function writeSaturation(b: Builder, bits: number): void {
  const p = noted(b);
  if (!p) return;
  b.scratch.delete(PENDING);
  const m = b.m;
  const any = p.notes.map((n) => ('mask' in n ? maskAny(b, n.mask(), bits) : n.lanes.slice(0, Math.max(1, bits / n.esize)).map((c) => c()).reduce((x, y) => m.i32.or(x, y))))
    .reduce((x, y) => m.i32.or(x, y));
  const set = m.i32.store(0, 4, m.i32.const(STATE.fpsr), m.i32.or(m.i32.load(0, 4, m.i32.const(STATE.fpsr)), m.i32.const(QC)));
  b.emit(m.if(isStrict(b), m.if(any, set)));
}

/** i32: whether the low `bits` of `mask` hold a set bit */
function maskAny(b: Builder, mask: Expr, bits: number): Expr {
  const m = b.m;
  if (bits >= 128) return m.v128.any_true(mask);
  const low = m.i64x2.extract_lane(mask, 0 as never);
  return m.i64.ne(bits >= 64 ? low : m.i64.and(low, i64c(b, (1n << BigInt(bits)) - 1n)), i64c(b, 0));
}
