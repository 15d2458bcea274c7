// Which general registers a function gives back as it found them: the callee-saved registers a
// prologue stores in its frame and the epilogue loads again, the frame pointer, the link register
// and the stack pointer. A caller's reload after a direct call skips those (context.ts
// clobberSets): its locals still hold their values, which it stored before the call.
//
// One forward pass over the function's blocks with abstract values: a register holds its value on
// entry ('e' + number), an address in the frame (sp on entry + offset, 's' + offset), a constant
// ('c' + value, for a large frame's size), or unknown; a frame slot holds the entry value of a
// callee-saved register, the frame pointer or the link register a prologue stored there. A
// register is restored when every return sees its entry value. Other values are not followed
// through memory: C code reaches the frame through pointers (a struct spilled and passed by
// address, an array indexed below its start), but a register save slot only by undefined
// behaviour. Taken on trust, as compiled code keeps it: nothing but the function writes its save
// slots (a stack overflow past a buffer that still returns normally would keep the saved values
// here), a direct callee leaves sp and x29 as they were (checked once every function is analysed:
// context.ts), and so does code reached through a register, which on a tail jump also keeps
// x19–x28 (AAPCS64). A context switch reached that way (swapcontext) returns on another stack: the
// caller checks the stack pointer (wasm/function.ts sameStack). Unwinding (C++ exceptions,
// longjmp) arrives at a call's return address only at a landing pad right after the call, which
// is followed as the call's way on.
import type { GuestFunction } from '../../lift/discover.ts';
import type { FrameRestores } from '../../lift/types.ts';
import type { A64Insn } from './row-types.ts';
import { mayStore, writes } from './reg-values.ts';
import { access } from './table/ldst.ts';

const SP = 31, FP = 29;
type Val = string | undefined;
interface Frame { regs: Val[]; slots: Map<number, Val> }

const entryFrame = (): Frame => ({ regs: Array.from({ length: 32 }, (_, r) => (r === SP ? 's0' : `e${r}`)), slots: new Map() });
const copy = (s: Frame): Frame => ({ regs: s.regs.slice(), slots: new Map(s.slots) });
/** the values a save slot is followed for: x19–x30 on entry */
const SAVED = new Set(Array.from({ length: 12 }, (_, k) => `e${19 + k}`));
const spOffset = (v: Val): number | undefined => (v?.[0] === 's' ? Number(v.slice(1)) : undefined);
const constant = (v: Val): number | undefined => (v?.[0] === 'c' ? Number(v.slice(1)) : undefined);

/** `into` ← the meet of `into` and `from`; whether `into` changed */
function meet(into: Frame, from: Frame): boolean {
  let changed = false;
  for (let r = 0; r < 32; r++) if (into.regs[r] !== undefined && into.regs[r] !== from.regs[r]) { into.regs[r] = undefined; changed = true; }
  for (const [off, v] of into.slots) if (from.slots.get(off) !== v) { into.slots.delete(off); changed = true; }
  return changed;
}

/** a store of `bytes` at frame offset `off`: overlapping slots are lost, an 8-byte one keeps `v` */
function store(s: Frame, off: number, bytes: number, v: Val): void {
  for (const k of [...s.slots.keys()]) if (k < off + bytes && off < k + 8) s.slots.delete(k);
  if (bytes === 8 && v !== undefined && SAVED.has(v)) s.slots.set(off, v);
}

/** the frame offset a load/store through `rn` addresses, if rn holds a frame address */
const at = (s: Frame, rn: number, off: number): number | undefined => {
  const base = spOffset(s.regs[rn]);
  return base === undefined ? undefined : base + off;
};

/** the value a store of register `rt` writes (XZR is not a frame value) */
const source = (s: Frame, rt: number): Val => (rt === 31 ? undefined : s.regs[rt]);

/** a store of `bytes` at [rn + off]: into a frame slot when rn holds a frame address (a save slot is not reached through any other pointer) */
function storeAt(s: Frame, rn: number, off: number, bytes: number, v: Val): void {
  const a = at(s, rn, off);
  if (a !== undefined) store(s, a, bytes, v);
}

