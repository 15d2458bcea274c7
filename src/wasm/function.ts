// Emits one guest function as one Wasm function.
//
// Guest registers live in Wasm locals. The state block in memory is the truth at every
// boundary: before a call, a syscall, an indirect branch or a return, the function stores the
// registers that may be dirty there (written since the entry or the last call or syscall, all of
// which leave locals and state block alike); after a call it reloads what the callee may have
// written and is still needed. Each entry point loads only the registers live there.
// Every Wasm frame resumes after a call only if the guest PC is the expected return address,
// otherwise it returns too and the dispatcher continues: that is what makes longjmp, unwinding
// and deep recursion (see `callDepthLimit`) correct without trusting the Wasm call stack.
import * as ir from './ir.ts';
import { instructionCount, type Block, type GuestFunction } from '../lift/discover.ts';
import type { Arch, Builder, Expr, Insn } from '../lift/types.ts';
import { TrapKind } from '../meta.ts';
import { IMPORT, PAGE_SHIFT, PAGE_TABLE_WRITE, PREEMPT_INTERVAL, PSEUDO_SYSCALL } from '../abi.ts';
import { ADDR_LIMIT, MIN_GUEST_ADDR, PAGE_SIZE, STACK_GUARD, STATE } from '../runtime/layout.ts';
import type { ModuleContext } from './context.ts';
import { trapsInEngine } from '../translate-options.ts';
import { structure } from './structure.ts';
import { loopHeads, REENTRY_INTERVAL } from './reentry.ts';
import { dirtiness, graph, liveness, type BlockUse, type DirtyBlock, type Graph, type LiveBlock } from './liveness.ts';
import { mapped, objects } from '../lift/arrays.ts';
import { cfgNode, condExit, gotoExit, NO_TARGETS, noExit, switchExit, type CfgNode, type Exit } from './cfg.ts';

const FAULT_LABEL = 'fault';
/** Builder.version's key for guest memory (registers are numbered from 0) */
const MEMORY = -1;
/** the guest's address range under protect 'bounds' (MIN_GUEST_ADDR up, as much left out at the top for offsets) */
const BOUNDS_LO = MIN_GUEST_ADDR, BOUNDS_HI = ADDR_LIMIT - MIN_GUEST_ADDR;

type Item = Expr | (() => Expr);

/** accesses under 'pages' through one base (FunctionBuilder.pageGroups) */
interface PageGroup {
  /** the base's token (addressBase) when the group began */
  token: string;
  /** the first access's offset from the base, whether it writes, and the lowest and highest offset of the group's accesses */
  first: number;
  write: boolean;
  lo: number;
  hi: number;
  /** the lowest and highest offsets of the group's reads and of its writes */
  reads?: [number, number];
  writes?: [number, number];
  /** the table byte (of its write half for `write`) of the first access's address plus a difference */
  byte: (delta: number, write: boolean) => Expr;
  /** an i32 block ORed into the first access's address: the table bytes of its page and of the group's lowest and highest */
  bytes: Expr;
}

/** the registers a block reads and writes (liveness.ts), whether it may write memory, the base registers of its loads */
interface BlockEffects extends BlockUse {
  start: number;
  stores: boolean;
  loadBases: Set<number>;
  /** registers written since the block's last clean point (a call or syscall), or since its start */
  since: Set<number>;
  /** the block has a clean point: it leaves dirty only `since` */
  cleaned: boolean;
  /** the block ends in a call, direct to `target` or indirect (undefined): its reload writes registers */
  call?: { target: number | undefined };
  /** what the block had written at its first checked access (the fault block stores the write set) */
  fault?: Set<number>;
}

/**
 * A flush as reached from one block: how many registers the block had written before it (the
 * first `before` of `fx.regs`, which keeps the order of first writes), and which since its last clean point.
 */
interface Site { fx: BlockEffects; before: number; since: ReadonlySet<number>; cleaned: boolean }

const NONE: ReadonlySet<number> = new Set();

/**
 * a boundary's stores: where they are reached from (a tail stub is shared), whether NZCV goes
 * too; `regs` once known. A shared dispatch's (shareDispatch): `only` those its jumps leave
 * dirty, and at each jump, the others (`leave` those).
 */
interface FlushPoint { from: Site[]; flags: () => boolean; regs?: number[]; only?: ReadonlySet<number>; leave?: ReadonlySet<number> }

/** the jumps sharing a dispatch node: each one's block and its stores before it goes there */
interface DispatchGroup { lead: IndirectTerm; jumps: { start: number; stores: FlushPoint }[] }

interface PendingBlock { start: number; items: Item[]; term: Terminator; from?: Site[] }

type Terminator =
  | { kind: 'goto'; to: number }
  | { kind: 'cond'; cond: number; to: number; tail: boolean; next: number }
  /**
   * indirect jump: to one of `targets` (blocks of this function) if `value` (the guest PC) is one,
   * else through the dispatcher; `dense`: switch on the local `index` (see pcIndex); `derive`:
   * the code that computes the switch's locals from the target (a re-entry at the dispatch runs it again)
   */
  | { kind: 'switch'; value: number; targets: number[]; dense?: { index: number; base: number }; point: FlushPoint; derive: () => Expr[] }
  /** computed goto to entry points too spread out for a dense switch: `value` holds this function's entry index for the target, or -1 */
  | { kind: 'entries'; value: number; target: number; point: FlushPoint; derive: () => Expr[] }
  | { kind: 'none' };
/** an indirect jump's terminator */
type IndirectTerm = Extract<Terminator, { kind: 'switch' | 'entries' }>;

/**
 * Terminators, made only by these: every field in one order (a kind's missing ones as
 * placeholders), one hidden class for all kinds, as cfg.ts makes exits, so that the code reading
 * them stays monomorphic (five kinds of six shapes made V8 compile it again)
 */
const termOf = (kind: Terminator['kind'], to: number, cond: number, tail: boolean, next: number, value: number, targets: number[],
  dense: { index: number; base: number } | undefined, point: FlushPoint | undefined, derive: (() => Expr[]) | undefined, target: number): Terminator =>
  ({ kind, to, cond, tail, next, value, targets, dense, point, derive, target }) as Terminator;
const gotoTerm = (to: number): Terminator => termOf('goto', to, -1, false, -1, -1, NO_TARGETS, undefined, undefined, undefined, -1);
const condTerm = (cond: number, to: number, tail: boolean, next: number): Terminator =>
  termOf('cond', to, cond, tail, next, -1, NO_TARGETS, undefined, undefined, undefined, -1);
const switchTerm = (value: number, targets: number[], dense: { index: number; base: number } | undefined, point: FlushPoint, derive: () => Expr[]): Terminator =>
  termOf('switch', -1, -1, false, -1, value, targets, dense, point, derive, -1);
const entriesTerm = (value: number, target: number, point: FlushPoint, derive: () => Expr[]): Terminator =>
  termOf('entries', -1, -1, false, -1, value, NO_TARGETS, undefined, point, derive, target);
/** the terminator of a block that never goes on to another (never changed: shared) */
const NO_TERM = termOf('none', -1, -1, false, -1, -1, NO_TARGETS, undefined, undefined, undefined, -1);

/** widest PC range (in instructions) switched on with one br_table */
const MAX_DENSE_SPAN = 1 << 14;

const wasmType = (t: string) => (t === 'i64' ? ir.i64 : t === 'i32' ? ir.i32 : ir.v128);

export class FunctionEmitter implements Builder {
  readonly m: ir.Module;
  pc = 0;
  scratch = new Map<string, unknown>();
  /** guest registers this function reads / writes anywhere (its write set is what it flushes) */
  readonly reads = new Set<number>();
  readonly writes = new Set<number>();
  /** Wasm locals after parameter 0 (the entry index) */
  private readonly localTypes: ir.Type[] = [];
  private readonly regLocal = new Map<number, number>();
  /** regLocal backwards: the guest register a local holds */
  private readonly localReg = new Map<number, number>();
  /** temps by type, shared by all blocks: a temp never lives past its block (see `temp`) */
  private readonly tempPool: number[][] = [];
  /** by type, how many of the pool the current block uses */
  private tempsUsed: number[] = [];
  private items: Item[] = [];
  private readonly blocks: PendingBlock[] = objects();
  private readonly tailStubs = new Map<number, PendingBlock>();
  /** an indirect jump with no resolved table: the function may re-enter itself mid-way */
  private computedGoto = false;
  /** NZCV is read before written on some path from an entry point (hand-written code: see homed) */
  flagsLiveIn = false;
  /** NZCV is read before written where one of this function's calls returns (see ModuleContext.flagsCrossCalls) */
  flagsAtReturn = false;
  /** NZCV is read before written at the function's own entry */
  flagsAtEntry = false;
  /** where this function's calls return to */
  private readonly returnSites: number[] = [];

