// Function and basic-block discovery over the whole program (arch-neutral).
//
// Function entries: FUNC symbols, the ELF entry, IRELATIVE resolvers and every direct call
// target. Address-taken code (pointers found in data, adr/adrp+add results) becomes an extra
// entry point of the function that contains it, so indirect branches can reach it through
// the dispatcher; a pointer into no known function starts a function of its own.
import type { ElfImage } from '../elf/parse.ts';
import type { Arch, CodeImage, Insn, JumpTableContext } from './types.ts';

export interface Block {
  start: number;
  insns: Insn[];
  /** address of the next block when this one falls through (or a call returns) */
  next?: number;
  /** resolved jump-table targets when the block ends in an indirect jump */
  jumpTable?: number[];
}

export interface GuestFunction {
  entry: number;
  name: string;
  blocks: Map<number, Block>;
  /** entry points in order: [0] is the function entry; return sites and address-taken blocks follow */
  entries: number[];
  /** direct call and tail-call targets that are function entries */
  callees: Set<number>;
  /** calls or jumps whose target is only known at run time */
  indirect: boolean;
}

export interface Program {
  functions: Map<number, GuestFunction>;
  instructions: number;
}

export interface Range { start: number; end: number }

/** `learned`: entry PCs lifted at run time in earlier runs (a learning build translates them ahead of time) */
export function discover(image: ElfImage, arch: Arch, learned: readonly number[] = []): Program {
  const decodeCache = new Map<number, Insn>();
  const decodeAt = (pc: number): Insn | undefined => {
    let i = decodeCache.get(pc);
    if (i) return i;
    const w = image.readU32(pc);
    if (w === undefined || !image.isCode(pc)) return undefined;
    i = arch.decode(w, pc);
    decodeCache.set(pc, i);
    return i;
  };

  const symRanges = new Map<number, Range>();
  const names = new Map<number, string>();
  for (const s of image.symbols) {
    if ((s.type !== 'func' && s.type !== 'ifunc') || !image.isCode(s.value)) continue;
    if (!names.has(s.value) || s.bind === 'global') names.set(s.value, s.name);
    const prev = symRanges.get(s.value);
    if (!prev || prev.end < s.value + s.size) symRanges.set(s.value, { start: s.value, end: s.value + Math.max(s.size, 4) });
  }

  const entries = new Set<number>([image.entry, ...symRanges.keys(), ...image.irelative.map((r) => r.addend), ...learned]);
  const addressTaken = new Set<number>();
  sweep(image, arch, decodeAt, symRanges, entries, addressTaken);
  for (const a of dataCodePointers(image)) addressTaken.add(a);

  const functions = new Map<number, GuestFunction>();
  const pending = [...entries].filter((e) => image.isCode(e) && e % 4 === 0);
  const isEntry = (pc: number) => entries.has(pc);
  const build = (e: number) => {
    if (functions.has(e) || !image.isCode(e) || e % 4) return; // branches decoded from data can point anywhere
    const fn = discoverFunction(e, names.get(e) ?? `sub_${e.toString(16)}`, symRanges.get(e), decodeAt, isEntry, arch, image, addressTaken);
    if (!fn.blocks.has(e)) return;
    functions.set(e, fn);
    for (const c of fn.callees) if (!functions.has(c)) { entries.add(c); pending.push(c); }
  };
  while (pending.length) build(pending.pop()!);

  // Address-taken code: an entry point of the function(s) holding it, else a function of its own.
  const owners = new Map<number, GuestFunction[]>();
  for (const fn of functions.values()) for (const blk of fn.blocks.values()) for (const i of blk.insns) {
    if (!addressTaken.has(i.pc)) continue;
    let list = owners.get(i.pc);
    if (!list) owners.set(i.pc, (list = []));
    list.push(fn);
  }
  for (const a of addressTaken) {
    if (functions.has(a) || !image.isCode(a) || a % 4) continue;
    const fns = owners.get(a);
    if (fns) for (const fn of fns) splitAt(fn, a);
    else { entries.add(a); pending.push(a); while (pending.length) build(pending.pop()!); }
  }
  let instructions = 0;
  for (const fn of functions.values()) for (const blk of fn.blocks.values()) instructions += blk.insns.length;
  return { functions, instructions };
}

