// Function and basic-block discovery over the whole program (arch-neutral).
//
// Function entries: FUNC symbols, the ELF entry, IRELATIVE resolvers, init/fini array entries,
// unwind-table FDEs (present in stripped binaries), PCs learned at run time by an earlier run,
// and every direct call target. Address-taken code (pointers found in data and literal pools,
// adr/adrp+add results, C++ landing pads) becomes an extra entry point of the function that
// contains it, so indirect branches can reach it through the dispatcher; a pointer into no
// known function starts a function of its own. program.report says how each was found and
// which indirect branches stayed unresolved (report.ts formats it).
import { readFdes } from '../elf/eh-frame.ts';
import { goFunctions, goResumePoints } from '../elf/go-pclntab.ts';
import { initArrayEntries } from '../elf/init-arrays.ts';
import { landingPads } from '../elf/lsda.ts';
import type { ElfImage, ElfSection } from '../elf/parse.ts';
import { noReturnOracle } from './noreturn.ts';
import { numbers } from './arrays.ts';
import type { Arch, CodeImage, Insn, JumpTableContext } from './types.ts';

export interface Block {
  start: number;
  insns: Insn[];
  /** address of the next block when this one falls through (or a call returns) */
  next?: number;
  /** resolved jump-table targets when the block ends in an indirect jump */
  jumpTable?: number[];
  /** the functions an indirect jump ending the block goes to (an IFUNC's implementations); the dispatcher takes any other target */
  tailTargets?: number[];
}

export interface GuestFunction {
  entry: number;
  name: string;
  blocks: Map<number, Block>;
  /** entry points in order: [0] is the function entry; return sites and address-taken blocks follow */
  entries: number[];
  /** direct call and tail-call targets that are function entries */
  callees: Set<number>;
  /** the addresses after calls that never return (noreturn.ts): no control comes back there */
  deadReturns?: Set<number>;
  /** calls or jumps whose target is only known at run time */
  indirect: boolean;
  /** indirect jumps not resolved to a jump table, and why */
  unresolved?: UnresolvedBranch[];
}

/** guest instructions in a function */
export function instructionCount(fn: GuestFunction): number {
  let n = 0;
  for (const b of fn.blocks.values()) n += b.insns.length;
  return n;
}

/** how discovery came to know a code address, strongest first */
export const DISCOVERY_SOURCES = [
  'symbol', 'entry', 'irelative', 'init-array', 'section', 'fde', 'go-pclntab', 'learned', 'call',
  'landing-pad', 'data-pointer', 'literal-pool', 'code-ref',
] as const;
export type DiscoverySource = typeof DISCOVERY_SOURCES[number];
const ENTRY_SECTIONS = ['.init', '.fini', '.plt'];

export interface UnresolvedBranch { pc: number; reason: string }

export interface DiscoveryReport {
  /** function entry → how it was first found */
  functions: Map<number, DiscoverySource>;
  /** address-taken code (entry points inside functions, or functions of their own) → where it came from */
  addressTaken: Map<number, DiscoverySource>;
  /** indirect jumps (not calls or returns) left to the dispatcher */
  unresolved: (UnresolvedBranch & { function: number })[];
  /** indirect jumps resolved to jump tables */
  jumpTables: number;
  /** indirect jumps resolved to an IFUNC's implementations (PLT entries) */
  ifuncJumps: number;
  /** FDEs read from .eh_frame/.debug_frame */
  fdes: number;
  millis: number;
}

export interface Program {
  functions: Map<number, GuestFunction>;
  instructions: number;
  report?: DiscoveryReport;
  /** names of functions the ELF's symbol table does not have (Go's function table), for traces and fault messages */
  names?: [number, string][];
}

export interface Range { start: number; end: number }

const SHF_EXECINSTR = 4;

/**
 * Whether an address found as a pointer (in data, a literal pool, an adr/adrp pair) may be code:
 * inside an executable section where its segment has any, anywhere in an executable segment whose
 * sections are unknown. Go's linker (and GNU ld without -z separate-code) put .rodata in the code
 * segment: a pointer there is data, and decoding it as a function only adds garbage. (Code in a
 * section not marked executable, e.g. `ld -N` output, is then found only as control reaches it,
 * or lifted at run time.)
 */
