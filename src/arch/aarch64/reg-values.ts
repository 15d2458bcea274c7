// What the jump-table analysis needs to know about general registers: which registers an
// instruction writes, what a register-writing instruction computes when its inputs are known,
// and the constant a register holds before an instruction on every path that reaches it
// (reaching definitions over the function's control-flow graph, e.g. a table base that -O2
// hoisted out of a loop into a callee-saved register long before the switch).
import type { CodeImage, JumpTableContext } from '../../lift/types.ts';
import type { A64Insn } from './row-types.ts';
import { adrpTarget } from './table/dp-imm.ts';
import { access } from './table/ldst.ts';

const NONE: readonly number[] = [];
/** AAPCS64: a call may change x0–x18 and sets x30 */
const CALL_CLOBBERS: readonly number[] = [...Array.from({ length: 19 }, (_, r) => r), 30];

const BRANCHES = new Set(['B', 'B_cond', 'CBZ', 'TBZ', 'BR', 'RET', 'BRK', 'HLT', 'UDF', 'HINT', 'BARRIER', 'MSR_imm', 'MSR']);

/**
 * General registers (0–30; 31 is sp where an instruction can write it) that `i` may change.
 * Over-approximates: FP/SIMD rows name vector registers in rd, which we count as x registers —
 * that only makes the analysis give up more often, never accept a wrong value.
 */
export function writes(i: A64Insn): readonly number[] {
  const f = i.f;
  if (BRANCHES.has(i.name)) return NONE;
  if (i.name === 'BL' || i.name === 'BLR') return CALL_CLOBBERS;
  if (i.name === 'SVC') return [0];
  if (i.name.startsWith('LDSTP_')) {
    const out: number[] = [];
    if (f.L && !f.V) out.push(f.rt!, f.rt2!);
    if (i.name === 'LDSTP_pre' || i.name === 'LDSTP_post') out.push(f.rn!);
    return out;
  }
  if (i.name.startsWith('LDST_')) {
    const out: number[] = [];
    if (f.opc !== 0 && !f.V) out.push(f.rt!); // a load (prefetches too: over-approximated)
    if (i.name === 'LDST_pre' || i.name === 'LDST_post') out.push(f.rn!);
    return out;
  }
  if (i.name === 'LDRA') return f.W ? [f.rt!, f.rn!] : [f.rt!];
  if (f.rd === 31 && (setsFlags(i) || i.name === 'LOGIC_shift' && f.opc === 3)) return NONE; // cmp, cmn, tst
  const out: number[] = [];
  for (const k of ['rd', 'rt', 'rt2', 'rs'] as const) if (f[k] !== undefined) out.push(f[k]!);
  return out;
}

/** whether `i` may store to memory (the analyses follow only the stores they model) */
export function mayStore(i: A64Insn): boolean {
  const f = i.f, n = i.name;
  if (n.startsWith('LDSTP_') || n.startsWith('SIMD_LDST')) return !f.L;
  if (n.startsWith('LDST_')) return !(access(f)?.load ?? true);
  return STORING.has(n);
}
/** the other rows that store: ordered, exclusive and atomic accesses (their loads counted too) */
const STORING = new Set(['LDAR_STLR', 'LDAPUR_STLUR', 'LDXR_STXR', 'LDXP_STXP', 'CAS', 'CASP', 'LSE_atomic']);

/** instructions that set NZCV (the bounds check of a switch is one of them) */
export function setsFlags(i: A64Insn): boolean {
  const f = i.f;
  switch (i.name) {
    case 'ADD_SUB_imm': case 'ADD_SUB_shift': case 'ADD_SUB_ext': case 'ADC_SBC': return !!f.S;
    case 'LOGIC_imm': case 'LOGIC_shift': return f.opc === 3;
    case 'CCMP_reg': case 'CCMP_imm': case 'MSR': return true;
    default: return i.name.startsWith('FCMP') || i.name.startsWith('FCCMP') || i.name === 'SETF' || i.name === 'RMIF';
  }
}

export interface ValueQuery {
  ctx: JumpTableContext;
  image: CodeImage;
  /** instruction-level predecessors; undefined when the context has no control-flow graph */
  preds: (pc: number) => number[] | undefined;
}

/** instructions one query may walk through: keeps discovery linear on huge functions */
const BUDGET = 4096;

/**
 * The value of general register `reg` just before the instruction at `pc`, if every definition
 * reaching it computes the same constant (adrp/add/adr/mov/movz/movk, copies of such, literal
 * loads); undefined otherwise, including when a path reaches the function entry first.
 */
