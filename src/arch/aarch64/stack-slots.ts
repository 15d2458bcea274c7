// Constants the jump-table analysis finds in stack slots: under register pressure gcc computes
// a table's address once (adrp + add), spills it to the frame and reloads it at each computed
// goto (glibc's printf keeps its label tables that way, one slot per table, through sp or the
// frame pointer). The value of such a slot before an instruction is the constant every store
// reaching it wrote.
import type { A64Insn } from './row-types.ts';
import { mayStore, valueBefore, writes, type ValueQuery } from './reg-values.ts';
import { access } from './table/ldst.ts';

/** instructions one query may walk through (as valueBefore's budget) */
const BUDGET = 4096;
const SP = 31, FP = 29;

/** a store to [base, #off] of `bytes` bytes, from general register `reg` (undefined: a vector register) */
interface SlotStore { base: number; off: number; bytes: number; reg?: number }

/** the stores `i` makes at a constant offset from its base register; undefined for a store it cannot say where (or a load) */
function immediateStores(i: A64Insn): SlotStore[] | undefined {
  const f = i.f;
  switch (i.name) {
    case 'LDST_uimm': case 'LDST_unscaled': {
      const acc = access(f);
      if (!acc || acc.load || acc.prefetch) return [];
      const off = i.name === 'LDST_uimm' ? f.imm12! << acc.size : f.imm9!;
      return [{ base: f.rn!, off, bytes: 1 << acc.size, reg: acc.vec ? undefined : f.rt! }];
    }
    case 'LDSTP_off': case 'LDSTP_noalloc': {
      if (f.L) return [];
      const bytes = 1 << (f.V ? 2 + f.opc! : 2 + (f.opc! >> 1)), off = f.imm7! * bytes;
      return [
        { base: f.rn!, off, bytes, reg: f.V ? undefined : f.rt! },
        { base: f.rn!, off: off + bytes, bytes, reg: f.V ? undefined : f.rt2! },
      ];
    }
    default: return undefined;
  }
}

/** what the slot search needs of an instruction: its immediate stores, or that it ends the search */
type SlotFacts = { kind: 'stores'; stores: SlotStore[] } | { kind: 'frame' } | { kind: 'other'; writes: readonly number[] };
const factsMemo = new WeakMap<A64Insn, SlotFacts>();

/** 'frame': another store through sp or fp, which the search does not follow */
function slotFacts(i: A64Insn): SlotFacts {
  let f = factsMemo.get(i);
  if (f) return f;
  const stores = immediateStores(i);
  const rn = i.f.rn;
  f = stores?.length ? { kind: 'stores', stores }
    : !stores && (rn === SP || rn === FP) && mayStore(i) ? { kind: 'frame' }
    : { kind: 'other', writes: writes(i) };
  factsMemo.set(i, f);
  return f;
}

/** a stack slot: its base register and offset */
export interface Slot { base: number; off: number }

/**
 * The 8-byte slots `slots` (each through sp or fp) just before the instruction at `pc`, in one
 * search back over the function's control flow: for each, the constant that every store reaching
 * `pc` wrote, or undefined — when a path reaches the function entry, a change of the slot's base
 * register, a store through the other frame register (which may alias), an access through sp or
 * fp the search does not model, or a store that overlaps the slot otherwise before a store of
 * it. Calls, and stores through other registers, are taken to leave a spill slot alone (its
 * address is not handed out); the analysis accepts a table only if every target is code inside
 * the function, and a target outside the table still reaches the dispatcher.
 */
export function slotsBefore(q: ValueQuery, pc: number, slots: readonly Slot[]): (bigint | undefined)[] {
  const found: (bigint | undefined)[] = slots.map(() => undefined);
  let failed = 0; // a bit per slot
  const all = (1 << slots.length) - 1;
  let budget = BUDGET;
  /** per instruction, the slots whose search went through it */
  const seen = new Map<number, number>();
  const stack: [number, number][] = [[pc, all]];
  while (stack.length && failed !== all) {
    const top = stack.pop()!, at = top[0], pending = top[1];
    const ps = q.preds(at);
    if (!ps) { failed |= pending; continue; }
    for (let j = 0; j < ps.length; j++) { // indexed: the translator runs mostly in the engine's baseline tier, where for-of allocates
      const p = ps[j]!, done = seen.get(p) ?? 0;
      let mask = pending & ~done & ~failed;
      if (!mask) continue;
      seen.set(p, done | mask);
      if (--budget < 0) return slots.map(() => undefined);
      const i = q.ctx.at(p) as A64Insn | undefined;
      const facts = i && slotFacts(i);
      if (!facts || facts.kind === 'frame') { failed |= mask; continue; }
      for (let k = 0; k < slots.length; k++) {
        if (!(mask & (1 << k))) continue;
        const { base, off } = slots[k]!;
        const v = facts.kind === 'other' ? (facts.writes.includes(base) ? null : undefined) : slotStore(q, p, facts.stores, base, off);
        if (v === undefined) continue; // not defined here: go on back
        mask &= ~(1 << k);
        if (v === null || (found[k] !== undefined && v !== found[k])) failed |= 1 << k;
        else found[k] = v;
      }
      if (mask) stack.push([p, mask]);
    }
  }
  return found.map((v, k) => (failed & (1 << k) ? undefined : v));
}

/**
 * What `stores` (of the instruction at `pc`) do to the slot [base, #off]: null when they make it
 * unknown, its new value when one stores it whole from a register holding a constant, undefined
 * when they leave it alone
 */
function slotStore(q: ValueQuery, pc: number, stores: SlotStore[], base: number, off: number): bigint | null | undefined {
  const other = base === SP ? FP : SP;
  for (const s of stores) {
    if (s.base === other) return null;
    if (s.base !== base || s.off + s.bytes <= off || s.off >= off + 8) continue;
    if (s.off !== off || s.bytes !== 8 || s.reg === undefined) return null;
    return (s.reg === 31 ? 0n : valueBefore(q, pc, s.reg)) ?? null;
  }
  return undefined;
}