function codePointerFilter(image: ElfImage): (a: number) => boolean {
  const exec = image.sections.filter((s) => s.flags & SHF_EXECINSTR && s.addr && s.size);
  // a section table the loader warned about, or whose code lies outside the code segments, is not believed
  const inCode = (s: ElfSection) => image.segments.some((g) => g.flags & 1 && s.addr >= g.vaddr && s.addr + s.size <= g.vaddr + g.memsz);
  if (!exec.length || image.warnings.length || !exec.every(inCode)) return () => true;
  const known = image.segments.filter((g) => g.flags & 1 && exec.some((s) => s.addr >= g.vaddr && s.addr < g.vaddr + g.memsz));
  return (a) => !known.some((g) => a >= g.vaddr && a < g.vaddr + g.memsz) || exec.some((s) => a >= s.addr && a < s.addr + s.size);
}

/**
 * `extraEntries`: PCs to treat as function starts (source 'learned'), e.g. code an earlier run
 * had to lift at run time.
 */
export function discover(image: ElfImage, arch: Arch, extraEntries: readonly number[] = []): Program {
  const t0 = performance.now();
  // decoded instructions by address, in an array over the executable segments' span (a Map's
  // lookups cost more: discovery runs mostly in the engine's baseline tier)
  const code = image.segments.filter((s) => s.flags & 1);
  const lo = Math.min(...code.map((s) => s.vaddr)), span = Math.max(...code.map((s) => s.vaddr + s.memsz)) - lo;
  const step = 1 << arch.insnAlignLog2, decoded: (Insn | undefined)[] = code.length ? new Array(Math.ceil(span / step)) : [];
  const decodeAt = (pc: number): Insn | undefined => {
    const k = (pc - lo) / step;
    let i = decoded[k];
    if (i) return i;
    const w = image.readU32(pc);
    if (w === undefined || !image.isCode(pc)) return undefined;
    i = arch.decode(w, pc);
    if (Number.isInteger(k)) decoded[k] = i; // a misaligned pc (a branch decoded from data) is decoded each time
    return i;
  };
  const isCodeStart = (a: number) => image.isCode(a) && a % step === 0;

  const sources = new Map<number, DiscoverySource>();
  const entries = new Set<number>();
  const addEntry = (a: number, src: DiscoverySource) => {
    if (!isCodeStart(a)) return;
    entries.add(a);
    if (!sources.has(a)) sources.set(a, src);
  };

  const ranges = new Map<number, Range>();
  const names = new Map<number, string>();
  for (const s of image.symbols) {
    if ((s.type !== 'func' && s.type !== 'ifunc') || !image.isCode(s.value)) continue;
    if (!names.has(s.value) || s.bind === 'global') names.set(s.value, s.name);
    const prev = ranges.get(s.value);
    if (!prev || prev.end < s.value + s.size) ranges.set(s.value, { start: s.value, end: s.value + Math.max(s.size, 4) });
  }
  const hasSymbols = ranges.size > 0;
  for (const a of ranges.keys()) addEntry(a, 'symbol');
  addEntry(image.entry, 'entry');
  for (const r of image.irelative) addEntry(r.addend, 'irelative');
  for (const a of initArrayEntries(image.sections)) addEntry(a, 'init-array');
  // what ld.so calls in a stripped object: .init and .fini (DT_INIT, DT_FINI), and PLT0, where
  // lazily bound GOT slots point until it resolves them (JUMP_SLOT relocations, not RELATIVE)
  for (const s of image.sections) if (ENTRY_SECTIONS.includes(s.name) && s.size) addEntry(s.addr, 'section');

  // FDEs: a function start and extent where no symbol says more (assembly symbols often have size 0)
  const fdes = readFdes(image.sections).filter((f) => isCodeStart(f.start));
  for (const f of fdes) {
    const r = ranges.get(f.start);
    if (!r || r.end - r.start <= 4) ranges.set(f.start, { start: f.start, end: Math.max(f.end, r?.end ?? 0) });
    addEntry(f.start, 'fde');
  }
  // Go's function table: extents and names where symbols say nothing (a stripped Go program)
  const goNames: [number, string][] = [];
  const goFns = goFunctions(image, step);
  for (const f of goFns) {
    if (!isCodeStart(f.start)) continue;
    const r = ranges.get(f.start);
    if (!r || r.end - r.start <= 4) ranges.set(f.start, { start: f.start, end: Math.max(f.end, r?.end ?? 0) });
    if (!names.has(f.start)) { names.set(f.start, f.name); goNames.push([f.start, f.name]); }
    addEntry(f.start, 'go-pclntab');
  }
  for (const a of extraEntries) addEntry(a, 'learned');

  const addressTaken = new Set<number>();
  const takenSource = new Map<number, DiscoverySource>();
  const mayHoldCode = codePointerFilter(image);
  const take = (a: number, src: DiscoverySource) => {
    if (!isCodeStart(a) || !mayHoldCode(a)) return;
    addressTaken.add(a);
    if (!takenSource.has(a)) takenSource.set(a, src);
  };
  const bytesAt = (a: number) => {
    const seg = image.segments.find((s) => a >= s.vaddr && a < s.vaddr + s.filesz);
    return seg && seg.data.subarray(a - seg.vaddr);
  };
  /** function start → its landing pads: roots of the function (only the unwinder branches there) */
  const padsOf = new Map<number, number[]>();
  for (const f of fdes) {
    if (f.lsda === undefined) continue;
    const pads = landingPads(f.lsda, f.start, bytesAt).filter((lp) => lp >= f.start && lp < f.end);
    for (const lp of pads) take(lp, 'landing-pad');
    if (pads.length) padsOf.set(f.start, pads);
  }

  for (const a of goResumePoints(goFns, step)) take(a, 'go-pclntab');

  // without symbols, FDEs cover only the code built with unwind tables: sweep all code then
  const calls = sweep(image, arch, decodeAt, hasSymbols ? [...ranges.values()] : undefined, take);
  for (const a of calls) addEntry(a, 'call');
  for (const a of dataCodePointers(image)) take(a, 'data-pointer');

  const functions = new Map<number, GuestFunction>();
  const pending = [...entries];
  const isEntry = (pc: number) => entries.has(pc);
  const noReturn = noReturnOracle(decodeAt, isEntry);
  const build = (e: number) => {
    if (functions.has(e) || !isCodeStart(e)) return; // branches decoded from data can point anywhere
    const fn = discoverFunction(e, names.get(e) ?? `sub_${e.toString(16)}`, ranges.get(e), decodeAt, isEntry, arch, image, addressTaken, noReturn, padsOf.get(e));
    if (!fn.blocks.has(e)) return;
    functions.set(e, fn);
    for (const c of fn.callees) if (!functions.has(c)) { addEntry(c, 'call'); pending.push(c); }
  };
  while (pending.length) build(pending.pop()!);

  // Address-taken code: an entry point of the function(s) holding it, else a function of its own.
  const owners = new Map<number, GuestFunction[]>();
  functions.forEach((fn) => fn.blocks.forEach((blk) => {
    for (let k = 0; k < blk.insns.length; k++) { // indexed: discovery runs mostly in the engine's baseline tier
      const pc = blk.insns[k]!.pc;
      if (!addressTaken.has(pc)) continue;
      let list = owners.get(pc);
      if (!list) owners.set(pc, (list = []));
      list.push(fn);
    }
  }));
  for (const a of addressTaken) {
    if (functions.has(a) || !isCodeStart(a)) continue;
    const fns = owners.get(a);
    if (fns) for (const fn of fns) splitAt(fn, a);
    else { addEntry(a, takenSource.get(a)!); pending.push(a); while (pending.length) build(pending.pop()!); }
  }
  resolveIfuncJumps(functions, image, arch);
  let instructions = 0, jumpTables = 0, ifuncJumps = 0;
  const unresolved: DiscoveryReport['unresolved'] = [];
  for (const fn of functions.values()) {
    for (const blk of fn.blocks.values()) {
      instructions += blk.insns.length;
      if (blk.jumpTable) jumpTables++;
      if (blk.tailTargets) ifuncJumps++;
    }
    for (const u of fn.unresolved ?? []) unresolved.push({ ...u, function: fn.entry });
  }
  const fnSources = new Map<number, DiscoverySource>();
  for (const e of functions.keys()) fnSources.set(e, sources.get(e) ?? 'call');
  unresolved.sort((a, b) => a.pc - b.pc);
  const report: DiscoveryReport = {
    functions: fnSources, addressTaken: takenSource, unresolved, jumpTables, ifuncJumps, fdes: fdes.length,
    millis: performance.now() - t0,
  };
  return { functions, instructions, report, ...(goNames.length ? { names: goNames } : {}) };
}