  constructor(readonly ctx: ModuleContext, readonly fn: GuestFunction, readonly arch: Arch) {
    this.m = ctx.m;
    this.flagSet = new Set(arch.flagRegs);
  }

  // ---- Builder ----
  get(reg: number): Expr {
    this.reads.add(reg);
    if (!this.blockEffects.regs.has(reg)) this.blockEffects.gen.add(reg);
    return this.m.local.get(this.regIndex(reg), this.regType(reg));
  }
  set(reg: number, value: Expr): void {
    this.writes.add(reg);
    this.blockEffects.regs.add(reg);
    this.blockEffects.since.add(reg);
    // before the bump: `value` may read the register's old value
    const highZero = this.regType(reg) === ir.v128 && this.m.highZero(value, this.highZeroLocal);
    this.bump(reg);
    if (highZero) this.highZeroAt.set(reg, this.version(reg));
    this.checkedBases.delete(reg);
    if (reg === this.arch.spReg && this.ctx.protect.stackGuard) value = this.guardStack(value);
    this.items.push(this.m.local.set(this.regIndex(reg), value));
  }
  /**
   * A new stack pointer that lies in the main stack's guard is SIGSEGV at that address: the
   * stack overflowed. Linux faults at the first access there instead; an overflow stops at the
   * guard either way, where unchecked accesses ('null') would go on through the data below it.
   * Not through the fault block: its register flush made whole runs ~6 % slower, and under 'null'
   * a handler makes the process run checked code (checkFaults), so the fault reaches none but in
   * frames left on the stack from before that switch (it then sees the registers of the last boundary).
   */
  private guardStack(sp: Expr): Expr {
    const m = this.m, t = this.temp(ir.i64), at = () => m.local.get(t, ir.i64);
    const inGuard = m.i64.lt_u(m.i64.sub(at(), this.i64(this.ctx.protect.stackGuard)), this.i64(STACK_GUARD));
    const fault = m.block(null, [m.call(IMPORT.fault, [at(), this.i64(this.pc)], ir.none), m.unreachable()]);
    return m.block(null, [m.local.set(t, sp), m.hint(m.if(inGuard, fault), false), at()], ir.i64);
  }
  emit(stmt: Expr): void { this.items.push(stmt); }
  /**
   * Temps are block-local (set and read within one block, or by its terminator's branches), so
   * every block reuses the same ones: fewer locals make V8's optimising compiler, which runs when
   * a function is first called, several times faster on large functions (printf's 1000 → ~100).
   */
  temp(type: ir.Type, value?: Expr): number {
    const pool = (this.tempPool[type] ??= []);
    const used = this.tempsUsed[type] ?? 0;
    this.tempsUsed[type] = used + 1;
    if (used === pool.length) pool.push(this.newLocal(type));
    const t = pool[used]!;
    if (value !== undefined) {
      this.items.push(this.m.local.set(t, value));
      this.fixedTemps.add(t);
    }
    return t;
  }
  /** temps of this block set once, where they were made (temp with a value): access bases that keep their value */
  private readonly fixedTemps = new Set<number>();
  /** see Builder.checksPages */
  get checksPages(): boolean { const mode = this.ctx.protect.mode; return mode !== 'null' && mode !== 'none'; }
  /** see Builder.offset */
  offset(write = false): number {
    const protect = this.ctx.protect;
    return !trapsInEngine(protect.mode) ? 0 : write ? protect.storeEnd : protect.lowEnd;
  }
  /**
   * The Wasm address of a guest access, checked as the module's memory protection says (see
   * TranslateOptions.protect). A refused access branches to the function's fault block with the
   * address and this PC (see faultBlock).
   * - 'full': the page table says whether the page may be read (written); an address of 2^32 or
   *   more always faults. Only the first byte's page is checked: an access straddling into a
   *   protected page is not caught.
   * - 'bounds': the address must lie in [MIN_GUEST_ADDR, 2^32 - MIN_GUEST_ADDR): the null page,
   *   the runtime's low area and 64-bit addresses fault. A base register checked by an earlier
   *   instruction of the same block is not checked again while it keeps its value: its small
   *   offsets (< 4 KiB either way) cannot leave the guest's range by more than they reach.
   * - 'null': no check; the address less the protection's lowEnd, used at offset(write) (that
   *   lowEnd): the address itself unless it lies below lowEnd, where it is 2^32 more, beyond any
   *   Wasm memory, so the engine traps (SIGSEGV for the guest) at the price of one add. A store's
   *   is less storeEnd instead, which lies above the executable's .text and .rodata: stores
   *   there trap alike
   * - 'pages': as 'null', with the page's byte of the page table ORed in, sign-extended: all ones
   *   where the page table refuses the access, which the engine's bounds check then traps on too
   *   (a load and an OR more per access, no branch). The index needs no add of its own: lowEnd
   *   is whole pages, so the table is read lowEnd's pages further on (an address below lowEnd
   *   reads past the table, but is beyond the memory whatever it ORs in). Accesses relative to
   *   the stack pointer are not checked: its writes are (guardStack). Accesses through one base
   *   in a block share a check (pageChecked).
   * - 'none': the address as it is
   */
  addr(a: Expr, write = false): Expr {
    const m = this.m, protect = this.ctx.protect;
    if (write) this.blockEffects.stores = true;
    else {
      const base = this.baseRegister(a);
      if (base !== undefined) this.blockEffects.loadBases.add(base);
    }
    if (write) this.bump(MEMORY);
    if (protect.mode === 'none') return m.i32.wrap(a);
    if (trapsInEngine(protect.mode)) {
      const shifted = this.lessLowEnd(a, this.offset(write));
      if (protect.mode === 'null') return shifted;
      // the stack pointer's writes are checked against the main stack's guard (guardStack)
      if (this.baseRegister(a) === this.arch.spReg) return shifted;
      return this.pageChecked(a, shifted, write);
    }
    const base = protect.mode === 'bounds' ? this.baseRegister(a) : undefined;
    if (base !== undefined) {
      const at = this.checkedBases.get(base);
      if (at !== undefined && at !== this.pc) return m.i32.wrap(a);
      this.checkedBases.set(base, this.pc);
    }
    this.blockEffects.fault ??= new Set(this.blockEffects.regs); // a refused access stores the registers (faultBlock)
    const f = this.faultLocals();
    const full = () => m.local.get(f.addr, ir.i64);
    const toFault = () => this.toFault(m.local.set(f.pc, this.i64(this.pc)));
    if (protect.mode === 'bounds') {
      const outside = m.i64.ge_u(m.i64.sub(full(), this.i64(BOUNDS_LO)), this.i64(BOUNDS_HI - BOUNDS_LO));
      return m.block(null, [m.local.set(f.addr, a), m.hint(m.if(outside, toFault()), false), m.i32.wrap(full())], ir.i32);
    }
    const low = () => m.local.get(f.low, ir.i32);
    const denied = m.i32.load8_u(protect.pageTable + (write ? PAGE_TABLE_WRITE : 0), 1, m.i32.shr_u(low(), m.i32.const(PAGE_SHIFT)));
    const beyond = m.i64.ne(m.i64.shr_u(full(), this.i64(32)), this.i64(0));
    return m.block(null, [
      m.local.set(f.addr, a),
      m.local.set(f.low, m.i32.wrap(full())),
      m.hint(m.if(m.i32.or(beyond, denied), toFault()), false),
      low(),
    ], ir.i32);
  }
  /**
   * the address less `lowEnd` modulo 2^32: a base plus a constant (an immediate offset) folds into
   * the subtracted constant, one 64-bit add less per access
   */
  private lessLowEnd(a: Expr, lowEnd: number): Expr {
    const m = this.m;
    const info = m.describe(a);
    if (info.kind === 'i64.add') {
      const c = m.describe(info.right);
      if (c.kind === 'i64.const' && c.value >= -0x80000000n && c.value < 0x80000000n) {
        return m.i32.sub(m.i32.wrap(info.left), m.i32.const(lowEnd - Number(c.value)));
      }
    }
    return m.i32.sub(m.i32.wrap(a), m.i32.const(lowEnd));
  }
  /**
   * The state block is the whole guest state at a trap, as at a syscall: the guest's SIGILL or
   * SIGTRAP handler gets the registers of the trapping instruction. If it returns (or
   * siglongjmps), STATE.pc says where the process goes on: this function returns, its callers
   * see an unexpected PC and return too, and the dispatcher goes on there.
   */
  trap(kind: number, info: number | bigint): void {
    if (this.pageGroups.size) this.pageGroups.clear(); // what follows a trap runs only if the handler goes on there
    this.items.push(this.flushHere(() => true));
    this.items.push(this.m.call('trap', [this.m.i32.const(kind), this.i64(this.pc), this.i64(info)], ir.none));
    this.items.push(this.m.return());
  }
  syscall(nr: Expr, args: Expr[]): Expr {
    this.bump(MEMORY);
    this.blockEffects.stores = true;
    const a = [...args];
    while (a.length < 6) a.push(this.i64(0));
    // The state block is the whole guest state at a syscall, NZCV included: the interrupted
    // context if a signal handler runs before it returns, and where a process resumes from the
    // dispatcher after the syscall unwound it or forked it (runtime/kernel.ts).
    this.items.push(this.flushHere(() => true));
    this.clean();
    if (this.pageGroups.size) this.pageGroups.clear(); // the syscall may change mappings: later accesses are checked anew
    return this.m.call('syscall', [nr, ...a, this.i64(this.pc)], ir.i64);
  }
  helper(name: string): string { return this.ctx.helper(name); }
  invalidateCode(addr: Expr): void { this.items.push(this.m.call('icache', [addr], ir.none)); }

