// Switch jump tables: every shape gcc and clang emit for AArch64. Instead of matching
// instruction patterns, the analysis finds the bounds check that guards the indirect branch on
// every path (`cmp idx, #N` + `b.hi default`, or `b.ls` into the table, with other guards such as
// tbnz/cbz in between, in the same block or a dominating one) and then evaluates the instructions
// from the check to the `br` concretely for each index 0..N: byte/halfword/word entries, signed
// or not, scaled or not, relative to the table, to an `adr` label, or absolute 64-bit entries all
// fall out of the evaluation. Registers the slice reads but does not compute (a table base in a
// callee-saved register set up before a loop) come from reaching definitions over the
// function's control-flow graph, and so do table bases spilled to the stack (stack-slots.ts);
// a register the slice cannot know stays unknown (never a made-up value). When the table is
// indexed not by the checked register but by the one it was masked or extended from (glibc's
// printf), the cases are that register's values for indices 0..N. A table is accepted only if
// every target is aligned code inside the function: a wrong target set is worse than none,
// because unresolved branches still reach the dispatcher.
import type { CodeImage, Insn, JumpTableContext } from '../../lift/types.ts';
import type { A64Insn } from './row-types.ts';
import { adrpTarget } from './table/dp-imm.ts';
import { decodeBitMask } from './ops.ts';
import { mayStore, setsFlags, valueBefore, writes, type ValueQuery } from './reg-values.ts';
import { access } from './table/ldst.ts';
import { slotsBefore, type Slot } from './stack-slots.ts';
import { numbers } from '../../lift/arrays.ts';

/** the most cases we evaluate (Lua's and SQLite's interpreters have ~200; a garbage bound is far larger) */
const MAX_CASES = 65536;
/** instructions between the bounds check and the `br` on one path */
const MAX_PATH = 64;
/** paths from joins between the check and the `br` */
const MAX_PATHS = 8;
/**
 * stand-in values for sp and fp where the slice does not know them: frame addresses, which only
 * stack slots may be read from; any other register the slice reads and cannot know is unknown,
 * and so is what it computes (an index derived from an unknown register is no table's index)
 */
const FAKE_BASE = 0x7f0000000000n;

type Outcome = { targets: number[] } | { reason: string; unreadable?: true };

/**
 * Targets of the indirect jump ending `block`, or undefined (with `ctx.reject(reason)`). With a
 * control-flow graph (`ctx.predecessors`) the search crosses blocks; without one it stays inside
 * `block`, whose instructions are consecutive.
 */
export function resolveJumpTable(block: Insn[], image: CodeImage, ctx: JumpTableContext): number[] | undefined {
  const out = analyse(block as A64Insn[], image, ctx);
  if ('reason' in out) { ctx.reject?.(out.reason, out.unreadable); return undefined; }
  return out.targets;
}

interface Check {
  /** the flag-setting compare */
  cmp: A64Insn;
  /** largest index the check lets through */
  bound: number;
  idxReg: number;
  /** the compare (when it also writes a register) and what follows it up to the `br`, in order */
  slice: A64Insn[];
}

/**
 * -O0 code keeps the index in a stack slot and reloads it after the check: the slot the index
 * was loaded from (gcc: `ldr w0, [sp, #12]; cmp w0, #N`) or stored to (clang: `str x8, [sp, #8];
 * subs x8, x8, #N`) just before the compare holds the index too.
 */
function stackSlot(c: Check, at: (pc: number) => A64Insn | undefined, preds: (pc: number) => number[] | undefined): Slot | undefined {
  let pc = c.cmp.pc;
  for (let n = 0; n < 4; n++) {
    const ps = preds(pc);
    const i = ps?.length === 1 ? at(ps[0]!) : undefined;
    if (!i) return undefined;
    pc = i.pc;
    const f = i.f;
    if (i.name === 'LDST_uimm' && !f.V && f.rt === c.idxReg && (f.opc === 0 || f.opc === 1) && f.size! >= 2) {
      return { base: f.rn!, off: f.imm12! << f.size! };
    }
    if (writes(i).includes(c.idxReg)) return undefined;
  }
  return undefined;
}

