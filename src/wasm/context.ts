// What every function emitter shares: the module being built, function names, call clobber sets.
import type * as ir from './ir.ts';
import type { GuestFunction } from '../lift/discover.ts';
import { helperId, type Arch, type FrameRestores } from '../lift/types.ts';
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
/** `lowEnd`: under 'null' and 'pages', guest addresses below it trap (function.ts addr); `stackGuard`: where
 *  the main stack's guard begins (layout.ts STACK_GUARD), 0 when the code does not check it */
export interface Protection { mode: ProtectMode; pageTable: number; lowEnd: number; stackGuard: number }

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
    link: ExtensionLink = { tableIndex: 0, external: false }, readonly protect: Protection = { mode: 'none', pageTable: 0, lowEnd: MIN_GUEST_ADDR, stackGuard: 0 }) {
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

/** registers as bits (guest register numbers stay below 128) */
const ALL = (1n << 128n) - 1n;
const mask = (regs: Iterable<number>): bigint => { let m = 0n; for (const r of regs) m |= 1n << BigInt(r); return m; };

/**
 * Fixpoint over the call graph: a function's clobbers are its own writes plus its callees';
 * anything that reaches an indirect call or jump (or a callee not in `fns`) may run any code,
 * so it clobbers everything (undefined) — but the registers it restores (`restores`, the arch's
 * frameRestores) as it returns, whatever ran in between. A function's restores hold only while its
 * direct callees keep what it relies on (the stack and frame pointers) and its tail callees
 * restore them too: they are taken as found, then dropped where the clobbers deny them, until
 * nothing changes (a recursive function relies on itself, which holds by induction on the depth
 * of the calls that return).
 */
export function clobberSets(fns: GuestFunction[], writes: Map<number, Set<number>>, restores = new Map<number, FrameRestores | undefined>()): Map<number, Set<number> | undefined> {
  const kept = new Map<number, bigint>();
  for (const fn of fns) { const r = restores.get(fn.entry); if (r?.regs.length) kept.set(fn.entry, mask(r.regs)); }
  for (;;) {
    const sets = clobberMasks(fns, writes, kept);
    let changed = false;
    for (const [entry, regs] of kept) {
      const r = restores.get(entry)!, needs = mask(r.kept);
      let left = r.calls.some((c) => (sets.get(c) ?? ALL) & needs) ? 0n : regs;
      for (const t of r.tails) left &= ~(sets.get(t) ?? ALL);
      if (left === regs) continue;
      changed = true;
      if (left) kept.set(entry, left);
      else kept.delete(entry);
    }
    if (changed) continue;
    const out = new Map<number, Set<number> | undefined>();
    for (const [entry, m] of sets) out.set(entry, m === ALL ? undefined : new Set(registersOf(m)));
    return out;
  }
}

/** clobberSets' fixpoint for given restores */
function clobberMasks(fns: GuestFunction[], writes: Map<number, Set<number>>, kept: Map<number, bigint>): Map<number, bigint> {
  const state = new Map<number, bigint>();
  for (const fn of fns) state.set(fn.entry, (fn.indirect ? ALL : mask(writes.get(fn.entry) ?? [])) & ~(kept.get(fn.entry) ?? 0n));
  for (let changed = true; changed;) {
    changed = false;
    for (const fn of fns) {
      const mine = state.get(fn.entry)!, keep = ~(kept.get(fn.entry) ?? 0n);
      let next = mine;
      for (const c of fn.callees) next |= (state.get(c) ?? ALL) & keep;
      if (next !== mine) { state.set(fn.entry, next); changed = true; }
    }
  }
  return state;
}

function registersOf(m: bigint): number[] {
  const out: number[] = [];
  for (let r = 0; m; r++, m >>= 1n) if (m & 1n) out.push(r);
  return out;
}

function wasmName(fn: GuestFunction): string {
  return `${fn.name.replace(/[^\w.$]/g, '_')}@${fn.entry.toString(16)}`;
}