  /** see Builder.version: per register, and guest memory as MEMORY */
  private readonly versions = new Map<number, number>();
  version(reg = MEMORY): number { return this.versions.get(reg) ?? 0; }
  private bump(reg: number): void { this.versions.set(reg, this.version(reg) + 1); }

  /** see Builder.zeroHigh */
  zeroHigh(v: Expr): Expr {
    return this.m.highZero(v, this.highZeroLocal) ? v : this.m.i64x2.replace_lane(v, 1, this.i64(0));
  }
  /** vector registers whose upper 64 bits this block wrote as zero, with the version it did */
  private readonly highZeroAt = new Map<number, number>();
  private readonly highZeroLocal = (index: number): boolean => {
    const r = this.localReg.get(index);
    return r !== undefined && this.highZeroAt.get(r) === this.version(r);
  };

  /** registers checked as access bases in this block, with the PC of the instruction that checked them */
  private readonly checkedBases = new Map<number, number>();

  /** the guest register `a` reads, if `a` is that register or it plus a constant below 4 KiB */
  private baseRegister(a: Expr): number | undefined {
    const base = this.baseOf(a);
    return base && this.localReg.get(base.local);
  }
  /** the local `a` reads and the constant it adds (below 4 KiB either way), if it is one of those */
  private baseOf(a: Expr): { local: number; off: number } | undefined {
    let info = this.m.describe(a), off = 0;
    if (info.kind === 'i64.add') {
      const c = this.m.describe(info.right);
      if (c.kind !== 'i64.const' || c.value >= 4096n || c.value <= -4096n) return undefined;
      off = Number(c.value);
      info = this.m.describe(info.left);
    }
    return info.kind === 'local.get' ? { local: info.index, off } : undefined;
  }

  /**
   * Accesses of this block under 'pages' through one base that keeps its value (a guest register
   * until it is written, a temp set once; or two such locals added), by that base's key: the
   * first is checked (pageChecked), and so are, at that first access, the pages the later ones reach.
   */
  private readonly pageGroups = new Map<string, PageGroup>();

  /**
   * A 'pages' access (see addr): the address `shifted` (less lowEnd) ORed with its page's byte of
   * the table. An access through the base of an earlier checked one in this block, less than a
   * page from all of that base's accesses, goes unchecked: its page is the page of the lowest or
   * highest offset of the group's reads (of its writes, for a write), whose table bytes the
   * group's first access ORs in as well (the writes' from the write half). A wrong
   * access then traps at the group's first, earlier, access: without a handler, where these traps
   * are the only faults, the process dies as it would a few instructions later (no syscall, call
   * or trap lies between: they end the groups).
   */
  private pageChecked(a: Expr, shifted: Expr, write: boolean): Expr {
    const m = this.m, base = this.addressBase(a);
    const g = base && this.pageGroups.get(base.key);
    if (base && g && g.token === base.token && this.extendGroup(g, base.off, write)) return shifted;
    const t = this.temp(ir.i32), first = base?.off ?? 0, protect = this.ctx.protect;
    const byte = (delta: number, w: boolean) => {
      const index = m.i32.shr_u(delta ? m.i32.add(m.local.get(t, ir.i32), m.i32.const(delta)) : m.local.get(t, ir.i32), m.i32.const(PAGE_SHIFT));
      return m.i32.load8_s(protect.pageTable + (w ? PAGE_TABLE_WRITE : 0) + (protect.lowEnd >>> PAGE_SHIFT), 1, index);
    };
    const bytes = m.block(null, [byte(0, write)], ir.i32);
    const range: [number, number] = [first, first];
    if (base) this.pageGroups.set(base.key, { token: base.token, first, write, lo: first, hi: first, ...(write ? { writes: range } : { reads: range }), byte, bytes });
    return m.i32.or(m.local.tee(t, shifted, ir.i32), bytes);
  }
  /**
   * Whether `g` can cover an access at `off`: it then reaches it (its first access ORs in the
   * table bytes of the lowest and highest offsets of the group's reads, and of its writes from the
   * write half: `bytes` is rebuilt). Those are read at the first access's address plus a
   * difference, which below lowEnd reads past the table (up to a page of entries) where a byte may
   * be anything: each is made 0 or all ones by its sign.
   */
  private extendGroup(g: PageGroup, off: number, write: boolean): boolean {
    const lo = Math.min(g.lo, off), hi = Math.max(g.hi, off);
    if (hi - lo >= PAGE_SIZE) return false;
    const kind = write ? 'writes' : 'reads', had = g[kind], within = (r?: [number, number]) => r !== undefined && r[0] <= off && off <= r[1];
    if (within(had) || (!write && within(g.writes))) return true;
    g.lo = lo; g.hi = hi;
    g[kind] = had ? [Math.min(had[0], off), Math.max(had[1], off)] : [off, off];
    // each end once, a read's not where a write's is (write implies read), the first access's own byte aside
    const ends = new Map<number, boolean>();
    for (const w of [true, false]) for (const o of g[w ? 'writes' : 'reads'] ?? []) if (!ends.has(o)) ends.set(o, w);
    if (ends.get(g.first) === g.write) ends.delete(g.first);
    const m = this.m, more = [...ends].map(([o, w]) => g.byte(o - g.first, w));
    const own = g.byte(0, g.write);
    m.setChild(g.bytes, 0, more.length ? m.i32.or(own, m.i32.shr_s(more.reduce((x, y) => m.i32.or(x, y)), m.i32.const(7))) : own);
    return true;
  }
  /**
   * The base of a guest address that keeps its value in this block, with the constant `a` adds
   * to it: a local, or two locals added (a register offset), each a guest register (its version
   * then says it has not changed) or a temp set once (temp with a value).
   */
  private addressBase(a: Expr): { key: string; token: string; off: number } | undefined {
    const base = this.baseOf(a);
    if (base) {
      const token = this.localToken(base.local);
      return token === undefined ? undefined : { key: `${base.local}`, token: `${token}`, off: base.off };
    }
    const info = this.m.describe(a);
    if (info.kind !== 'i64.add') return undefined;
    const l = this.m.describe(info.left), r = this.m.describe(info.right);
    if (l.kind !== 'local.get' || r.kind !== 'local.get') return undefined;
    const tl = this.localToken(l.index), tr = this.localToken(r.index);
    return tl === undefined || tr === undefined ? undefined : { key: `${l.index}+${r.index}`, token: `${tl},${tr}`, off: 0 };
  }
  /** what keeps a local's value in this block: its guest register's version, or -1 for a temp set once; undefined if neither */
  private localToken(local: number): number | undefined {
    const reg = this.localReg.get(local);
    if (reg !== undefined) return this.version(reg);
    return this.fixedTemps.has(local) ? -1 : undefined;
  }

  private faults?: { addr: number; low: number; pc: number };
  /** blocks whose child 1 becomes `br $fault` once the body is rendered (see toFault) */
  private readonly faultExits: Expr[] = [];

  /**
   * `setPc` then a branch to the fault block. The Relooper compares block contents and cannot
   * follow a branch to a label outside them, so the branch is a placeholder until rendering.
   */
  private toFault(setPc: Expr): Expr {
    const blk = this.m.block(null, [setPc, this.m.unreachable()]);
    this.faultExits.push(blk);
    return blk;
  }
  /** locals of the access check: the address, its low 32 bits, the faulting PC */
  private faultLocals() {
    return this.faults ??= { addr: this.newLocal(ir.i64), low: this.newLocal(ir.i32), pc: this.newLocal(ir.i64) };
  }