/**
 * A static program calls its IFUNCs (memcpy, strlen, …) through PLT entries that jump to what a
 * GOT slot holds, and the slot holds what its IRELATIVE relocation's resolver returned at
 * start-up: one of the functions the resolver materialises. Such a jump goes straight to those
 * (the dispatcher takes any other target), so its function's clobbers are theirs instead of
 * every register: callers of strlen reload the few registers it writes, not all they hold. A
 * PLT call is an ABI boundary, so no caller relies on more than what AAPCS64 preserves.
 */
function resolveIfuncJumps(functions: Map<number, GuestFunction>, image: ElfImage, arch: Arch): void {
  if (!arch.jumpSlot || !image.irelative.length) return;
  const resolverOf = new Map(image.irelative.map((r) => [r.offset, r.addend]));
  const memo = new Map<number, number[] | undefined>();
  const implementations = (resolver: number): number[] | undefined => {
    if (memo.has(resolver)) return memo.get(resolver);
    let out: number[] | undefined;
    const fn = functions.get(resolver);
    // a resolver that calls or jumps elsewhere may return what it got there
    if (fn && !fn.indirect && !fn.callees.size) {
      const found = new Set<number>();
      for (const blk of fn.blocks.values()) {
        for (const a of arch.codeRefs(blk.insns, image)) found.add(a);
        for (const a of arch.literalCodePointers?.(blk.insns, image) ?? []) found.add(a);
      }
      const targets = numbers(found).sort((a, b) => a - b);
      if (targets.length && targets.every((t) => functions.has(t))) out = targets;
    }
    memo.set(resolver, out);
    return out;
  };
  for (const fn of functions.values()) {
    if (!fn.unresolved) continue;
    const endingAt = new Map<number, Block>();
    fn.blocks.forEach((b) => endingAt.set(b.insns[b.insns.length - 1]!.pc, b));
    const left = fn.unresolved.filter((u) => {
      const blk = endingAt.get(u.pc);
      const slot = blk && arch.jumpSlot!(blk.insns);
      const resolver = slot === undefined ? undefined : resolverOf.get(slot);
      const targets = resolver === undefined ? undefined : implementations(resolver);
      if (!blk || !targets) return true;
      blk.tailTargets = targets;
      for (const t of targets) fn.callees.add(t);
      return false;
    });
    if (left.length === fn.unresolved.length) continue;
    fn.unresolved = left.length ? left : undefined; // not `delete`: it would make fn a dictionary
    // still indirect if it calls through a register (calls end blocks)
    fn.indirect = left.length > 0 || [...endingAt.values()].some((b) => b.insns[b.insns.length - 1]!.flow.kind === 'icall');
  }
}

