// Static analyses the lifter asks of the architecture: code addresses that instructions
// materialise, and switch jump tables (by evaluating the table-lookup slice concretely for
// every index value the bounds check allows).
import type { CodeImage, Insn, JumpTableContext } from '../../lift/types.ts';
import type { A64Insn } from './row-types.ts';
import { adrpTarget } from './table/dp-imm.ts';
import { decodeBitMask } from './ops.ts';

export function codeRefs(block: Insn[], image: CodeImage): number[] {
  const out: number[] = [];
  const page = new Map<number, number>();
  for (const insn of block as A64Insn[]) {
    const f = insn.f;
    if (insn.name === 'ADR') {
      const a = insn.pc + f.immhi! * 4 + f.immlo!;
      if (image.isCode(a)) out.push(a);
    } else if (insn.name === 'ADRP') page.set(f.rd!, adrpTarget(insn.pc, f.immhi!, f.immlo!));
    else if (insn.name === 'ADD_SUB_imm' && !f.op && !f.S && f.sf && page.has(f.rn!)) {
      const a = page.get(f.rn!)! + (f.imm12! << (f.sh ? 12 : 0));
      if (image.isCode(a) && a % 4 === 0) out.push(a);
    }
  }
  return out;
}

const MAX_CASES = 4096;
const FAKE_BASE = 0x7f0000000000n; // stand-in values for registers unknown to the slice (sp, fp…)

/**
 * Recognises `cmp idx, #N; b.hi default; …; br target` (gcc and clang switch lowering, also at
 * -O0 where the index is reloaded from a stack slot) and returns the targets for idx = 0..N.
 */
export function resolveJumpTable(block: Insn[], image: CodeImage, ctx: JumpTableContext): number[] | undefined {
  const insns = block as A64Insn[];
  const br = insns[insns.length - 1]!;
  // find the bounds check: the last `cmp reg, #imm` followed by b.hi / b.hs (or b.ls/b.lo into the table)
  let cmpAt = -1, bound = -1;
  for (let k = insns.length - 2; k > 0; k--) {
    const c = insns[k]!;
    if (c.name !== 'B_cond') continue;
    const p = insns[k - 1]!;
    if (p.name !== 'ADD_SUB_imm' || !p.f.op || !p.f.S || p.f.rd !== 31 || p.f.sh) return undefined;
    const n = p.f.imm12!, cond = c.f.cond!;
    if (cond === 8 || cond === 9) bound = n; // b.hi default / b.ls table: idx <= N
    else if (cond === 2 || cond === 3) bound = n - 1; // b.hs default / b.lo table: idx < N
    else return undefined;
    cmpAt = k - 1;
    break;
  }
  if (cmpAt < 0 || bound < 0 || bound >= MAX_CASES) return undefined;
  const idxReg = insns[cmpAt]!.f.rn!;
  // at -O0 the compared value was just loaded from a stack slot and is reloaded after the check
  const before = insns[cmpAt - 1];
  const slot = before && before.name === 'LDST_uimm' && before.f.opc === 1 && before.f.rt === idxReg && !before.f.V
    ? { base: before.f.rn!, off: before.f.imm12! << before.f.size! } : undefined;

  const slice = insns.slice(cmpAt + 1, -1);
  const hoisted = hoistedBases(slice, insns[0]!.pc, idxReg, ctx);
  const targets: number[] = [];
  const inRange = (t: number) => !ctx.range || (t >= ctx.range.start && t < ctx.range.end);
  for (let i = 0; i <= bound; i++) {
    const t = evaluate(slice, br.f.rn!, idxReg, BigInt(i), slot, image, hoisted);
    if (t === undefined || !image.isCode(Number(t)) || t % 4n || !inRange(Number(t))) return undefined;
    targets.push(Number(t));
  }
  return [...new Set(targets)];
}

const LOOKBACK = 512;

/**
 * Table bases that -O2 hoists out of an interpreter loop (`adrp x0, tbl; add x0, x0, :lo12:tbl`
 * long before the bounds check): for registers the slice reads before writing, the nearest
 * earlier definition in address order, accepted only if it is exactly such an adrp/add pair.
 */
function hoistedBases(slice: A64Insn[], start: number, idxReg: number, ctx: JumpTableContext): Map<number, bigint> {
  const out = new Map<number, bigint>();
  const written = new Set<number>([idxReg]);
  for (const i of slice) {
    if (i.name === 'LDST_reg' || i.name === 'LDST_uimm') {
      const base = i.f.rn!;
      if (!written.has(base) && base !== 31 && !out.has(base)) {
        const v = findAdrpAdd(start, base, ctx);
        if (v !== undefined) out.set(base, v);
      }
    }
    const d = i.f.rd ?? i.f.rt;
    if (d !== undefined) written.add(d);
  }
  return out;
}

function findAdrpAdd(start: number, reg: number, ctx: JumpTableContext): bigint | undefined {
  for (let pc = start - 4, n = 0; n < LOOKBACK; pc -= 4, n++) {
    const i = ctx.at(pc) as A64Insn | undefined;
    if (!i) return undefined;
    const d = i.f.rd ?? i.f.rt;
    if (d !== reg) continue;
    if (i.name !== 'ADD_SUB_imm' || i.f.op || i.f.S || i.f.rn !== reg || i.f.sh) return undefined;
    for (let q = pc - 4, m = 0; m < 8; q -= 4, m++) {
      const a = ctx.at(q) as A64Insn | undefined;
      if (!a) return undefined;
      if (a.name === 'ADRP' && a.f.rd === reg) return BigInt(adrpTarget(a.pc, a.f.immhi!, a.f.immlo!) + i.f.imm12!);
      if ((a.f.rd ?? a.f.rt) === reg) return undefined;
    }
    return undefined;
  }
  return undefined;
}