/** steps the abstract frame over one instruction (not the flow at a block's end) */
function step(s: Frame, i: A64Insn): void {
  const f = i.f;
  switch (i.name) {
    case 'ADD_SUB_imm': { // mov x29, sp / mov sp, x29 / add, sub of sp
      if (f.S || !f.sf) break;
      const base = spOffset(s.regs[f.rn!]);
      if (base === undefined || f.rd === undefined) break;
      const imm = f.imm12! << (f.sh ? 12 : 0);
      s.regs[f.rd] = `s${f.op ? base - imm : base + imm}`;
      return;
    }
    case 'MOVZ': case 'MOVK': { // a large frame's size: mov x12, #0x1030; sub sp, sp, x12
      if (f.rd === 31) return;
      const part = f.imm16! * 2 ** (16 * f.hw!), was = i.name === 'MOVK' ? constant(s.regs[f.rd!]) : 0;
      s.regs[f.rd!] = f.sf && was !== undefined && Math.floor(was / 2 ** (16 * f.hw!)) % 65536 === 0 ? `c${was + part}` : undefined;
      return;
    }
    case 'ADD_SUB_ext': { // add, sub of sp and a constant in a register (uxtx)
      const base = spOffset(s.regs[f.rn!]), c = f.rm === 31 ? 0 : constant(s.regs[f.rm!]);
      if (f.S || !f.sf || f.option !== 3 || f.imm3 || base === undefined || c === undefined) break;
      s.regs[f.rd!] = `s${f.op ? base - c : base + c}`;
      return;
    }
    case 'LOGIC_shift': // mov xd, xm (orr xd, xzr, xm)
      if (f.sf && f.opc === 1 && f.rn === 31 && !f.N && !f.imm6 && f.rd !== 31) { s.regs[f.rd!] = s.regs[f.rm!]; return; }
      break;
    case 'LDST_uimm': case 'LDST_unscaled': case 'LDST_pre': case 'LDST_post': {
      const acc = access(f);
      if (!acc || acc.prefetch) break;
      const off = i.name === 'LDST_uimm' ? f.imm12! << acc.size : f.imm9!, bytes = 1 << acc.size;
      const addrOff = i.name === 'LDST_post' ? 0 : off, a = at(s, f.rn!, addrOff);
      const back = at(s, f.rn!, off);
      if (acc.load) {
        if (!acc.vec && f.rt !== 31) s.regs[f.rt!] = a !== undefined && bytes === 8 ? s.slots.get(a) : undefined;
      } else storeAt(s, f.rn!, addrOff, bytes, acc.vec ? undefined : source(s, f.rt!));
      if (i.name === 'LDST_pre' || i.name === 'LDST_post') s.regs[f.rn!] = back === undefined ? undefined : `s${back}`;
      return;
    }
    case 'LDSTP_off': case 'LDSTP_pre': case 'LDSTP_post': case 'LDSTP_noalloc': {
      const bytes = 1 << (f.V ? 2 + f.opc! : 2 + (f.opc! >> 1)), off = f.imm7! * bytes;
      const addrOff = i.name === 'LDSTP_post' ? 0 : off, a = at(s, f.rn!, addrOff);
      const back = at(s, f.rn!, off);
      if (f.L) {
        if (!f.V) {
          const whole = a !== undefined && bytes === 8 && f.opc === 2;
          if (f.rt !== 31) s.regs[f.rt!] = whole ? s.slots.get(a) : undefined;
          if (f.rt2 !== 31) s.regs[f.rt2!] = whole ? s.slots.get(a + 8) : undefined;
        }
      } else {
        storeAt(s, f.rn!, addrOff, bytes, f.V ? undefined : source(s, f.rt!));
        storeAt(s, f.rn!, addrOff + bytes, bytes, f.V ? undefined : source(s, f.rt2!));
      }
      if (i.name === 'LDSTP_pre' || i.name === 'LDSTP_post') s.regs[f.rn!] = back === undefined ? undefined : `s${back}`;
      return;
    }
  }
  // a store the cases above do not model (register offset, vectors, atomics, DC ZVA's zeroing)
  // through a frame address may hit any slot
  const base = i.name === 'SYS' ? f.rt : mayStore(i) ? f.rn : undefined;
  if (base !== undefined && spOffset(s.regs[base]) !== undefined) s.slots.clear();
  for (const r of writes(i)) s.regs[r] = undefined;
  if (i.name.startsWith('SIMD_LDST') && i.name.endsWith('_post')) s.regs[f.rn!] = undefined; // writeback, which writes() leaves out
}

