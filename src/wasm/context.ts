// What every function emitter shares: the module being built, function names, call clobber sets.
import type * as ir from './ir.ts';
import type { GuestFunction } from '../lift/discover.ts';
import { helperId, type Arch } from '../lift/types.ts';
import type { ProtectMode } from '../translate-options.ts';
import { MIN_GUEST_ADDR } from '../runtime/layout.ts';

export interface ExtensionLink {
  /** function table index of the module's first function */
  tableIndex: number;
  /**
   * true for code lifted at run time: every address outside the module is reached through the
   * program's dispatcher (it may be translated, or lifted when reached), and NZCV is homed at
   * every boundary because such code is entered mid-function
   */
  external: boolean;
}

/** memory protection of a module: the mode, and the page table's guest address for 'pages' and 'full' (abi.ts) */
/** `lowEnd`: under 'null' and 'pages', guest addresses below it trap (function.ts addr); `storeEnd`: under
 *  'null' and 'pages', stores below it trap (lowEnd, or under 'null' the end of the executable's
 *  read-only segments: TranslationMeta.storeEnd); `stackGuard`: where the main stack's guard begins
 *  (layout.ts STACK_GUARD), 0 when the code does not check it */
export interface Protection { mode: ProtectMode; pageTable: number; lowEnd: number; storeEnd: number; stackGuard: number }

export class ModuleContext {
  /** nested guest calls kept on the Wasm stack before unwinding to the dispatcher */
  readonly callDepthLimit: number;
  readonly link: ExtensionLink;
  private readonly names = new Map<number, string>();
  private readonly indices = new Map<number, number>();
  private transitiveWrites = new Map<number, Set<number> | undefined>();

  /** `fns` in function-table order */
  /** `protect`: how guest loads and stores are checked (function.ts addr) */
  constructor(readonly m: ir.Module, readonly fns: GuestFunction[], readonly arch: Arch, callDepthLimit: number,
    link: ExtensionLink = { tableIndex: 0, external: false }, readonly protect: Protection = { mode: 'none', pageTable: 0, lowEnd: MIN_GUEST_ADDR, storeEnd: MIN_GUEST_ADDR, stackGuard: 0 }) {
    this.callDepthLimit = callDepthLimit;
    this.link = link;
    fns.forEach((fn, i) => { this.names.set(fn.entry, wasmName(fn)); this.indices.set(fn.entry, link.tableIndex + i); });
  }

  functionName(pc: number): string | undefined { return this.names.get(pc); }

  /** index in the function table (and in the dispatch table's entries) */
  functionIndex(pc: number): number { return this.indices.get(pc)!; }

  /** functions that read NZCV on entry (set by the module once every function is lifted) */
  readonly readsFlagsOnEntry = new Set<number>();
  flagsLiveIn(pc: number): boolean { return this.readsFlagsOnEntry.has(pc); }
  /**
   * Some code reads NZCV that a call or return left: a function branched or called to that reads
   * it on entry, or a return site (after a call that returns) that reads it. That is hand-written
   * code passing results in the flags; the translator cannot tell where its BLR and RET go, so
   * then every function of the module keeps NZCV in the state block at every boundary (homed),
   * as code lifted at run time does. Compiled code never does it (AAPCS64) and pays nothing: its
   * modules are unchanged.
   */
  flagsCrossCalls = false;
  /** loops re-enter their function now and then (TranslateOptions.loopReentry, reentry.ts) */
  loopReentry = false;

  /** registers a direct call to `pc` may change (undefined: any) */
  clobbers(pc: number): Set<number> | undefined { return this.transitiveWrites.get(pc); }

  /** helpers the functions call: added to the module by addHelpers, after the functions */
  readonly helpersUsed = new Set<string>();

  helper(name: string): string {
    if (!this.arch.helpers[name]) throw new Error(`no helper named ${name}`);
    this.helpersUsed.add(name);
    return helperId(name);
  }

  /**
   * Adds the helpers `names` (sorted, so that every shard of a parallel translation numbers them
   * alike: module.ts ProgramModule); helpers also add the helpers they use (fp-strict-core.ts
   * depFp): the module is the registry.
   */
  addHelpers(names: Iterable<string>): void {
    for (const name of [...names].sort()) {
      const id = helperId(name);
      if (!this.m.getFunction(id)) this.arch.helpers[name]!(this.m, id);
    }
  }

  /** what the module's functions tell each other once all are lifted (function-set.ts learn) */
  adopt(facts: ModuleFacts): void {
    for (const pc of facts.readsFlagsOnEntry) this.readsFlagsOnEntry.add(pc);
    this.flagsCrossCalls = facts.flagsCrossCalls;
    this.transitiveWrites = facts.clobbers;
  }
}

/** see ModuleContext: readsFlagsOnEntry, flagsCrossCalls, clobbers */
export interface ModuleFacts { readsFlagsOnEntry: Set<number>; flagsCrossCalls: boolean; clobbers: Map<number, Set<number> | undefined> }

/**
 * Fixpoint over the call graph: a function's clobbers are its own writes plus its callees';
 * anything that reaches an indirect call or jump (or a callee not in `fns`) may run any code,
 * so it clobbers everything (undefined).
 */
export function clobberSets(fns: GuestFunction[], writes: Map<number, Set<number>>): Map<number, Set<number> | undefined> {
  const state = new Map<number, Set<number> | undefined>();
  for (const fn of fns) state.set(fn.entry, fn.indirect ? undefined : new Set(writes.get(fn.entry)));
  for (let changed = true; changed;) {
    changed = false;
    for (const fn of fns) {
      const mine = state.get(fn.entry);
      if (!mine) continue;
      for (const c of fn.callees) {
        const theirs = state.get(c);
        if (!theirs) { state.set(fn.entry, undefined); changed = true; break; }
        for (const r of theirs) if (!mine.has(r)) { mine.add(r); changed = true; }
      }
    }
  }
  return state;
}

function wasmName(fn: GuestFunction): string {
  return `${fn.name.replace(/[^\w.$]/g, '_')}@${fn.entry.toString(16)}`;
}