  /**
   * Where refused accesses go: the registers as they were before the faulting instruction (its
   * check comes before any of its effects) are stored with PC, and the runtime delivers the
   * signal. NZCV is not stored: compiled code keeps it in locals only (see homed), and keeping
   * every flag computation alive for the fault path would slow every access down; a handler that
   * returns to retry sees NZCV as of the function's last boundary. If a handler returns (or the
   * runtime otherwise resumes), STATE.pc says where: this function returns, its callers see an
   * unexpected PC and return too, and the dispatcher goes on there (mid-function PCs are lifted
   * at run time).
   */
  private faultBlock(body: Expr): Expr {
    const m = this.m, f = this.faults;
    if (!f) return body;
    for (const blk of this.faultExits) m.setChild(blk, 1, m.br(FAULT_LABEL));
    return m.block(null, [
      m.block(FAULT_LABEL, [body, m.return()]),
      this.flushRegs(this.homed(this.writes)),
      m.i64.store(0, 8, m.i32.const(STATE.pc), m.local.get(f.pc, ir.i64)),
      m.call(IMPORT.fault, [m.local.get(f.addr, ir.i64), m.local.get(f.pc, ir.i64)], ir.none),
    ]);
  }

  private newLocal(type: ir.Type): number {
    this.localTypes.push(type);
    return this.localTypes.length; // param 0 is the entry index
  }

  // ---- lifting ----
  private i64(v: number | bigint) { return ir.i64Const(this.m, v); }
  private regType(reg: number) { return wasmType(this.arch.registers[reg]!.type); }
  private regIndex(reg: number): number {
    let i = this.regLocal.get(reg);
    if (i === undefined) { i = this.newLocal(this.regType(reg)); this.regLocal.set(reg, i); this.localReg.set(i, reg); }
    return i;
  }

  /** guest instructions in this function */
  get size(): number { return instructionCount(this.fn); }

  /** Phase 1: lift every block; calls' register traffic is left as thunks until write sets are known. */
  lift(): void {
    for (const blk of [...this.fn.blocks.values()].sort((a, b) => a.start - b.start)) this.liftBlock(blk);
    // A function with a computed goto homes NZCV (see homed): it leaves through the dispatcher
    // with the flags its entry loaded, so whoever branches or falls into it must store them.
    this.flagsLiveIn = this.flagLiveness() || this.computedGoto;
  }

  /** whether some entry point's block may read NZCV before writing it (backward liveness over the blocks) */
  private flagLiveness(): boolean {
    const liveIn = liveness(this.liveBlocks(), this.arch.registers.length, this.arch.flagRegs, this.graph());
    for (const pb of this.blocks) {
      const live = liveIn(pb.start);
      if (live.length) this.flagsLiveAt.set(pb.start, new Set(live));
    }
    const reads = (pc: number) => (this.flagsLiveAt.get(pc)?.size ?? 0) > 0;
    // after a call that never returns, compilers put code that only branches reach, with NZCV in locals
    this.flagsAtReturn = this.returnSites.some((pc) => !this.fn.deadReturns?.has(pc) && reads(pc));
    this.flagsAtEntry = reads(this.fn.entry);
    return this.fn.entries.some(reads);
  }

  /** the blocks as liveness.ts sees them */
  private liveBlocks(): LiveBlock[] {
    return mapped(this.blocks, (pb) => ({ start: pb.start, use: this.effects.get(pb.start)! }));
  }

  /** the blocks' graph, for the flags' liveness when lifted and the dataflow when finished (terminators do not change in between) */
  private graph(): Graph {
    return this.blockGraph ??= graph(mapped(this.blocks, (pb) => ({ start: pb.start, succ: this.successors(pb) })));
  }
  private blockGraph?: Graph;

  private successors(pb: PendingBlock): number[] {
    const t = pb.term;
    if (t.kind === 'goto') return [t.to];
    if (t.kind === 'cond') return [t.to, t.next];
    if (t.kind === 'switch') return t.targets;
    if (t.kind === 'entries') return this.fn.entries;
    return [];
  }

  /** the flags each block may read before writing them */
  private flagsLiveAt = new Map<number, Set<number>>();

  private liftBlock(blk: Block): void {
    this.items = [];
    this.tempsUsed = [];
    // clear() only what holds something: it allocates a new table even for an empty Map or Set
    // (five per block, 15 MB of garbage for a static glibc hello)
    if (this.scratch.size) this.scratch.clear();
    if (this.checkedBases.size) this.checkedBases.clear();
    if (this.pageGroups.size) this.pageGroups.clear();
    if (this.fixedTemps.size) this.fixedTemps.clear();
    if (this.highZeroAt.size) this.highZeroAt.clear();
    this.blockEffects = newEffects(blk.start);
    this.effects.set(blk.start, this.blockEffects);
    const last = blk.insns[blk.insns.length - 1]!;
    for (let k = 0; k < blk.insns.length; k++) { // indexed: lifting runs mostly in the engine's baseline tier
      const insn = blk.insns[k]!;
      this.pc = insn.pc;
      const r = this.arch.lift(insn, this);
      if (insn === last) return this.terminate(blk, insn, r ?? undefined);
    }
  }

  private terminate(blk: Block, insn: Insn, r: Expr | undefined): void {
    const m = this.m, fl = insn.flow, items = this.items;
    const finish = (term: Terminator): void => { this.blocks.push({ start: blk.start, items, term, from: undefined }); };
    const next = blk.next;
    switch (fl.kind) {
      case 'fall':
        return finish(this.continueAt(items, next ?? insn.pc + 4));
      case 'jump':
        if (this.fn.blocks.has(fl.target)) return finish(gotoTerm(fl.target));
        items.push(...this.tailCall(fl.target));
        return finish(NO_TERM);
      case 'cond': {
        const c = this.temp(ir.i32);
        items.push(m.local.set(c, r!));
        const local = this.fn.blocks.has(fl.target);
        if (!local) this.tailStub(fl.target);
        if (!this.fn.blocks.has(next!) && (this.ctx.functionName(next!) || this.ctx.link.external)) this.tailStub(next!);
        return finish(condTerm(c, fl.target, !local, next!));
      }
      case 'call':
        this.blockEffects.stores = true; // the callee may
        items.push(...this.call(m.i64.const(BigInt(fl.target)), fl.target, next!));
        return finish(this.continueAt(items, next!));
      case 'icall': {
        this.blockEffects.stores = true;
        const t = this.temp(ir.i64);
        items.push(m.local.set(t, r!));
        items.push(...this.call(m.local.get(t, ir.i64), undefined, next!));
        return finish(this.continueAt(items, next!));
      }
      case 'ret': {
        items.push(this.flushHere(), m.i64.store(0, 8, m.i32.const(STATE.pc), r!), m.return());
        return finish(NO_TERM);
      }
      case 'ijump': {
        const t = this.temp(ir.i64);
        items.push(m.local.set(t, r!));
        // whatever the jump's targets, the dispatcher takes the others; the target may be
        // hand-written code reading NZCV set before the branch
        const point = this.flushPoint(() => true), flush = () => this.flushRegs(point.regs!);
        if (blk.tailTargets) {
          // an IFUNC's implementations (discover.ts resolveIfuncJumps): a tail call to the one it is
          for (const target of blk.tailTargets) {
            const call = this.tailCall(target);
            items.push(() => m.if(m.i64.eq(m.local.get(t, ir.i64), this.i64(target)), m.block(null, call.map((it) => (typeof it === 'function' ? it() : it)))));
          }
          items.push(...this.indirectJump(t, flush));
          return finish(NO_TERM);
        }
        const targets = (blk.jumpTable ?? []).filter((x) => this.fn.blocks.has(x));
        if (targets.length) {
          const { dense, derive } = this.pcIndex(t, targets);
          items.push(...derive());
          return finish(switchTerm(t, targets, dense, point, derive));
        }
        // A computed goto (or a table we could not read): if the target is one of this function's
        // entry points, branch there directly (by its address, or by the dispatch table's entry
        // index in very large functions); anything else leaves through the dispatcher. Such
        // functions re-enter themselves, so NZCV is homed.
        this.computedGoto = true;
        const { dense, derive } = this.pcIndex(t, this.fn.entries);
        if (dense) {
          items.push(...derive());
          return finish(switchTerm(t, this.fn.entries, dense, point, derive));
        }
        const slot = this.temp(ir.i32), e = this.temp(ir.i32);
        const slotGet = () => m.local.get(slot, ir.i32);
        const entryIndex = () => [
          m.local.set(slot, m.call('lookup', [m.i32.wrap(m.local.get(t, ir.i64))], ir.i32)),
          m.local.set(e, m.if(
            m.i32.and(m.i32.ne(slotGet(), m.i32.const(0)), m.i32.eq(m.i32.load(4, 4, slotGet()), m.i32.const(this.ctx.functionIndex(this.fn.entry)))),
            m.i32.load(8, 4, slotGet()), m.i32.const(-1))),
        ];
        items.push(...entryIndex());
        return finish(entriesTerm(e, t, point, entryIndex));
      }
      case 'stop':
        items.push(m.unreachable());
        return finish(NO_TERM);
    }
  }