/**
 * The general registers (x0–x30, sp) `fn` returns with the values it was entered with, over every
 * path from its entry to a return; a tail call passes on what its callee restores (`tails`). The
 * result holds only while every direct callee (`calls`) leaves sp and x29 alone.
 */
export function frameRestores(fn: GuestFunction, isFunction: (pc: number) => boolean): FrameRestores {
  const none: FrameRestores = { regs: [], calls: [], tails: [], kept: [] };
  const calls = new Set<number>(), tails = new Set<number>();
  let restored: boolean[] | undefined;
  const exit = (s: Frame) => {
    const now = s.regs.map((v, r) => v === (r === SP ? 's0' : `e${r}`));
    restored = restored ? restored.map((x, r) => x && now[r]!) : now;
  };
  // a jump to code not known here, which returns to the caller in this function's place: it keeps
  // what AAPCS64 has a callee keep (x19–x29, sp), as code called through a register is taken to
  const trustedExit = (s: Frame) => {
    const t = copy(s);
    for (let r = 0; r < 31; r++) if (r < 19 || r === 30) t.regs[r] = undefined;
    exit(t);
  };
  const into = new Map<number, Frame>([[fn.entry, entryFrame()]]);
  const work = [fn.entry], queued = new Set(work);
  const flowTo = (pc: number, s: Frame) => {
    const old = into.get(pc);
    if (old ? !meet(old, s) : (into.set(pc, copy(s)), false)) return;
    if (!queued.has(pc)) { queued.add(pc); work.push(pc); }
  };
  while (work.length) {
    const pc = work.pop()!;
    queued.delete(pc);
    const block = fn.blocks.get(pc);
    if (!block) return none;
    const s = copy(into.get(pc)!), insns = block.insns as A64Insn[];
    for (let k = 0; k < insns.length - 1; k++) step(s, insns[k]!);
    const last = insns[insns.length - 1]!, flow = last.flow;
    const inside = (t: number) => fn.blocks.has(t);
    // control leaving the function goes on in a function (a tail call), or in code not known here
    const goTo = (t: number) => {
      if (inside(t)) flowTo(t, s);
      else if (isFunction(t)) { tails.add(t); exit(s); }
      else trustedExit(s);
    };
    // after a call, a return site discovery left out is one control never comes back to; one after
    // a call that does not return is followed too: it may be a landing pad that unwinding reaches
    const next = (afterCall = false) => {
      if (block.next === undefined) return;
      if (afterCall ? inside(block.next) : !fn.deadReturns?.has(block.next)) goTo(block.next);
    };
    switch (flow.kind) {
      case 'fall': step(s, last); next(); break;
      case 'cond': case 'jump':
        goTo(flow.target);
        if (flow.kind === 'cond') next();
        break;
      case 'call': case 'icall': {
        // a callee after which control does not come back here is not relied on
        const back = block.next !== undefined && inside(block.next);
        if (flow.kind === 'call' && isFunction(flow.target) && back) calls.add(flow.target);
        // a callee may change x0–x18 and x30 (and anything but sp and x29: context.ts checks a
        // function's callee; other code, called through a register, is taken to keep them, as the
        // ABI has it)
        for (let r = 0; r < 31; r++) if (r !== FP) s.regs[r] = undefined;
        next(true);
        break;
      }
      case 'ret': exit(s); break;
      case 'stop': break;
      case 'ijump':
        // the targets found (a switch's cases, an IFUNC's implementations, or for a computed goto
        // any entry of the function), and the dispatcher's: any code, taken to keep the ABI
        for (const t of block.jumpTable ?? (block.tailTargets ? [] : fn.entries)) if (inside(t)) flowTo(t, s);
        for (const t of block.tailTargets ?? []) if (isFunction(t)) { tails.add(t); exit(s); }
        trustedExit(s);
        break;
    }
  }
  // a function that never returns restores nothing: the code after a call to it (a C++ landing
  // pad after __cxa_throw) is reached only by unwinding, which sets x0 and x1
  if (!restored) return none;
  return { regs: restored.flatMap((x, r) => (x ? [r] : [])), calls: [...calls], tails: [...tails], kept: [SP, FP] };
}