/** Makes `pc` a block start and an entry point of `fn`. */
function splitAt(fn: GuestFunction, pc: number): void {
  if (!fn.blocks.has(pc)) {
    for (const blk of fn.blocks.values()) {
      const k = blk.insns.findIndex((i) => i.pc === pc);
      if (k <= 0) continue;
      const tail: Block = { start: pc, insns: blk.insns.slice(k), next: blk.next, jumpTable: blk.jumpTable };
      blk.insns = blk.insns.slice(0, k);
      blk.next = pc;
      blk.jumpTable = undefined;
      fn.blocks.set(pc, tail);
      break;
    }
  }
  if (fn.blocks.has(pc) && !fn.entries.includes(pc)) fn.entries.push(pc);
}

/**
 * One function's blocks from `entry`, following its control flow; `isEntry` names the addresses
 * that start other functions (reached by a tail call, not as blocks of this one). Used by static
 * discovery over the ELF image and by the run-time lifter over guest memory.
 */
export function discoverFunction(
  entry: number, name: string, range: Range | undefined, decodeAt: (pc: number) => Insn | undefined,
  isEntry: (pc: number) => boolean, arch: Arch, image: CodeImage, addressTaken: Set<number>,
): GuestFunction {
  const insns = new Map<number, Insn>();
  const leaders = new Set<number>([entry]);
  const returnSites: number[] = [];
  const callees = new Set<number>();
  const jumpTables = new Map<number, number[]>();
  let indirect = false;
  const external = (t: number) => t !== entry && (isEntry(t) || (range !== undefined && (t < range.start || t >= range.end)));
  const work = [entry];
  const unresolved: number[] = [];
  const jtc: JumpTableContext = { at: (pc) => insns.get(pc) ?? decodeAt(pc), range };
  const visit = (t: number) => { leaders.add(t); work.push(t); };

  while (work.length) {
    let pc = work.pop()!;
    for (;;) {
      if (insns.has(pc)) break;
      // running into another function (e.g. after a call that never returns): a tail call
      if (pc !== entry && !leaders.has(pc) && external(pc)) { callees.add(pc); break; }
      const insn = decodeAt(pc);
      if (!insn) break;
      insns.set(pc, insn);
      const fl = insn.flow;
      if (fl.kind === 'fall') { pc += 4; continue; }
      if (fl.kind === 'call' || fl.kind === 'icall') {
        if (fl.kind === 'call') callees.add(fl.target); else indirect = true;
        pc += 4;
        if (external(pc)) { callees.add(pc); break; }
        returnSites.push(pc);
        leaders.add(pc);
        continue;
      }
      if (fl.kind === 'cond' || fl.kind === 'jump') {
        if (external(fl.target)) callees.add(fl.target);
        else visit(fl.target);
        if (fl.kind === 'cond') {
          pc += 4;
          if (external(pc)) { callees.add(pc); break; }
          leaders.add(pc);
          continue;
        }
        break;
      }
      if (fl.kind === 'ijump') {
        const table = arch.resolveJumpTable(blockEndingAt(insns, pc), image, jtc);
        if (table) { jumpTables.set(pc, table); table.forEach(visit); }
        else unresolved.push(pc);
      }
      break;
    }
    // once the worklist drains, retry indirect jumps with their predecessors' bounds checks
    while (!work.length && unresolved.length) {
      const br = unresolved.shift()!;
      const table = resolveWithPredecessors(br, insns, leaders, arch, image, jtc);
      if (table) { jumpTables.set(br, table); table.forEach(visit); continue; }
      indirect = true;
      // computed gotos: label addresses stored in data that lie inside this function
      if (range) for (const a of addressTaken) if (a >= range.start && a < range.end && !isEntry(a)) visit(a);
    }
  }

  // form blocks: consecutive instructions from each leader up to the next leader or terminator
  const blocks = new Map<number, Block>();
  for (const start of [...leaders].sort((a, b) => a - b)) {
    if (!insns.has(start)) continue;
    const blk: Block = { start, insns: [] };
    let pc = start;
    for (;;) {
      const i = insns.get(pc);
      if (!i) break;
      blk.insns.push(i);
      const k = i.flow.kind;
      if (k === 'call' || k === 'icall') { blk.next = pc + 4; break; }
      if (k === 'cond') { blk.next = pc + 4; break; }
      if (k !== 'fall') break;
      pc += 4;
      if (leaders.has(pc) || !insns.has(pc)) { blk.next = pc; break; }
    }
    const last = blk.insns[blk.insns.length - 1]!;
    if (last.flow.kind === 'ijump') blk.jumpTable = jumpTables.get(last.pc);
    blocks.set(start, blk);
  }
  const entries = [entry, ...new Set(returnSites.filter((r) => blocks.has(r)))];
  const fn: GuestFunction = { entry, name, blocks, entries, callees, indirect };
  for (const a of addressTaken) if (a !== entry && blocks.has(a) && !entries.includes(a)) entries.push(a);
  return fn;
}