export function valueBefore(q: ValueQuery, pc: number, reg: number, depth = 0): bigint | undefined {
  if (reg === 31 || depth > 8) return undefined;
  let found: bigint | undefined;
  let budget = BUDGET;
  const seen = new Set<number>();
  const stack = [pc];
  while (stack.length) {
    const at = stack.pop()!;
    const ps = q.preds(at);
    if (!ps) return undefined; // the function entry (a parameter) or a computed-goto target
    for (const p of ps) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (--budget < 0) return undefined;
      const i = q.ctx.at(p) as A64Insn | undefined;
      if (!i) return undefined;
      if (!writes(i).includes(reg) || (i.name === 'BL' && reg !== 30 && !calleeWrites(q, i.flow.kind === 'call' ? i.flow.target : -1).has(reg))) {
        stack.push(p);
        continue;
      }
      const v = definedValue(q, i, reg, depth);
      if (v === undefined || (found !== undefined && v !== found)) return undefined;
      found = v;
    }
  }
  return found;
}

const ALL_CLOBBERS: ReadonlySet<number> = new Set(CALL_CLOBBERS);
const calleeMemo = new WeakMap<CodeImage, Map<number, ReadonlySet<number>>>();
/** instructions one callee's scan may visit (its own calls included) */
const CALLEE_BUDGET = 2000;

/**
 * The registers a call to `target` may change: gcc's -fipa-ra keeps values in caller-saved
 * registers across calls to local functions that do not touch them (a hoisted jump-table base
 * in x6 across `bl note`), so look at what the callee and its callees really write. Anything
 * indirect, or too large to scan, may write every caller-saved register.
 */
function calleeWrites(q: ValueQuery, target: number): ReadonlySet<number> {
  let memo = calleeMemo.get(q.image);
  if (!memo) calleeMemo.set(q.image, (memo = new Map()));
  const known = memo.get(target);
  if (known) return known;
  memo.set(target, ALL_CLOBBERS); // recursion: assume the worst
  const out = new Set<number>([30]);
  const seen = new Set<number>();
  const work = [target];
  let budget = CALLEE_BUDGET, result: ReadonlySet<number> = out;
  scan: while (work.length) {
    let pc = work.pop()!;
    for (;;) {
      if (seen.has(pc)) break;
      seen.add(pc);
      const i = q.ctx.at(pc) as A64Insn | undefined;
      if (--budget < 0 || !i || i.flow.kind === 'icall' || i.flow.kind === 'ijump') { result = ALL_CLOBBERS; break scan; }
      const fl = i.flow;
      if (fl.kind === 'call') {
        for (const r of calleeWrites(q, fl.target)) out.add(r);
      } else for (const r of writes(i)) out.add(r);
      if (fl.kind === 'ret' || fl.kind === 'stop') break;
      if (fl.kind === 'jump') { pc = fl.target; continue; }
      if (fl.kind === 'cond') work.push(fl.target);
      pc += 4;
    }
  }
  memo.set(target, result);
  return result;
}

/** the value `i` writes to `reg` when it is a constant (its inputs looked up before it) */
function definedValue(q: ValueQuery, i: A64Insn, reg: number, depth: number): bigint | undefined {
  const f = i.f;
  if (f.rd !== reg && !(i.name === 'LDR_lit' && f.rt === reg)) return undefined;
  const mask = f.sf ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  const before = (r: number) => valueBefore(q, i.pc, r, depth + 1);
  switch (i.name) {
    case 'ADR': return BigInt(i.pc + f.immhi! * 4 + f.immlo!);
    case 'ADRP': return BigInt(adrpTarget(i.pc, f.immhi!, f.immlo!));
    case 'MOVZ': return BigInt(f.imm16!) << BigInt(f.hw! * 16);
    case 'MOVN': return ~(BigInt(f.imm16!) << BigInt(f.hw! * 16)) & mask;
    case 'MOVK': {
      const old = before(reg);
      if (old === undefined) return undefined;
      const sh = BigInt(f.hw! * 16);
      return ((old & ~(0xffffn << sh)) | (BigInt(f.imm16!) << sh)) & mask;
    }
    case 'ADD_SUB_imm': {
      if (f.S || f.rn === 31) return undefined;
      const a = before(f.rn!);
      if (a === undefined) return undefined;
      const imm = BigInt(f.imm12! << (f.sh ? 12 : 0));
      return (f.op ? a - imm : a + imm) & mask;
    }
    case 'LOGIC_shift': { // mov rd, rm
      if (f.opc !== 1 || f.rn !== 31 || f.N || f.imm6 !== 0) return undefined;
      const v = before(f.rm!);
      return v === undefined ? undefined : v & mask;
    }
    case 'LDR_lit': { // ldr x, =constant
      if (f.V || f.opc! > 1) return undefined;
      const b = q.image.read(i.pc + f.imm19! * 4, f.opc ? 8 : 4);
      if (!b) return undefined;
      let v = 0n;
      for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]!);
      return v;
    }
    default: return undefined;
  }
}