  /**
   * A dense switch index for a jump to one of `targets`: (pc - lowest target) rotated right by
   * the instruction alignment, so that a misaligned or out-of-range PC becomes a large value,
   * clamped to the span (the default). One compare and a br_table instead of a compare chain
   * or a hash lookup. No `dense` (and `derive` does nothing) when the targets spread too far or
   * too thinly: V8's compile time grows with the table (printf's 16 computed gotos over 2000
   * instructions cost it 0.2 s).
   */
  private pcIndex(value: number, targets: number[]): { dense?: { index: number; base: number }; derive: () => Expr[] } {
    const m = this.m, align = this.arch.insnAlignLog2;
    const base = Math.min(...targets), span = (Math.max(...targets) - base) / 2 ** align + 1;
    if (span > MAX_DENSE_SPAN || span > 16 * targets.length + 64) return { derive: () => [] };
    const rot = this.temp(ir.i64), index = this.temp(ir.i32);
    const rotGet = () => m.local.get(rot, ir.i64);
    const derive = () => [
      m.local.set(rot, m.i64.rotr(m.i64.sub(m.local.get(value, ir.i64), this.i64(base)), this.i64(align))),
      m.local.set(index, m.select(m.i64.lt_u(rotGet(), this.i64(span)), m.i32.wrap(rotGet()), m.i32.const(span))),
    ];
    return { dense: { index, base }, derive };
  }

  /** straight-line continuation: a local block, another function (tail call), or a trap */
  private continueAt(items: Item[], pc: number): Terminator {
    if (this.fn.blocks.has(pc)) return gotoTerm(pc);
    if (this.ctx.functionName(pc) || this.ctx.link.external) items.push(...this.tailCall(pc));
    else return this.fellOff(items, pc);
    return NO_TERM;
  }

  /** control runs past the last decodable instruction: a clean trap naming the address */
  private fellOff(items: Item[], pc: number): Terminator {
    items.push(this.m.call('trap', [this.m.i32.const(TrapKind.UnknownTarget), this.i64(pc), this.i64(pc)], ir.none), this.m.unreachable());
    return NO_TERM;
  }

  /** a conditional tail call's code, shared by the blocks that branch to `target` */
  private tailStub(target: number): void {
    const stub = this.tailStubs.get(target);
    if (stub) { stub.from!.push(this.site()); return; }
    const from = [this.site()];
    this.tailStubs.set(target, { start: target, items: this.tailCall(target, from), term: NO_TERM, from });
  }

  private tailCall(target: number, from = [this.site()]): Item[] {
    const m = this.m;
    const callee = this.ctx.functionName(target);
    const setPc = m.i64.store(0, 8, m.i32.const(STATE.pc), this.i64(target));
    if (callee) return [this.flushHere(() => this.ctx.flagsLiveIn(target), from), setPc, m.return_call(callee, [m.i32.const(0)], ir.none)];
    if (this.ctx.link.external) return [this.flushHere(() => true, from), setPc, m.return_call('dispatch', [], ir.none)];
    return [this.flushHere(undefined, from), setPc, m.call('trap', [m.i32.const(TrapKind.UnknownTarget), this.i64(this.pc), this.i64(target)], ir.none), m.unreachable()];
  }

  /** direct (`target` known) or indirect call, resuming at `ret` only if the guest returns there */
  private call(targetExpr: Expr, target: number | undefined, ret: number): Item[] {
    const m = this.m, ctx = this.ctx;
    this.returnSites.push(ret);
    const depth = () => m.global.get('depth', ir.i32);
    const out: Item[] = [this.flushHere(), m.i64.store(0, 8, m.i32.const(STATE.pc), targetExpr)];
    // Too deep for the Wasm stack: unwind to the dispatcher, which resumes at the callee.
    out.push(m.hint(m.if(m.i32.ge_u(depth(), m.i32.const(ctx.callDepthLimit)), m.return()), false));
    out.push(m.global.set('depth', m.i32.add(depth(), m.i32.const(1))));
    const callee = target !== undefined ? ctx.functionName(target) : undefined;
    if (callee) out.push(m.call(callee, [m.i32.const(0)], ir.none));
    else out.push(m.call('dispatch', [], ir.none));
    out.push(m.global.set('depth', m.i32.sub(depth(), m.i32.const(1))));
    out.push(m.hint(m.if(m.i64.ne(m.i64.load(0, 8, m.i32.const(STATE.pc)), this.i64(ret)), m.return()), false));
    const fx = this.blockEffects;
    fx.call = { target: callee ? target : undefined };
    out.push(() => this.reload(fx, ret));
    this.clean();
    return out;
  }

  private indirectJump(t: number, flush: () => Expr): Item[] {
    const m = this.m;
    return [flush, m.i64.store(0, 8, m.i32.const(STATE.pc), m.local.get(t, ir.i64)), m.return_call('dispatch', [], ir.none)];
  }

  /** the current block's view of a flush here */
  private site(): Site {
    const fx = this.blockEffects;
    return { fx, before: fx.regs.size, since: fx.since.size ? new Set(fx.since) : NONE, cleaned: fx.cleaned };
  }

  /** a clean point (a call or syscall): from here the state block and the locals agree */
  private clean(): void {
    if (this.blockEffects.since.size) this.blockEffects.since.clear();
    this.blockEffects.cleaned = true;
  }

  /** a flush, its registers known once every block is lifted (analyse) */
  private flushHere(flags: () => boolean = () => false, from = [this.site()]): () => Expr {
    const point = this.flushPoint(flags, from);
    return () => this.flushRegs(point.regs!);
  }

  private flushPoint(flags: () => boolean, from = [this.site()]): FlushPoint {
    const point: FlushPoint = { from, flags };
    this.points.push(point);
    return point;
  }

  /** what a flush stores: the registers that may be dirty there; with `flags`, NZCV too where written (a jump to code that reads it) */
  private flushed(point: FlushPoint): number[] {
    const dirty = new Set<number>(), add = (r: number) => { dirty.add(r); };
    for (let k = 0; k < point.from.length; k++) { // forEach and indexed loops: this runs mostly in the engine's baseline tier
      const s = point.from[k]!;
      s.since.forEach(add);
      if (!s.cleaned) this.dirtyIn(s.fx.start).forEach(add);
    }
    // NZCV in the state block: where homed, as dirty as any register; else all the flags written, if asked for
    const flags = this.flagsHomed || point.flags();
    if (flags && !this.flagsHomed) for (const f of this.arch.flagRegs) if (this.writes.has(f)) dirty.add(f);
    return [...dirty].filter((r) => flags || !this.flagSet.has(r)).sort((a, b) => a - b);
  }

  /** stores `regs` (in ascending order) */
  private flushRegs(regs: number[]): Expr {
    const stores = mapped(regs, (r) => this.storeReg(r));
    return stores.length ? this.m.block(null, stores) : this.m.nop();
  }

  /** after a call: reloads what the callee may have written that is live where it returns */
  private reload(fx: BlockEffects, ret: number): Expr {
    if (!this.fn.blocks.has(ret)) return this.m.nop(); // nothing is live there
    const live = this.live(ret), reloaded = this.reloaded(fx), loads: Expr[] = [];
    for (let k = 0; k < reloaded.length; k++) if (live.includes(reloaded[k]!)) loads.push(this.loadReg(reloaded[k]!));
    return loads.length ? this.m.block(null, loads) : this.m.nop();
  }

  /** the registers held here that the call ending `fx` may write (all of them for an indirect call) */
  private reloaded(fx: BlockEffects): number[] {
    const target = fx.call!.target, clobbered = target !== undefined ? this.ctx.clobbers(target) : undefined;
    return this.held.filter((r) => !clobbered || clobbered.has(r));
  }