/** a Block with all its fields (one hidden class for every block: the lifter's code reading them stays monomorphic) */
function newBlock(start: number, insns: Insn[], next?: number, jumpTable?: number[]): Block {
  return { start, insns, next, jumpTable, tailTargets: undefined };
}

/** Makes `pc` a block start and an entry point of `fn`. */
function splitAt(fn: GuestFunction, pc: number): void {
  if (!fn.blocks.has(pc)) {
    for (const blk of fn.blocks.values()) {
      const k = blk.insns.findIndex((i) => i.pc === pc);
      if (k <= 0) continue;
      const tail = newBlock(pc, blk.insns.slice(k), blk.next, blk.jumpTable);
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
 * discovery over the ELF image and by the run-time lifter over guest memory. `noReturn` tells
 * the jump-table analysis which calls never return; `roots` are further places control enters
 * from outside (C++ landing pads, which only the unwinder reaches).
 */
export function discoverFunction(
  entry: number, name: string, range: Range | undefined, decodeAt: (pc: number) => Insn | undefined,
  isEntry: (pc: number) => boolean, arch: Arch, image: CodeImage, addressTaken: Set<number>,
  noReturn?: (target: number) => boolean, roots: readonly number[] = [],
): GuestFunction {
  const insns = new Map<number, Insn>();
  const leaders = new Set<number>([entry]);
  const returnSites: number[] = [];
  const deadReturns = new Set<number>();
  const callees = new Set<number>();
  const jumpTables = new Map<number, number[]>();
  /** branch target → the branches to it (for jump-table analysis across blocks) */
  const branchesTo = new Map<number, number[]>();
  let indirect = false;
  const external = (t: number) => t !== entry && (isEntry(t) || (range !== undefined && (t < range.start || t >= range.end)));
  const work = [entry, ...roots];
  for (const r of roots) leaders.add(r);
  const pendingJumps: number[] = [];
  const unresolved: UnresolvedBranch[] = [];
  const visit = (t: number) => { leaders.add(t); work.push(t); };
  const edge = (from: number, to: number) => {
    let l = branchesTo.get(to);
    if (!l) branchesTo.set(to, (l = []));
    l.push(from);
  };
  /** where control arrives from outside the function's known branches: its entry, landing pads, computed-goto targets */
  const outside = new Set([entry, ...roots]);
  const predecessors = (pc: number): number[] | undefined => {
    if (outside.has(pc)) return undefined;
    const out = branchesTo.get(pc)?.slice() ?? [];
    const prev = insns.get(pc - 4);
    const k = prev?.flow.kind;
    if (k === 'fall' || k === 'cond' || k === 'icall' || (k === 'call' && !noReturn?.((prev!.flow as { target: number }).target))) out.push(pc - 4);
    return out;
  };
  let reason = '';
  let unreadable = false;
  const jtc: JumpTableContext = { at: (pc) => insns.get(pc) ?? decodeAt(pc), range, predecessors, reject: (r, u) => { reason = r; unreadable = !!u; } };
  /** a computed goto reads a table we cannot: every instruction of the function only a jump reaches is one of its targets */
  let sweep = false;
  const orphans = new Set<number>();
  const visitOrphans = (r: Range): boolean => {
    // instructions of one size (the alignment): the one before `a` ends at `a`
    const step = 1 << arch.insnAlignLog2;
    let added = false;
    for (let a = r.start + step; a < r.end; a += step) {
      if (insns.has(a) || isEntry(a) || !AFTER_JUMP.has(insns.get(a - step)?.flow.kind ?? '') || !decodeAt(a)) continue;
      orphans.add(a);
      outside.add(a);
      visit(a);
      added = true;
    }
    return added;
  };

  for (;;) {
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
        // a call's return site; or where the dispatcher resumes after a syscall (a process that
        // waited, a fork child, a new thread): an entry point either way
        const resumes = fl.kind === 'fall' && arch.resumesAfter?.(insn);
        if (fl.kind === 'fall' && !resumes) { pc += 4; continue; }
        if (fl.kind === 'call' || fl.kind === 'icall' || resumes) {
          if (fl.kind === 'call') callees.add(fl.target); else if (fl.kind === 'icall') indirect = true;
          if (fl.kind === 'call' && noReturn?.(fl.target)) deadReturns.add(pc + 4);
          pc += 4;
          if (external(pc)) { callees.add(pc); break; }
          returnSites.push(pc);
          leaders.add(pc);
          continue;
        }
        if (fl.kind === 'cond' || fl.kind === 'jump') {
          if (external(fl.target)) callees.add(fl.target);
          else { edge(pc, fl.target); visit(fl.target); }
          if (fl.kind === 'cond') {
            pc += 4;
            if (external(pc)) { callees.add(pc); break; }
            leaders.add(pc);
            continue;
          }
          break;
        }
        if (fl.kind === 'ijump') pendingJumps.push(pc);
        break;
      }
      // Jump tables are analysed once the worklist drains, when the blocks that reach the branch
      // (its bounds check, the definition of a hoisted table base) are known. A table found adds
      // code, explored before the others are retried; only when a whole round finds nothing do
      // the rest become unresolved (their computed-goto targets have unknown predecessors, which
      // would spoil the analysis of the others).
      if (work.length || !pendingJumps.length) continue;
      const failed: { br: number; reason: string; unreadable: boolean }[] = [];
      while (pendingJumps.length && !work.length) {
        const br = pendingJumps.shift()!;
        reason = 'not a recognised jump table';
        unreadable = false;
        const table = arch.resolveJumpTable(blockEndingAt(insns, br), image, jtc);
        if (!table) { failed.push({ br, reason, unreadable }); continue; }
        jumpTables.set(br, table);
        for (const t of table) { edge(br, t); visit(t); }
      }
      if (work.length) { for (const f of failed) pendingJumps.push(f.br); continue; }
      for (const { br, reason: why, unreadable: computed } of failed) {
        indirect = true;
        unresolved.push({ pc: br, reason: why });
        // computed gotos: label addresses stored in data that lie inside this function
        if (range) for (const a of addressTaken) if (a >= range.start && a < range.end && !isEntry(a) && !insns.has(a)) { outside.add(a); visit(a); }
        // or offsets from a label in a table we cannot read (glibc's vfprintf in libc.so.6): the
        // labels are code that only jumps reach, found by sweeping the function's extent
        sweep ||= computed;
      }
    }
    // every code start the sweep adds may end in more jumps: until nothing new is found
    if (!sweep || !range || !visitOrphans(range)) break;
  }

  // form blocks: consecutive instructions from each leader up to the next leader or terminator
  const blocks = new Map<number, Block>();
  for (const start of [...leaders].sort((a, b) => a - b)) {
    if (!insns.has(start)) continue;
    const blk = newBlock(start, []);
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
  // every field, set or not: one hidden class for all functions (the lifter reads them everywhere)
  const fn: GuestFunction = {
    entry, name, blocks, entries, callees, deadReturns: deadReturns.size ? deadReturns : undefined, indirect,
    unresolved: unresolved.length ? unresolved : undefined,
  };
  // blocks whose address is taken (or that only a jump reaches) are entries too: the blocks are
  // looked up in the program-wide set, not the set walked for every function
  const known = new Set(entries);
  for (const a of blocks.keys()) if ((addressTaken.has(a) || orphans.has(a)) && !known.has(a)) { entries.push(a); known.add(a); }
  // so are the targets of its jump tables while one of its indirect jumps is left to the
  // dispatcher: computed gotos share their labels (glibc's printf, where some are resolved)
  if (unresolved.length) for (const table of jumpTables.values()) for (const t of table) if (blocks.has(t) && !known.has(t)) { entries.push(t); known.add(t); }
  return fn;
}

/** flow kinds after which the next instruction is reached by a jump only */
const AFTER_JUMP = new Set(['jump', 'ijump', 'ret', 'stop']);

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

/**
 * Linear sweep of code (`ranges`, or every executable segment): returns the direct call
 * targets; materialised code addresses and literal-pool code pointers go to `take`.
 */
function sweep(
  image: ElfImage, arch: Arch, decodeAt: (pc: number) => Insn | undefined, ranges: Range[] | undefined,
  take: (a: number, src: DiscoverySource) => void,
): Set<number> {
  const calls = new Set<number>();
  const spans = ranges ?? image.segments.filter((s) => s.flags & 1).map((s) => ({ start: s.vaddr, end: s.vaddr + s.filesz }));
  for (const r of spans) {
    const run: Insn[] = [];
    for (let pc = r.start & ~3; pc < r.end; pc += 4) {
      const i = decodeAt(pc);
      if (!i) break;
      run.push(i);
      if (i.flow.kind === 'call' && image.isCode(i.flow.target)) calls.add(i.flow.target);
    }
    for (const a of arch.codeRefs(run, image)) take(a, 'code-ref');
    for (const a of arch.literalCodePointers?.(run, image) ?? []) take(a, 'literal-pool');
  }
  return calls;
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