type Regs = (bigint | undefined)[];

function evaluate(slice: A64Insn[], target: number, idxReg: number, idx: bigint, slot: { base: number; off: number } | undefined, image: CodeImage, known: Map<number, bigint>): bigint | undefined {
  const regs: Regs = Array.from({ length: 32 }, (_, r) => known.get(r) ?? FAKE_BASE + (BigInt(r) << 24n));
  regs[idxReg] = idx;
  const stack = new Map<bigint, bigint>();
  if (slot) stack.set(regs[slot.base]! + BigInt(slot.off), idx);
  const X = (n: number, sp = false) => (n === 31 && !sp ? 0n : regs[n]);
  const mask = (sf: number) => (sf ? (1n << 64n) - 1n : (1n << 32n) - 1n);
  const load = (a: bigint | undefined, size: number, signed: boolean): bigint | undefined => {
    if (a === undefined) return undefined;
    let v = stack.get(a);
    if (v === undefined) {
      const bytes = a < 2n ** 32n ? image.read(Number(a), 1 << size) : undefined;
      if (!bytes) return undefined;
      v = 0n;
      for (let k = bytes.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]!);
    }
    return signed ? BigInt.asUintN(64, BigInt.asIntN(8 << size, v)) : v;
  };
  const ext = (v: bigint | undefined, option: number, shift: number) => {
    if (v === undefined) return undefined;
    const w = [8, 16, 32, 64][option & 3]!;
    const x = option & 4 ? BigInt.asIntN(w, v) : BigInt.asUintN(w, v);
    return BigInt.asUintN(64, x << BigInt(shift));
  };
  for (const i of slice) {
    const f = i.f;
    let v: bigint | undefined;
    let dst: number | undefined = f.rd;
    switch (i.name) {
      case 'ADR': v = BigInt(i.pc + f.immhi! * 4 + f.immlo!); break;
      case 'ADRP': v = BigInt(adrpTarget(i.pc, f.immhi!, f.immlo!)); break;
      case 'MOVZ': v = BigInt(f.imm16!) << BigInt(f.hw! * 16); break;
      case 'ADD_SUB_imm': {
        const a = X(f.rn!, true);
        if (f.S && f.rd === 31) continue;
        v = a === undefined ? undefined : (f.op ? a - BigInt(f.imm12! << (f.sh ? 12 : 0)) : a + BigInt(f.imm12! << (f.sh ? 12 : 0))) & mask(f.sf!);
        if (f.S) dst = f.rd === 31 ? undefined : f.rd;
        break;
      }
      case 'ADD_SUB_shift': case 'ADD_SUB_ext': {
        const a = i.name === 'ADD_SUB_ext' ? X(f.rn!, true) : X(f.rn!);
        const bv = i.name === 'ADD_SUB_ext' ? ext(X(f.rm!), f.option!, f.imm3!) : (f.shift === 0 && X(f.rm!) !== undefined ? X(f.rm!)! << BigInt(f.imm6!) : undefined);
        v = a === undefined || bv === undefined ? undefined : (f.op ? a - bv : a + bv) & mask(f.sf!);
        break;
      }
      case 'LOGIC_shift': // mov rd, rm (orr rd, xzr, rm)
        v = f.opc === 1 && f.rn === 31 && !f.N && f.imm6 === 0 ? (X(f.rm!) ?? undefined) : undefined;
        if (v !== undefined) v &= mask(f.sf!);
        break;
      case 'BITFIELD': { // ubfm as lsl/lsr, sbfm as sxtw
        const s = X(f.rn!);
        const wm = decodeBitMask(f.sf!, f.N!, f.imms!, f.immr!);
        if (s === undefined || wm === undefined) break;
        const width = f.sf ? 64 : 32;
        if (f.opc === 2 && f.imms! + 1 === f.immr) v = (s << BigInt(width - f.immr!)) & mask(f.sf!);
        else if (f.opc === 2 && f.imms === width - 1) v = (s & mask(f.sf!)) >> BigInt(f.immr!);
        else if (f.opc === 0 && f.immr === 0 && f.imms === 31) v = BigInt.asUintN(64, BigInt.asIntN(32, s));
        break;
      }
      case 'LDST_uimm': case 'LDST_reg': case 'LDST_unscaled': {
        if (f.V) return undefined;
        dst = f.rt;
        const base = X(f.rn!, true);
        const a = base === undefined ? undefined
          : i.name === 'LDST_uimm' ? base + BigInt(f.imm12! << f.size!)
          : i.name === 'LDST_unscaled' ? base + BigInt(f.imm9!)
          : (() => { const o = ext(X(f.rm!), f.option!, f.S ? f.size! : 0); return o === undefined ? undefined : base + o; })();
        if (f.opc === 0) { if (a !== undefined && X(f.rt!) !== undefined) stack.set(a, X(f.rt!)!); continue; }
        v = load(a, f.size!, f.opc! >= 2);
        if (v !== undefined && f.opc === 3) v &= mask(0);
        if (v !== undefined && f.opc === 1 && f.size === 2) v &= mask(0);
        break;
      }
      case 'B_cond': continue;
      default:
        if (f.rd !== undefined) dst = f.rd; else if (f.rt !== undefined) dst = f.rt; else continue;
        v = undefined;
    }
    if (dst !== undefined && dst !== 31) regs[dst] = v;
    else if (dst === 31 && i.name === 'ADD_SUB_imm') regs[31] = v;
  }
  return regs[target];
}