  /** flushes (and the tail stubs, spin-loop checks and switches they belong to) */
  private readonly points: FlushPoint[] = objects();
  /** the registers that may be dirty on entry to a block, and those live there (analyse) */
  private dirtyIn: (start: number) => number[] = () => { throw new Error('dirtiness asked before analyse'); };
  private live: (start: number, only?: readonly number[]) => number[] = () => { throw new Error('liveness asked before analyse'); };

  /**
   * The dataflow behind flushes, reloads and entry loads, once every block is lifted and the
   * callees' write sets are known: what may be dirty where, then what is live where, a flush
   * reading the registers it stores and a call's reload writing its callee's.
   */
  private analyse(): void {
    const count = this.arch.registers.length, byNumber = (a: number, b: number) => a - b;
    this.held = this.homed(new Set([...this.reads, ...this.writes]));
    const fxs = mapped(this.blocks, (pb) => this.effects.get(pb.start)!), g = this.graph();
    const dirtyBlocks: DirtyBlock[] = mapped(fxs, (fx) => ({ start: fx.start, dirty: fx.since, cleans: fx.cleaned, kills: undefined }));
    const tracked = [...this.writes].sort(byNumber);
    if (this.dispatchGroups.length) {
      // first with the jumps to a shared dispatch storing everything: what each leaves dirty of its own
      const jumps = new Set(this.dispatchGroups.flatMap((group) => group.jumps.map((j) => j.start))), all = new Set(tracked);
      for (const blk of dirtyBlocks) if (jumps.has(blk.start)) blk.kills = all;
      this.dirtyIn = dirtiness(dirtyBlocks, count, tracked, g);
      const kills = this.splitDispatchStores();
      for (const blk of dirtyBlocks) blk.kills = kills.get(blk.start);
    }
    this.dirtyIn = dirtiness(dirtyBlocks, count, tracked, g);
    const reads = new Map<BlockEffects, Set<number>>();
    const read = (fx: BlockEffects, r: number) => {
      const set = reads.get(fx);
      if (set) set.add(r);
      else reads.set(fx, new Set([r]));
    };
    const order = new Map<BlockEffects, Map<number, number>>(); // each block's registers by first write
    const orderOf = (fx: BlockEffects) => {
      let o = order.get(fx);
      if (!o) {
        const ranks = new Map<number, number>();
        fx.regs.forEach((r) => { ranks.set(r, ranks.size); });
        order.set(fx, o = ranks);
      }
      return o;
    };
    for (let k = 0; k < this.points.length; k++) { // indexed: this runs mostly in the engine's baseline tier
      const p = this.points[k]!, regs = p.regs = this.flushed(p).filter((r) => (!p.only || p.only.has(r)) && !p.leave?.has(r));
      for (let j = 0; j < p.from.length; j++) {
        const s = p.from[j]!, o = orderOf(s.fx);
        for (let i = 0; i < regs.length; i++) if (!((o.get(regs[i]!) ?? Infinity) < s.before)) read(s.fx, regs[i]!);
      }
    }
    if (this.faults) {
      const all = this.homed(this.writes);
      for (const fx of fxs) if (fx.fault) for (const r of all) if (!fx.fault.has(r)) read(fx, r);
    }
    this.live = liveness(mapped(fxs, (fx) => {
      const extra = reads.get(fx);
      const gen = extra ? new Set([...fx.gen, ...extra]) : fx.gen;
      return { start: fx.start, use: { gen, regs: fx.call ? new Set([...fx.regs, ...this.reloaded(fx)]) : fx.regs } };
    }), count, [...new Set([...this.reads, ...this.writes, ...this.arch.flagRegs])].sort(byNumber), g);
  }

  /** the registers this function keeps in locals and the state block (analyse) */
  private held: number[] = [];

  /**
   * The registers that live in the state block across boundaries. NZCV does not: the AAPCS64
   * leaves the flags undefined across calls and returns, so compiled code never carries them over
   * one, and keeping them in locals only lets V8 drop every flag computation nobody reads. The
   * exceptions: a function with computed gotos, which re-enters itself through the dispatcher;
   * code lifted at run time, which may be entered anywhere (e.g. a missed jump-table target);
   * a module where some code reads NZCV a call or return left (ModuleContext.flagsCrossCalls);
   * and a function that reads NZCV on entry (hand-written code branched to after a compare), which
   * loads it, while indirect jumps and tail calls to such a function store it (see flushed).
   */
  private homed(regs: Iterable<number>): number[] {
    const all = this.flagsHomed, out: number[] = [];
    for (const r of regs) if (all || !this.flagSet.has(r)) out.push(r);
    return out.sort((a, b) => a - b);
  }
  private readonly flagSet: Set<number>;
  private get flagsHomed(): boolean { return this.computedGoto || this.ctx.link.external || this.ctx.flagsCrossCalls; }

  private storeReg(reg: number): Expr {
    const m = this.m, d = this.arch.registers[reg]!, p = m.i32.const(d.offset);
    const v = m.local.get(this.regIndex(reg), this.regType(reg));
    return d.type === 'i64' ? m.i64.store(0, 8, p, v) : d.type === 'i32' ? m.i32.store(0, 4, p, v) : m.v128.store(0, 16, p, v);
  }

  private loadReg(reg: number): Expr {
    const m = this.m, d = this.arch.registers[reg]!, p = m.i32.const(d.offset);
    const v = d.type === 'i64' ? m.i64.load(0, 8, p) : d.type === 'i32' ? m.i32.load(0, 4, p) : m.v128.load(0, 16, p);
    return m.local.set(this.regIndex(reg), v);
  }

  /** Phase 2: resolve thunks, structure the CFG (structure.ts), add the Wasm function. */
  finish(name: string): void {
    const m = this.m;
    const resolve = (items: Item[]) => m.block(null, mapped(items, (it) => (typeof it === 'function' ? it() : it)));
    const heads = this.spinLoopHeads(), preempts = new Map<number, () => Expr>();
    for (const pc of heads) {
      // NZCV only where the loop reads it before setting it: stored, it would stay live through every iteration
      const from = [{ fx: this.effects.get(pc)!, before: 0, since: NONE, cleaned: false }];
      preempts.set(pc, this.flushHere(() => (this.flagsLiveAt.get(pc)?.size ?? 0) > 0, from));
    }
    const leaders = this.shareDispatch();
    this.analyse();
    const jumpStores = new Map(this.dispatchGroups.flatMap((g) => g.jumps.map((j) => [j.start, j.stores] as const)));
    // node 0 is the prologue: load what is live at the requested entry point, then enter there
    const nodes: CfgNode[] = [cfgNode(m.nop(), noExit())];
    const add = (code: Expr, exit: Exit = noExit()): number => nodes.push(cfgNode(code, exit)) - 1;
    const ids = new Map<number, number>(), dispatchAt = new Map<IndirectTerm, number>();
    this.blocks.forEach((pb) => ids.set(pb.start, add(resolve(heads.has(pb.start) ? [this.preemptCheck(pb.start, preempts.get(pb.start)!), ...pb.items] : pb.items))));
    const stubs = new Map<number, number>();
    for (const [t, pb] of this.tailStubs) stubs.set(t, add(resolve(pb.items)));
    for (let k = 0; k < this.blocks.length; k++) {
      const pb = this.blocks[k]!, node = nodes[ids.get(pb.start)!]!, term = pb.term;
      if (term.kind === 'goto') node.exit = gotoExit(ids.get(term.to)!);
      else if (term.kind === 'cond') {
        const taken = term.tail ? stubs.get(term.to)! : ids.get(term.to)!;
        const fall = ids.get(term.next) ?? stubs.get(term.next) ?? this.fellOffNode(add, term.next);
        node.exit = condExit(m.local.get(term.cond, ir.i32), taken, fall);
      } else if (term.kind === 'switch' || term.kind === 'entries') {
        // the dispatch node of the jumps with these targets: the first's locals, which the others copy theirs to
        const lead = leaders.get(term) ?? term, copies = lead === term ? [] : this.dispatchCopies(term, lead);
        const stores = jumpStores.get(pb.start);
        if (stores?.regs!.length) copies.unshift(this.flushRegs(stores.regs));
        if (copies.length) node.code = m.block(null, [node.code, ...copies]);
        let head = dispatchAt.get(lead);
        if (head === undefined) dispatchAt.set(lead, head = this.dispatchNode(lead, ids, add, resolve));
        node.exit = gotoExit(head);
      }
    }
    const enter = (entries: number[]): Exit => entries.length === 1 ? gotoExit(entries[0]!)
      : switchExit(m.local.get(0, ir.i32), entries, entries[0]!);
    const entries = mapped(this.fn.entries, (e) => ids.get(e)!);
    nodes[0]!.exit = enter(entries);
    // loops are found from the prologue, which then also enters where they re-enter
    const dispatches = new Map([...dispatchAt].map(([term, node]) => [node, term]));
    const again = this.reenter(name, nodes, ids, heads, dispatches, add);
    if (again.length) nodes[0]!.exit = enter([...entries, ...again.map((r) => r.node)]);
    nodes[0]!.code = this.prologue([...this.fn.entries.slice(1), ...again.flatMap((r) => r.pcs)], again.flatMap((r) => r.regs));
    const body = this.faultBlock(structure(m, nodes, () => this.newLocal(ir.i32)));
    m.addFunction(name, ir.i32, ir.none, this.localTypes, body);
  }