/** Jump-table bounds checks often sit in a predecessor (`cmp; b.ls table`): try each one's tail + the block. */
function resolveWithPredecessors(br: number, insns: Map<number, Insn>, leaders: Set<number>, arch: Arch, image: CodeImage, jtc: JumpTableContext): number[] | undefined {
  let start = br;
  while (!leaders.has(start) && insns.has(start - 4)) start -= 4;
  const block: Insn[] = [];
  for (let p = start; p <= br; p += 4) block.push(insns.get(p)!);
  for (const i of insns.values()) {
    const fl = i.flow;
    const into = ((fl.kind === 'cond' || fl.kind === 'jump') && fl.target === start) || ((fl.kind === 'fall' || fl.kind === 'cond') && i.pc + 4 === start);
    if (!into) continue;
    const table = arch.resolveJumpTable([...blockEndingAt(insns, i.pc).slice(-12), ...block], image, jtc);
    if (table) return table;
  }
  return undefined;
}

/** the straight-line instructions before `pc` (for jump-table pattern matching) */
function blockEndingAt(insns: Map<number, Insn>, pc: number): Insn[] {
  const out: Insn[] = [];
  for (let p = pc, n = 0; n < 32; p -= 4, n++) {
    const i = insns.get(p);
    if (!i) break;
    out.unshift(i);
  }
  return out;
}

/** Linear sweep of code: direct call targets become entries; materialised code addresses are address-taken. */
function sweep(
  image: ElfImage, arch: Arch, decodeAt: (pc: number) => Insn | undefined, symRanges: Map<number, Range>,
  entries: Set<number>, addressTaken: Set<number>,
): void {
  const ranges: Range[] = symRanges.size
    ? [...symRanges.values()]
    : image.segments.filter((s) => s.flags & 1).map((s) => ({ start: s.vaddr, end: s.vaddr + s.filesz }));
  for (const r of ranges) {
    const run: Insn[] = [];
    for (let pc = r.start & ~3; pc < r.end; pc += 4) {
      const i = decodeAt(pc);
      if (!i) break;
      run.push(i);
      if (i.flow.kind === 'call' && image.isCode(i.flow.target)) entries.add(i.flow.target);
    }
    for (const a of arch.codeRefs(run, image)) addressTaken.add(a);
  }
}

/** 8-byte-aligned words in loaded data that point at 4-byte-aligned code: function pointers, label tables. */
function dataCodePointers(image: ElfImage): number[] {
  const out: number[] = [];
  const code = image.segments.filter((s) => s.flags & 1);
  const lo = Math.min(...code.map((s) => s.vaddr)), hi = Math.max(...code.map((s) => s.vaddr + s.filesz));
  for (const seg of image.segments) {
    const dv = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
    const start = (8 - (seg.vaddr % 8)) % 8;
    for (let off = start; off + 8 <= seg.data.byteLength; off += 8) {
      if (dv.getUint32(off + 4, true) !== 0) continue;
      const v = dv.getUint32(off, true);
      if (v >= lo && v < hi && v % 4 === 0 && image.isCode(v)) out.push(v);
    }
  }
  return out;
}