function analyse(block: A64Insn[], image: CodeImage, ctx: JumpTableContext): Outcome {
  const br = block[block.length - 1]!;
  const inBlock = new Map(block.map((i) => [i.pc, i]));
  const falls = (i: A64Insn | undefined) => i !== undefined && ['fall', 'cond', 'call', 'icall'].includes(i.flow.kind);
  const preds = ctx.predecessors ?? ((pc: number) => (falls(inBlock.get(pc - 4)) ? [pc - 4] : undefined));
  const at = (pc: number) => (inBlock.get(pc) ?? ctx.at(pc)) as A64Insn | undefined;
  const q: ValueQuery = { ctx: { ...ctx, at }, image, preds };

  const checks = boundsChecks(br, at, preds);
  if ('reason' in checks) return unguardedTable(br, q, ctx) ?? checks;
  if (!checks.length) return { reason: 'no bounds check found (only infeasible paths)' };
  const targets = new Set<number>();
  for (const c of checks) {
    if (c.bound < 0) return { reason: 'the bounds check lets no index through' };
    if (c.bound >= MAX_CASES) return { reason: `bound ${c.bound} is beyond ${MAX_CASES} cases` };
    const slot = stackSlot(c, at, preds);
    const known = new Map<number, bigint>();
    for (const r of readBeforeWritten(c.slice, c.idxReg)) {
      const v = valueBefore(q, c.cmp.pc, r);
      if (v !== undefined) known.set(r, v);
    }
    const cases = tableCases(c, br.f.rn!, slot, q, known);
    if (!Array.isArray(cases)) {
      return cases.unreadable ? { reason: 'table entry not computable (table base unknown or outside the image)', unreadable: true }
        : { reason: 'the target is not read from a table (an indirect tail call?)' };
    }
    for (const [i, t] of cases) {
      const n = Number(t);
      if (t >= FAKE_BASE) return { reason: 'the target is not read from a table (an indirect tail call?)' };
      if (t % 4n || !image.isCode(n)) return { reason: `case ${i} leads to ${hex(t)}, not aligned code` };
      if (ctx.range && (n < ctx.range.start || n >= ctx.range.end)) return { reason: `case ${i} leads to ${hex(t)}, outside the function` };
      targets.add(n);
    }
  }
  return { targets: numbers(targets) };
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

/**
 * The target of each case the check lets through ([index, target]), or undefined when one is not
 * computable. Tried in turn: the index as the check bounds it; with the constants spilled to the
 * frame that the slice reloads (a table base gcc keeps in a stack slot); and with the register
 * the checked one was derived from given the value that derives each index (see derivedIndex).
 */
function tableCases(c: Check, target: number, slot: Slot | undefined, q: ValueQuery, known: Map<number, bigint>): [number, bigint][] | { unreadable: boolean } {
  // the first attempt's failure says why: a load it could not read (a table), or a register it cannot know
  let unreadable: boolean | undefined;
  const failed = (m: Machine) => { unreadable ??= m.unreadable; return undefined; };
  const byIndex = (spilled?: [Slot, bigint][]): [number, bigint][] | undefined => {
    const out: [number, bigint][] = [];
    for (let i = 0; i <= c.bound; i++) {
      const m = evaluate(c.slice, target, c.idxReg, BigInt(i), slot, q.image, known, spilled), t = m.regs[target];
      if (t === undefined) return failed(m);
      out.push([i, t]);
    }
    return out;
  };
  const plain = byIndex();
  if (plain) return plain;
  const spilled = spilledConstants(c.slice, q);
  const reloaded = spilled.length ? byIndex(spilled) : undefined;
  if (reloaded) return reloaded;
  const derived = derivedIndex(c, q);
  const out: [number, bigint][] = [];
  for (let i = 0; derived && i <= c.bound; i++) {
    let v: bigint | undefined = BigInt(i);
    for (let k = derived.chain.length - 1; k >= 0 && v !== undefined; k--) v = inputFor(derived.chain[k]!, v);
    if (v === undefined) break;
    const m = machine(known, spilled);
    m.regs[derived.src] = v;
    run(m, derived.pre, q.image);
    if (m.regs[c.idxReg] !== BigInt(i)) break;
    run(m, c.slice, q.image);
    const t = m.regs[target];
    if (t === undefined) break;
    out.push([i, t]);
  }
  return derived && out.length === c.bound + 1 ? out : { unreadable: unreadable ?? true };
}

/**
 * The checked index computed from another register by arithmetic with one input, where the table
 * is indexed by that register (or something else derived from it): glibc's printf checks
 * `and w1, w0, #0xff` (after `sub w0, w5, #32`) and indexes with `w0, sxtw`. The cases are then the
 * values of the source register that derive indices 0..bound through `chain` — for an index in
 * range, the value gcc relies on (the unsigned char's wrap-around is the out-of-range side);
 * any other value reaches the dispatcher, as every target outside a table does.
 */
interface DerivedIndex {
  /** the source register, where `pre` starts */
  src: number;
  /** the instructions from there to the compare (excluded), and those of them that compute the index */
  pre: A64Insn[];
  chain: A64Insn[];
}

/** the only instruction control comes to `pc` from, if there is one */
function onlyPred(q: ValueQuery, pc: number): A64Insn | undefined {
  const ps = q.preds(pc);
  return ps?.length === 1 ? (q.ctx.at(ps[0]!) as A64Insn | undefined) : undefined;
}

/** instructions between the source and the compare */
const MAX_PRE = 16;

function derivedIndex(c: Check, q: ValueQuery): DerivedIndex | undefined {
  const pre: A64Insn[] = [], chain: A64Insn[] = [];
  let need = c.idxReg, pc = c.cmp.pc;
  while (pre.length < MAX_PRE) {
    const i = onlyPred(q, pc);
    if (!i) break;
    if (writes(i).includes(need)) {
      const from = oneInput(i);
      if (from === undefined || i.f.rd !== need) break;
      chain.unshift(i);
      need = from;
    }
    pre.unshift(i);
    pc = i.pc;
  }
  return chain.length ? { src: need, pre, chain } : undefined;
}

/** the input register of an instruction inputFor can run backwards */
function oneInput(i: A64Insn): number | undefined {
  const f = i.f;
  const from = i.name === 'LOGIC_shift' ? f.rm! : f.rn!;
  if (from === 31) return undefined;
  if (i.name === 'ADD_SUB_imm') return f.S ? undefined : from;
  if (i.name === 'LOGIC_imm') return f.opc === 0 ? from : undefined; // and
  if (i.name === 'BITFIELD') return f.immr === 0 && (f.opc === 0 || f.opc === 2) ? from : undefined; // uxtb, uxth, sxtb, sxth, sxtw
  if (i.name === 'LOGIC_shift') return f.opc === 1 && f.rn === 31 && !f.N && f.imm6 === 0 ? from : undefined; // mov
  return undefined;
}

/** an input of `i` (oneInput) for which it computes `out` */
function inputFor(i: A64Insn, out: bigint): bigint | undefined {
  const f = i.f;
  if (i.name !== 'ADD_SUB_imm') return out; // a mask, extension or copy keeps an index in range as it is
  const imm = BigInt(f.imm12! << (f.sh ? 12 : 0)), mask = f.sf ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  return (f.op ? out + imm : out - imm) & mask;
}

/** entries read from a table that nothing bounds the index of but a mask, or nothing at all */
const MAX_UNGUARDED = 1024;

/**
 * A computed goto without a bounds check: the branch register computed from a table entry at a
 * known base, absolute (`ldr x2, [x21, x0, lsl #3]`) or relative to a label (`ldrsw x3, [x8,
 * x12, lsl #2]; add x3, x7, x3`), indexed by a masked value (Lua's VM: `and x0, x19, #0x7f`) or
 * by anything (`goto *table[*ip++]`). The cases are the table's entries from index 0 (up to the
 * mask) while each leads to aligned code inside the function, at least two: labels of the
 * function in a row are a label table, and whatever the program jumps to beyond them still
 * reaches the dispatcher.
 */
function unguardedTable(br: A64Insn, q: ValueQuery, ctx: JumpTableContext): Outcome | undefined {
  const range = ctx.range, target = br.f.rn!;
  if (!range) return undefined;
  // back from the branch over single predecessors: what computes the target from the table
  // entry, the entry's load, then the index's definition
  const slice: A64Insn[] = [];
  const need = new Set([target]);
  let load: A64Insn | undefined, max = MAX_UNGUARDED - 1, pc = br.pc;
  for (let n = 0; n < MAX_PATH; n++) {
    const i = onlyPred(q, pc);
    if (!i) break;
    pc = i.pc;
    const f = i.f, written = writes(i);
    if (load) {
      if (written.includes(load.f.rm!)) { max = Math.min(max, maskBound(i, load.f.rm!) ?? max); break; }
    } else if (written.some((r) => need.has(r))) {
      if (i.name === 'LDST_reg' && !f.V && f.opc !== 0 && f.size! >= 2 && f.S && f.rm !== 31 && need.has(f.rt!)) load = i;
      else if (CARRIES.has(i.name) && written.length === 1 && f.rd !== 31) {
        need.delete(f.rd!);
        for (const r of [f.rn, f.rm]) if (r !== undefined && r !== 31) need.add(r);
      } else return undefined;
    }
    slice.unshift(i);
  }
  if (!load) return undefined;
  const idx = load.f.rm!;
  const known = new Map<number, bigint>();
  for (const r of readBeforeWritten(slice, idx)) {
    const v = valueBefore(q, slice[0]!.pc, r);
    if (v !== undefined) known.set(r, v);
  }
  const targets = new Set<number>();
  for (let i = 0; i <= max; i++) {
    const t = evaluate(slice, target, idx, BigInt(i), undefined, q.image, known).regs[target];
    const n = Number(t);
    if (t === undefined || t >= FAKE_BASE || t % 4n || !q.image.isCode(n) || n < range.start || n >= range.end) break;
    targets.add(n);
  }
  return targets.size >= 2 ? { targets: numbers(targets) } : undefined;
}

/** what may compute a target from a table entry (and a label's address): arithmetic the evaluation follows */
const CARRIES = new Set(['ADD_SUB_imm', 'ADD_SUB_shift', 'ADD_SUB_ext', 'LOGIC_shift', 'BITFIELD']);

/** the largest value `i` can give `reg` when it masks it (and with 2^k − 1, ubfx, uxtb, uxth) */
function maskBound(i: A64Insn, reg: number): number | undefined {
  const f = i.f;
  if (f.rd !== reg) return undefined;
  if (i.name === 'LOGIC_imm' && f.opc === 0) {
    const m = decodeBitMask(f.sf!, f.N!, f.imms!, f.immr!);
    return m !== undefined && (m & (m + 1n)) === 0n && m < BigInt(MAX_UNGUARDED) ? Number(m) : undefined;
  }
  if (i.name === 'BITFIELD' && f.opc === 2 && f.imms! >= f.immr!) return 2 ** (f.imms! - f.immr! + 1) - 1;
  return undefined;
}

/**
 * Walks back from the `br` over every path to the conditional branch that bounds the index
 * (its out-of-range side must leave the path) and the compare that sets its flags.
 */
function boundsChecks(br: A64Insn, at: (pc: number) => A64Insn | undefined, preds: (pc: number) => number[] | undefined): Check[] | { reason: string } {
  const out: Check[] = [];
  const work: { pc: number; path: A64Insn[] }[] = [{ pc: br.pc, path: [] }];
  let paths = 1;
  while (work.length) {
    const { pc, path } = work.pop()!;
    const ps = preds(pc);
    if (!ps) return { reason: 'no bounds check found (reached the function entry)' };
    if (ps.length > 1 && (paths += ps.length - 1) > MAX_PATHS) return { reason: 'no bounds check found (too many paths)' };
    for (const p of ps) {
      const i = at(p);
      if (!i) return { reason: 'no bounds check found (unknown predecessor)' };
      if (path.length >= MAX_PATH || i.pc === br.pc) return { reason: 'no bounds check found' };
      if (i.name === 'B_cond') {
        const cond = i.f.cond!, taken = i.flow.kind === 'cond' && i.flow.target === pc, fall = p + 4 === pc;
        const kind = boundKind(cond);
        if (kind) {
          if (taken === fall) return { reason: 'bounds check branches to the table either way' };
          if ((kind === 'leave') !== fall) {
            // out-of-range indices reach the table only through a call that did not return
            // (an assertion): an infeasible path
            if (path.some((x) => x.flow.kind === 'call')) continue;
            return { reason: 'the table is on the out-of-range side of the bounds check' };
          }
          const c = compareBefore(i, cond, path, at, preds);
          if ('reason' in c) return c;
          out.push(c);
          continue;
        }
      }
      work.push({ pc: p, path: [i, ...path] });
    }
  }
  return out;
}

/** 'leave' when the branch is taken for out-of-range indices (b.hi/b.hs), 'enter' when taken for in-range ones (b.ls/b.lo) */
function boundKind(cond: number): 'leave' | 'enter' | undefined {
  return cond === 8 || cond === 2 ? 'leave' : cond === 9 || cond === 3 ? 'enter' : undefined;
}

/** the compare whose flags the bounding branch tests, on its unique path back */
function compareBefore(bc: A64Insn, cond: number, path: A64Insn[], at: (pc: number) => A64Insn | undefined, preds: (pc: number) => number[] | undefined): Check | { reason: string } {
  const between: A64Insn[] = [];
  let pc = bc.pc;
  for (let n = 0; n < 8; n++) {
    const ps = preds(pc);
    if (ps?.length !== 1) return { reason: 'no compare before the bounds check' };
    const i = at(ps[0]!);
    if (!i) return { reason: 'no compare before the bounds check' };
    pc = i.pc;
    if (!setsFlags(i)) { between.unshift(i); continue; }
    const f = i.f;
    let limit: number | undefined;
    if (i.name === 'ADD_SUB_imm' && f.op && f.S) limit = f.imm12! * (f.sh ? 4096 : 1);
    if (limit === undefined) return { reason: `bounds check is a ${i.name}, not a compare with a constant` };
    // hi/ls: idx <= limit passes; hs/lo: idx < limit
    const bound = cond === 8 || cond === 9 ? limit : limit - 1;
    const slice = [...(f.rd !== 31 ? [i] : []), ...between, ...path];
    return { cmp: i, bound, idxReg: f.rn!, slice };
  }
  return { reason: 'no compare before the bounds check' };
}

/** registers `slice` reads before writing them (other than the index): their values come from before the check */
function readBeforeWritten(slice: A64Insn[], idxReg: number): Set<number> {
  const out = new Set<number>();
  const written = new Set<number>([idxReg, 31]);
  for (const i of slice) {
    for (const k of ['rn', 'rm'] as const) {
      const r = i.f[k];
      if (r !== undefined && !written.has(r)) out.add(r);
    }
    for (const w of writes(i)) written.add(w);
  }
  return out;
}

/** the constants in the stack slots that `slice` loads 64-bit values from, where stores before it put one (stack-slots.ts) */
function spilledConstants(slice: A64Insn[], q: ValueQuery): [Slot, bigint][] {
  const slots: Slot[] = [];
  for (const i of slice) {
    const f = i.f;
    if (i.name !== 'LDST_uimm' || f.V || f.opc !== 1 || f.size !== 3 || (f.rn !== 31 && f.rn !== 29)) continue;
    const slot = { base: f.rn, off: f.imm12! << 3 };
    if (!slots.some((s) => s.base === slot.base && s.off === slot.off)) slots.push(slot);
  }
  if (!slots.length) return [];
  // their values where the slice begins (machine() puts them in the stack there)
  const values = slotsBefore(q, slice[0]!.pc, slots);
  return slots.flatMap((s, k) => (values[k] === undefined ? [] : [[s, values[k]!] as [Slot, bigint]]));
}

type Regs = (bigint | undefined)[];

/** the registers and the stack slots an evaluation knows; `unreadable`: a load it could not read */
interface Machine { regs: Regs; stack: Map<bigint, bigint>; unreadable: boolean }

/** `known` registers, sp and fp as stand-ins, the `spilled` constants in their slots */
function machine(known: Map<number, bigint>, spilled?: [Slot, bigint][]): Machine {
  const regs: Regs = Array.from({ length: 32 }, (_, r) => known.get(r) ?? (r === 31 || r === 29 ? FAKE_BASE + (BigInt(r) << 24n) : undefined));
  const stack = new Map<bigint, bigint>();
  for (const [{ base, off }, v] of spilled ?? []) if (regs[base] !== undefined) stack.set(regs[base]! + BigInt(off), v);
  return { regs, stack, unreadable: false };
}

function evaluate(slice: A64Insn[], target: number, idxReg: number, idx: bigint, slot: Slot | undefined, image: CodeImage, known: Map<number, bigint>, spilled?: [Slot, bigint][]): Machine {
  const m = machine(known, spilled);
  m.regs[idxReg] = idx;
  const slotBase = slot && m.regs[slot.base];
  if (slotBase !== undefined) m.stack.set(slotBase + BigInt(slot!.off), idx);
  run(m, slice, image);
  return m;
}

/** runs `insns` on `m`: what it cannot compute becomes unknown */
function run(m: Machine, insns: A64Insn[], image: CodeImage): void {
  const { regs, stack } = m;
  const X = (n: number, sp = false) => (n === 31 && !sp ? 0n : regs[n]);
  const mask = (sf: number) => (sf ? (1n << 64n) - 1n : (1n << 32n) - 1n);
  const load = (a: bigint | undefined, size: number, signed: boolean): bigint | undefined => {
    if (a === undefined) { m.unreadable = true; return undefined; }
    let v = stack.get(a);
    if (v === undefined) {
      const bytes = a < 2n ** 32n ? image.read(Number(a), 1 << size) : undefined;
      if (!bytes) { m.unreadable = true; return undefined; }
      v = 0n;
      for (let k = bytes.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]!);
    }
    return signed ? BigInt.asUintN(64, BigInt.asIntN(8 << size, v)) : v;
  };
  /** a store of `bytes` at `a` (anywhere, when undefined): what the stack held there is gone */
  const forget = (a: bigint | undefined, bytes: number) => {
    if (a === undefined) return stack.clear();
    for (const k of stack.keys()) if (k < a + BigInt(bytes) && a < k + 8n) stack.delete(k);
  };
  const ext = (v: bigint | undefined, option: number, shift: number) => {
    if (v === undefined) return undefined;
    const w = [8, 16, 32, 64][option & 3]!;
    const x = option & 4 ? BigInt.asIntN(w, v) : BigInt.asUintN(w, v);
    return BigInt.asUintN(64, x << BigInt(shift));
  };
  for (const i of insns) {
    const f = i.f;
    let v: bigint | undefined;
    let dst: number | undefined = f.rd;
    switch (i.name) {
      case 'ADR': v = BigInt(i.pc + f.immhi! * 4 + f.immlo!); break;
      case 'ADRP': v = BigInt(adrpTarget(i.pc, f.immhi!, f.immlo!)); break;
      case 'MOVZ': v = BigInt(f.imm16!) << BigInt(f.hw! * 16); break;
      case 'ADD_SUB_imm': {
        if (f.S && f.rd === 31) continue;
        const a = X(f.rn!, true);
        v = a === undefined ? undefined : (f.op ? a - BigInt(f.imm12! << (f.sh ? 12 : 0)) : a + BigInt(f.imm12! << (f.sh ? 12 : 0))) & mask(f.sf!);
        break;
      }
      case 'ADD_SUB_shift': case 'ADD_SUB_ext': {
        if (f.S && f.rd === 31) continue;
        const a = i.name === 'ADD_SUB_ext' ? X(f.rn!, true) : X(f.rn!);
        const bv = i.name === 'ADD_SUB_ext' ? ext(X(f.rm!), f.option!, f.imm3!) : (f.shift === 0 && X(f.rm!) !== undefined ? X(f.rm!)! << BigInt(f.imm6!) : undefined);
        v = a === undefined || bv === undefined ? undefined : (f.op ? a - bv : a + bv) & mask(f.sf!);
        break;
      }
      case 'LOGIC_imm': { // and, orr, eor, ands (a mask that narrows an index)
        const a = X(f.rn!), imm = decodeBitMask(f.sf!, f.N!, f.imms!, f.immr!);
        if (f.opc === 3 && f.rd === 31) continue;
        v = a === undefined || imm === undefined ? undefined
          : (f.opc === 1 ? a | imm : f.opc === 2 ? a ^ imm : a & imm) & mask(f.sf!);
        break;
      }
      case 'LOGIC_shift': // mov rd, rm (orr rd, xzr, rm)
        v = f.opc === 1 && f.rn === 31 && !f.N && f.imm6 === 0 ? (X(f.rm!) ?? undefined) : undefined;
        if (v !== undefined) v &= mask(f.sf!);
        break;
      case 'BITFIELD': { // ubfm as lsl/lsr/uxtb/uxth, sbfm as sxtb/sxth/sxtw
        const s = X(f.rn!);
        const wm = decodeBitMask(f.sf!, f.N!, f.imms!, f.immr!);
        if (s === undefined || wm === undefined) break;
        const width = f.sf ? 64 : 32;
        if (f.opc === 2 && f.imms! + 1 === f.immr) v = (s << BigInt(width - f.immr!)) & mask(f.sf!);
        else if (f.opc === 2 && f.imms === width - 1) v = (s & mask(f.sf!)) >> BigInt(f.immr!);
        else if (f.opc === 2 && f.immr === 0) v = s & ((1n << BigInt(f.imms! + 1)) - 1n);
        else if (f.opc === 0 && f.immr === 0) v = BigInt.asUintN(64, BigInt.asIntN(f.imms! + 1, s)) & mask(f.sf!);
        break;
      }
      case 'LDST_uimm': case 'LDST_reg': case 'LDST_unscaled': {
        const acc = access(f);
        if (!acc || acc.prefetch) continue;
        dst = f.rt;
        const base = X(f.rn!, true);
        const a = base === undefined ? undefined
          : i.name === 'LDST_uimm' ? base + BigInt(f.imm12! << acc.size)
          : i.name === 'LDST_unscaled' ? base + BigInt(f.imm9!)
          : (() => { const o = ext(X(f.rm!), f.option!, f.S ? acc.size : 0); return o === undefined ? undefined : base + o; })();
        if (!acc.load) {
          forget(a, 1 << acc.size);
          if (a !== undefined && !acc.vec && X(f.rt!) !== undefined) stack.set(a, X(f.rt!)!);
          continue;
        }
        if (acc.vec) continue; // a vector load: no general register changes
        v = load(a, acc.size, acc.signed);
        if (v !== undefined && acc.to32) v &= mask(0);
        break;
      }
      default: {
        // anything else: what it writes becomes unknown, and so does memory it may store to
        if (mayStore(i)) forget(undefined, 0);
        for (const w of writes(i)) if (w !== 31) regs[w] = undefined;
        continue;
      }
    }
    if (dst !== undefined && dst !== 31) regs[dst] = v;
    else if (dst === 31 && i.name === 'ADD_SUB_imm') regs[31] = v;
  }
}