  /**
   * Loops count their runs and re-enter the function at the head of an outer one now and then
   * (reentry.ts): the heads' code gets the count and the check, and the re-entries are returned,
   * the entry indices after the function's own entry points: each one's first node, the PCs
   * whose live registers it loads and the registers it loads besides. A head where NZCV is live
   * is left out: the flags are not part of the state a re-entry stores and loads. Each re-entry
   * is an interrupt point too (PSEUDO_SYSCALL.poll): a loop that computes for long without a
   * syscall still takes signals and timers, and gives way to other threads and processes.
   */
  private reenter(name: string, nodes: CfgNode[], ids: Map<number, number>, spinHeads: Set<number>,
    dispatches: Map<number, IndirectTerm>, add: (code: Expr, exit: Exit) => number): { node: number; pcs: number[]; regs: number[] }[] {
    if (!this.ctx.loopReentry) return [];
    const m = this.m, pcOf = new Map([...ids].map(([pc, node]) => [node, pc]));
    const flagsRead = (pc: number) => (this.flagsLiveAt.get(pc)?.size ?? 0) > 0;
    // a dispatch left out is not picked: its loop's entry takes the re-entry
    const offered = new Set([...dispatches].filter(([, term]) => !this.dispatchTargets(term).some(flagsRead)).map(([x]) => x));
    const { counted, reentries } = loopHeads(nodes, undefined, offered);
    // A spin loop's head is left out too: its preemption count (preemptCheck) lives in the frame,
    // which a re-entry would start afresh long before the count reached PREEMPT_INTERVAL.
    const heads = reentries.filter((x) => pcOf.has(x) ? !spinHeads.has(pcOf.get(x)!) && !flagsRead(pcOf.get(x)!) : offered.has(x));
    if (!heads.length) return [];
    const n = this.newLocal(ir.i32), bump = () => m.i32.add(m.local.get(n, ir.i32), m.i32.const(1));
    const first = this.fn.entries.length, out: { node: number; pcs: number[]; regs: number[] }[] = [];
    const check = (x: number, again: Expr) => {
      nodes[x]!.code = m.block(null, [m.hint(m.if(m.i32.ge_u(m.local.tee(n, bump(), ir.i32), m.i32.const(REENTRY_INTERVAL)), again), false), nodes[x]!.code]);
    };
    heads.forEach((x, k) => {
      const pc = pcOf.get(x), index = m.i32.const(first + k);
      if (pc !== undefined) {
        // A re-entry stores what may be dirty and is live at its head: storing the rest would keep
        // dead values alive through the loop.
        const live = new Set(this.live(pc));
        const stores = this.flushRegs(this.homed(this.dirtyIn(pc).filter((r) => live.has(r))));
        check(x, m.block(null, [stores, this.interruptPoint(pc, PSEUDO_SYSCALL.poll, first + k), m.return_call(name, [index], ir.none)]));
        out.push({ node: x, pcs: [pc], regs: [] });
        return;
      }
      // A dispatch node without a PC of its own heads the loop of an interpreter whose handlers
      // all jump back through it: its re-entry stores what its dispatcher path stores, with the
      // target as the PC, and comes back through a node that takes the target from the state
      // and computes the switch's locals again.
      const term = dispatches.get(x)!, target = term.kind === 'entries' ? term.target : term.value;
      const pcNow = () => m.local.get(target, ir.i64), regs = term.point.regs!;
      check(x, m.block(null, [this.flushRegs(regs), this.interruptPoint(pcNow, PSEUDO_SYSCALL.poll, first + k), m.return_call(name, [index], ir.none)]));
      const back = add(m.block(null, [m.local.set(target, m.i64.load(0, 8, m.i32.const(STATE.pc))), ...term.derive()]), gotoExit(x));
      out.push({ node: back, pcs: this.dispatchTargets(term), regs });
    });
    const checked = new Set(heads);
    for (const x of counted) if (!checked.has(x)) nodes[x]!.code = m.block(null, [m.local.set(n, bump()), nodes[x]!.code]);
    return out;
  }

  /** the blocks an indirect jump switches to */
  private dispatchTargets(term: IndirectTerm): number[] {
    return term.kind === 'entries' ? this.fn.entries : term.targets;
  }

  /**
   * The heads of loops that only another thread can end: a loop that writes no memory (no store,
   * call or syscall) and reads memory at an address its body does not change (a base register
   * it never writes), so that the value it waits for must come from elsewhere, e.g.
   * `while (!atomic_load(&flag));` or a spin lock's inner loop. Loops that compute (their loads
   * move through memory) get no check and pay nothing.
   */
  private spinLoopHeads(): Set<number> {
    const heads = new Set<number>();
    const preds = new Map<number, number[]>();
    const succ = (pb: PendingBlock): number[] => {
      const t = pb.term;
      return t.kind === 'goto' ? [t.to] : t.kind === 'cond' ? (t.tail ? [t.next] : [t.to, t.next]) : t.kind === 'switch' ? t.targets : [];
    };
    // indexed loops: the translator runs mostly in the engine's baseline tier, where for-of allocates per step
    const blocks = this.blocks, succs = mapped(blocks, succ);
    for (let k = 0; k < blocks.length; k++) {
      const ts = succs[k]!;
      for (let j = 0; j < ts.length; j++) {
        const ps = preds.get(ts[j]!);
        if (ps) ps.push(blocks[k]!.start);
        else preds.set(ts[j]!, [blocks[k]!.start]);
      }
    }
    for (let k = 0; k < blocks.length; k++) {
      const pb = blocks[k]!, ts = succs[k]!;
      for (let j = 0; j < ts.length; j++) {
        const head = ts[j]!;
        if (head > pb.start || heads.has(head)) continue;
        // the blocks of the loop closed by this edge: those that reach its source without passing its head
        const body = new Set([head]), work = [pb.start];
        while (work.length) {
          const b = work.pop()!;
          if (body.has(b)) continue;
          body.add(b);
          if (body.size > 16) break; // spin loops are small
          work.push(...(preds.get(b) ?? []));
        }
        if (body.size > 16) continue;
        const fx: BlockEffects[] = [], written = new Set<number>();
        let stores = false;
        body.forEach((b) => {
          const e = this.effects.get(b)!;
          stores ||= e.stores;
          fx.push(e);
          e.regs.forEach((r) => written.add(r));
        });
        if (stores) continue;
        let waits = false;
        for (let j = 0; j < fx.length && !waits; j++) fx[j]!.loadBases.forEach((r) => { waits ||= !written.has(r); });
        if (waits) heads.add(head);
      }
    }
    return heads;
  }

  /**
   * Counts a spin loop head's runs in a local; every PREEMPT_INTERVAL of them, with the whole
   * guest state stored, tells the runtime (interruptPoint, PSEUDO_SYSCALL.preempt), which may run
   * other threads or unwind this one to resume here later: the thread a spinning one waits for
   * must run now, not when the spinner's time slice is over. (A spin loop head does not re-enter,
   * so this is also where its signals are taken.)
   */
  private preemptCheck(pc: number, flush: () => Expr): Expr {
    const m = this.m;
    this.loopCount ??= this.newLocal(ir.i32);
    const n = this.loopCount;
    const bump = m.local.tee(n, m.i32.add(m.local.get(n, ir.i32), m.i32.const(1)), ir.i32);
    return m.hint(m.if(m.i32.eqz(m.i32.and(bump, m.i32.const(PREEMPT_INTERVAL - 1))), m.block(null, [flush(), this.interruptPoint(pc, PSEUDO_SYSCALL.preempt)])), false);
  }

  /**
   * A loop head with the guest state stored tells the runtime it is there (`nr`, abi.ts
   * PSEUDO_SYSCALL preempt or poll), with STATE.pc the head: signals that came meanwhile are
   * handled there and other tasks may run. If a handler left the guest elsewhere, the function
   * returns (its callers do too) and the dispatcher goes on there. With `entry`, the head's entry
   * index in this function, the runtime may unwind the thread and later resume it by calling this
   * function (its table index, the syscall's first argument) there: a loop head is no entry of
   * the dispatch table.
   */
  private interruptPoint(at: number | (() => Expr), nr: number, entry?: number): Expr {
    const m = this.m, none = this.i64(0), pc = typeof at === 'number' ? () => this.i64(at) : at;
    const fn = this.i64(entry === undefined ? -1 : this.ctx.functionIndex(this.fn.entry)), index = this.i64(entry ?? 0);
    // an entry that takes its PC from the state (a dispatch's, see reenter) is for this PC only now
    const anyPc = this.i64(typeof at === 'number' ? 0 : 1);
    return m.block(null, [
      m.i64.store(0, 8, m.i32.const(STATE.pc), pc()),
      m.drop(m.call('syscall', [this.i64(nr), fn, index, anyPc, none, none, none, pc()], ir.i64)),
      m.hint(m.if(m.i64.ne(m.i64.load(0, 8, m.i32.const(STATE.pc)), pc()), m.return()), false),
    ]);
  }
  private loopCount?: number;
  private readonly dispatchGroups: DispatchGroup[] = [];
  /** what each block does that a spin loop does not (see spinLoopHeads) */
  private readonly effects = new Map<number, BlockEffects>();
  private blockEffects: BlockEffects = newEffects(0);

  /**
   * What each entry point loads: at the function's own entry (index 0, what calls use) the
   * registers live there, at the `others` (return sites, re-entered loop heads: entered from the
   * dispatcher or a re-entry) those live at any of them, and the `extra` registers (those a
   * re-entry at a dispatch node stored).
   */
  private prologue(others: number[], extra: number[]): Expr {
    const m = this.m, loadable = new Set(this.held);
    if (this.flagsLiveIn) for (const f of this.arch.flagRegs) loadable.add(f);
    const live = (pcs: number[], also: number[] = []) => {
      const regs = new Set(also);
      for (const pc of pcs) for (const r of this.live(pc)) if (loadable.has(r)) regs.add(r);
      return [...regs].sort((a, b) => a - b);
    };
    const load = (regs: number[]) => m.block(null, mapped(regs, (r) => this.loadReg(r)));
    const own = live([this.fn.entry]), rest = others.length || extra.length ? live(others, extra) : own;
    if (rest.join() === own.join()) return load(own);
    return m.if(m.i32.eqz(m.local.get(0, ir.i32)), load(own), load(rest));
  }

  /**
   * Indirect jumps with the same targets (an interpreter's dispatch after each of its handlers,
   * the computed gotos of a function) share one dispatch node, which each reaches with its
   * target in the first one's locals: its targets then have one predecessor there instead of one
   * per jump. V8's optimising compiler took 28 s (and emitted 88 MB of machine code) for
   * CPython's eval loop, whose 25 dispatches each branched to its 256 handlers. The shared
   * dispatcher path stores what any of them may have dirty (one flush point from all of them).
   * Returns each sharing jump's leader (the first with its targets).
   */
  private shareDispatch(): Map<Terminator, IndirectTerm> {
    const groups = new Map<string, IndirectTerm[]>();
    for (const pb of this.blocks) {
      const t = pb.term;
      if (t.kind !== 'switch' && t.kind !== 'entries') continue;
      const key = t.kind === 'entries' ? 'entries' : `${t.dense ? `d${t.dense.base}` : 's'}:${t.targets.join(',')}`;
      const g = groups.get(key);
      if (g) g.push(t); else groups.set(key, [t]);
    }
    const leaders = new Map<Terminator, IndirectTerm>(), merged = new Set<FlushPoint>(), starts = new Map<Terminator, number>();
    for (const pb of this.blocks) starts.set(pb.term, pb.start);
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      const lead = g[0]!, point: FlushPoint = { from: g.flatMap((t) => t.point.from), flags: () => true };
      const jumps = g.map((t) => ({ start: starts.get(t)!, stores: { from: t.point.from, flags: () => true } }));
      for (const t of g) { leaders.set(t, lead); merged.add(t.point); }
      this.points.push(point, ...jumps.map((j) => j.stores));
      lead.point = point;
      this.dispatchGroups.push({ lead, jumps });
    }
    if (merged.size) this.points.splice(0, this.points.length, ...this.points.filter((p) => !merged.has(p)));
    return leaders;
  }

  /**
   * What the jumps to a shared dispatch store before they go there (analyse, between two runs of
   * dirtiness, the first with those jumps storing everything): each jump the registers it may
   * leave dirty that most of them do not. Else each register any handler of an interpreter left
   * dirty would be dirty after the dispatch, in every handler: CPython's eval loop stored all 33
   * at each of its 744 calls and exits (24,550 stores of its 670 KB), where a handler leaves a few
   * dirty that the next one's first call stores.
   * Returns the registers each jump's block leaves clean, and sets the stores' register filters.
   */
  private splitDispatchStores(): Map<number, Set<number>> {
    const kills = new Map<number, Set<number>>();
    for (const { lead, jumps } of this.dispatchGroups) {
      const dirty = jumps.map((j) => this.flushed(j.stores)), times = new Map<number, number>();
      for (const regs of dirty) for (const r of regs) times.set(r, (times.get(r) ?? 0) + 1);
      const common = new Set([...times].filter(([, n]) => 2 * n >= jumps.length).map(([r]) => r));
      jumps.forEach((j, k) => {
        j.stores.leave = common;
        kills.set(j.start, new Set(dirty[k]!.filter((r) => !common.has(r))));
      });
      lead.point.only = common;
    }
    return kills;
  }

  /** what a jump sharing `lead`'s dispatch node sets before going there: its target in the leader's locals */
  private dispatchCopies(t: IndirectTerm, lead: IndirectTerm): Expr[] {
    const m = this.m, copy = (to: number, from: number, type: ir.Type) => m.local.set(to, m.local.get(from, type));
    if (t.kind === 'entries' && lead.kind === 'entries') return [copy(lead.value, t.value, ir.i32), copy(lead.target, t.target, ir.i64)];
    if (t.kind !== 'switch' || lead.kind !== 'switch') throw new Error('internal error: a dispatch shared by jumps of two kinds');
    const out = [copy(lead.value, t.value, ir.i64)];
    if (t.dense && lead.dense) out.push(copy(lead.dense.index, t.dense.index, ir.i32));
    return out;
  }

  /** the dispatch node of an indirect jump (and of those sharing it): a switch or compare chain to its targets, else the dispatcher */
  private dispatchNode(term: IndirectTerm, ids: Map<number, number>, add: (code: Expr, exit?: Exit) => number, resolve: (items: Item[]) => Expr): number {
    const m = this.m, flush = () => this.flushRegs(term.point.regs!);
    if (term.kind === 'entries') {
      const fallback = add(resolve(this.indirectJump(term.target, flush)));
      return add(m.nop(), switchExit(m.local.get(term.value, ir.i32), mapped(this.fn.entries, (e) => ids.get(e)!), fallback));
    }
    const fallback = add(resolve(this.indirectJump(term.value, flush)));
    if (term.dense) {
      const index = m.local.get(term.dense.index, ir.i32);
      return add(m.nop(), switchExit(index, this.denseTargets(ids, term.targets, term.dense.base, fallback), fallback));
    }
    // few targets spread far apart: compare in turn (a chain of nodes), then the dispatcher
    let next = fallback;
    for (const t of [...term.targets].reverse()) {
      const cond = m.i64.eq(m.local.get(term.value, ir.i64), this.i64(t));
      next = add(m.nop(), condExit(cond, ids.get(t)!, next));
    }
    return next;
  }

  /** the switch table of a pcIndex: target node per index, `fallback` in the gaps */
  private denseTargets(ids: Map<number, number>, targets: number[], base: number, fallback: number): number[] {
    const table: number[] = [];
    for (const t of targets) table[(t - base) / 2 ** this.arch.insnAlignLog2] = ids.get(t)!;
    return Array.from(table, (x) => x ?? fallback);
  }

  private fellOffNode(add: (code: Expr) => number, pc: number): number {
    const items: Item[] = [];
    this.fellOff(items, pc);
    return add(this.m.block(null, items as Expr[]));
  }

}

function newEffects(start: number): BlockEffects {
  return { start, gen: new Set(), regs: new Set(), stores: false, loadBases: new Set(), since: new Set(), cleaned: false };
}
