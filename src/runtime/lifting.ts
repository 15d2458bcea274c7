// Run-time lifting: code the build did not translate (a jump table it could not read, a stripped
// binary's hidden function, a JIT's output) is lifted when control first reaches it. The program
// module's dispatcher calls `miss(pc)`; if the address is executable guest memory, the lifter
// (src/lift/runtime-lift.ts: decoder, lifter and encoder, loaded on the first miss only) decodes the code there
// from guest memory, emits an extension module that imports the program's memory, table and
// dispatcher, and its entry points go into the dispatch table. `ic ivau` and unmapping or
// re-protecting pages drop lifted code there, so rewritten code is lifted again.
import { DISPATCH_SLOT, EXPORT, extensionExport, PAGE_TABLE_SIZE, PROGRAM } from '../abi.ts';
import type { LiftedCode, RuntimeLifter } from '../lift/runtime-lift.ts';
import type { TranslationMeta } from '../meta.ts';
import { TrapKind } from '../meta.ts';
import { trapsInEngine, type ProtectMode } from '../translate-options.ts';
import { DispatchTable } from './dispatch-table.ts';
import { sameCode, type LibraryImage } from './libraries.ts';
import { describePc, GuestTrap } from './errors.ts';
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_EXEC, RUNTIME_AREA, type AddressSpace } from './memory.ts';
import { MIN_GUEST_ADDR, storeEnd } from './layout.ts';

/** Thrown through the guest's Wasm frames to the top-level loop, which lifts asynchronously and resumes. */
export class LiftPending extends Error {
  constructor(readonly pc: number, readonly lifted?: LiftedCode) {
    super(`lifting code at 0x${pc.toString(16)}`);
    this.name = 'LiftPending';
  }
}

export interface LiftStats { lifts: number; functions: number; instructions: number; millis: number }

export interface LiftOptions {
  /** false: a miss is a SIGSEGV trap, as before run-time lifting existed */
  enabled: boolean;
  trace?: (line: string) => void;
  /**
   * loads the lifter (src/lift/runtime-lift.ts, the package's `unplugin-elf/lifter`) on the first
   * miss: each host brings it in its own way (a dynamic import in Node and in workers, a lazy chunk
   * in a bundle), because it carries the whole translator. Without it a miss is a SIGSEGV naming the address.
   */
  loadLifter?: LifterLoader;
  /**
   * Code lifted from the executable's own segments by any process running the same image, by
   * entry PC: a forked child resuming where its parent's code has no entry (after the fork's
   * `svc`) installs what another child lifted instead of lifting it again.
   */
  shared?: Map<number, Installed>;
  /** shared libraries translated ahead of time, installed when their file is mapped at their base */
  libraries?: readonly LibraryImage[];
}

/** a compiled extension module and what it holds */
export interface Installed { lifted: InstalledCode; module: WebAssembly.Module }
/** what the runtime needs of an extension module (LiftedCode, or a library's LibraryMeta) */
type InstalledCode = Pick<LiftedCode, 'tableIndex' | 'functions'>;

/** a lifter, or a module namespace exporting one as `runtimeLifter` (`() => import('unplugin-elf/lifter')`) */
export type LifterLoader = () => Promise<RuntimeLifter | { runtimeLifter: RuntimeLifter }>;

interface LiftedFunction { start: number; end: number; added: number[] }

export class RuntimeCode {
  /** control reached a PC where nothing can run: delivers SIGSEGV/SIGBUS to a guest handler (true) or not (false) */
  badJump?: (pc: bigint) => boolean;
  /** a jump to the signal trampoline: a handler that runs from the dispatcher returns (Guest.returnFromHandler) */
  sigreturn?: () => void;
  readonly stats: LiftStats = { lifts: 0, functions: 0, instructions: 0, millis: 0 };
  /** guest PCs that were lifted at run time (for learning builds) */
  readonly liftedEntries = new Set<number>();
  /**
   * whether the process runs a signal handler whose frame is still in use (the kernel's test): a
   * miss there cannot wait for the lifter to load or for an asynchronous compile
   */
  inHandler: () => boolean = () => false;
  private lifter?: RuntimeLifter;
  private table?: DispatchTable;
  private readonly lifted: LiftedFunction[] = [];
  /** every extension module installed, in order (a forked process installs them again) */
  private readonly installed: Installed[] = [];
  /** the protection code is lifted with from now on, when it is not the module's (checkFaults) */
  private protect?: ProtectMode;
  /** whether the process switched to checked code lifted at run time (checkFaults) */
  get checksFaults(): boolean { return this.protect !== undefined; }
  /** whether the lifter is loaded: code can be lifted anywhere, in a signal handler too */
  get lifterLoaded(): boolean { return this.lifter !== undefined; }
  /** the page table that protection checks, when the module has none (checkFaults) */
  private pageTable?: number;
  /** library modules instantiated before ld.so maps them (prepareLibraries) */
  private readonly prepared = new Map<WebAssembly.Module, WebAssembly.Instance>();
  private readonly exports: WebAssembly.Exports;
  /** where the module's stores stop trapping (layout.ts storeEnd): code lifted for it stores alike, and below it nothing may become writable (syscalls/mm.ts writableMapping) */
  readonly storeEnd: number;

  constructor(
    instance: WebAssembly.Instance,
    private readonly imports: WebAssembly.Imports,
    private readonly meta: TranslationMeta,
    private readonly vm: AddressSpace,
    private readonly opts: LiftOptions,
  ) {
    this.exports = instance.exports;
    this.storeEnd = storeEnd(meta.protect, meta.lowEnd, meta.segments);
    vm.onChange = (start, end) => this.invalidate(start, end);
    // what of the low area (above the state and scratch) the dispatch table takes: a grown one goes above it
    const { [EXPORT.dispatchBase]: base, [EXPORT.dispatchBits]: bits } = instance.exports;
    if (base instanceof WebAssembly.Global && bits instanceof WebAssembly.Global) {
      const at = base.value as number;
      vm.lowUsed = at < meta.lowEnd ? at + DISPATCH_SLOT * 2 ** (bits.value as number) : MIN_GUEST_ADDR;
    }
  }

  /** `linux.miss`: lifts the code at `pc` (the dispatcher then finds it) or throws */
  miss(pcValue: bigint): void {
    const pc = Number(BigInt.asUintN(64, pcValue));
    // a handler returning to the signal trampoline goes on from its frame's context, or ends its nested run (signal-frame.ts)
    if (pcValue === BigInt(this.vm.sigtramp)) {
      this.sigreturn?.();
      throw this.unknown(pc);
    }
    if (pcValue >= 2n ** 32n || pc % 2 ** this.meta.insnAlignLog2 || !this.executable(pc)) {
      if (this.badJump?.(pcValue)) return;
      throw this.unknown(pc, 'no executable memory there');
    }
    if (!this.opts.enabled) throw this.unknown(pc);
    const known = this.protect ? undefined : this.opts.shared?.get(pc);
    if (known && known.lifted.tableIndex === this.functionTable.length) {
      this.install(known.lifted, known.module);
      return;
    }
    if (!this.lifter) {
      if (!this.opts.loadLifter) throw new GuestTrap(TrapKind.UnknownTarget, pc, BigInt(pc), this.meta.symbols, 'run-time lifting is not available in this host (no lifter was given)');
      if (this.inHandler()) throw new GuestTrap(TrapKind.UnknownTarget, pc, BigInt(pc), this.meta.symbols, 'the run-time lifter cannot load inside a signal handler');
      throw new LiftPending(pc);
    }
    const lifted = this.liftCode(pc);
    if (!lifted.functions.length) throw this.unknown(pc);
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(lifted.wasm as Uint8Array<ArrayBuffer>);
    } catch (e) {
      // a browser page's thread compiles only small modules synchronously
      if (!(e instanceof RangeError)) throw e;
      if (!this.inHandler()) throw new LiftPending(pc, lifted);
      throw new GuestTrap(TrapKind.UnknownTarget, pc, BigInt(pc), this.meta.symbols, `lifted code cannot be compiled synchronously inside a signal handler here (${e.message})`);
    }
    this.install(lifted, module);
  }

  /**
   * A forked process's code: the parent's extension modules, instantiated against this
   * instance in the same order, so that the function table indices its dispatch table (copied
   * with the memory) names hold the same code. Lifted code the parent dropped stays dropped.
   */
  adopt(parent: RuntimeCode): void {
    this.lifter = parent.lifter;
    this.protect = parent.protect;
    this.pageTable = parent.pageTable;
    for (const { lifted, module } of parent.installed) this.instantiate(lifted, module);
    this.lifted.push(...parent.lifted.map((f) => ({ ...f, added: [...f.added] })));
    for (const pc of parent.liftedEntries) this.liftedEntries.add(pc);
  }

  /**
   * The top-level loop's part of a miss: load the lifter, lift, compile asynchronously. The
   * threads of a process share this code, so misses complete one at a time, and code lifted for
   * a table that grew meanwhile (another thread's synchronous miss) is lifted again.
   */
  complete(p: LiftPending): Promise<void> {
    const next = this.completing.then(() => this.completeOne(p));
    this.completing = next.catch(() => undefined);
    return next;
  }
  private completing: Promise<void> = Promise.resolve();

  private async completeOne(p: LiftPending): Promise<void> {
    await this.loadLifter();
    for (let lifted = p.lifted; ;) {
      if (this.dispatch().has(p.pc)) return; // another thread's miss lifted it
      if (lifted?.tableIndex !== this.functionTable.length) lifted = this.liftCode(p.pc);
      if (!lifted.functions.length) throw this.unknown(p.pc);
      const module = await WebAssembly.compile(lifted.wasm as Uint8Array<ArrayBuffer>);
      if (lifted.tableIndex === this.functionTable.length && !this.dispatch().has(p.pc)) {
        this.install(lifted, module);
        return;
      }
    }
  }

  private async loadLifter(): Promise<void> {
    if (this.lifter) return;
    const loaded = await this.opts.loadLifter!();
    this.lifter ??= 'runtimeLifter' in loaded ? loaded.runtimeLifter : loaded;
  }

  /**
   * Whether the guest should wait for the lifter before a SIGILL/SIGTRAP handler runs (Guest.trap):
   * a handler that moves the PC past the trapping instruction and returns goes on where nothing
   * was translated (the trap ended its block), maybe while still in a handler, where the lifter
   * cannot load.
   */
  wantsLifter(): boolean {
    return !this.lifter && this.opts.enabled && this.opts.loadLifter !== undefined && !this.inHandler();
  }

  /**
   * The guest installed a SIGSEGV or SIGBUS handler, which only precise faults can reach, but the
   * module's protection ('null' or 'pages') faults through the engine's bounds check, which is not
   * precise ('null' sees neither unmapped holes nor read-only pages either): from now on the
   * process runs code lifted at run time with 'full' checks against the page table ('pages' keeps
   * one already, else the address space starts keeping one now), so that every fault Linux raises
   * (null page, unmapped or read-only page, the stack guard, 64-bit addresses) reaches the handler
   * with si_addr and the faulting registers. The dispatch table forgets every entry, so whatever
   * runs next through the dispatcher is lifted again; Wasm frames of translated code still on the
   * stack run as they were translated until they return (the caller unwinds them where it can).
   * Returns whether it switched.
   */
  checkFaults(why = 'a SIGSEGV/SIGBUS handler'): boolean {
    // (a host without the lifter cannot switch)
    if (!trapsInEngine(this.meta.protect) || this.protect || !this.opts.enabled || (!this.lifter && !this.opts.loadLifter)) return false;
    this.protect = 'full';
    if (!this.meta.pageTable) {
      // no guest access: the table marks itself so
      this.pageTable = this.vm.mmap(0, PAGE_TABLE_SIZE, 0, MAP_PRIVATE | MAP_ANONYMOUS, RUNTIME_AREA);
      this.vm.usePageTable(this.pageTable);
    }
    // inside a signal handler without the lifter (it cannot load there) the handler keeps the
    // code it runs until it returns (finishSwitch)
    this.switchPending = true;
    if (this.lifter || !this.inHandler()) this.finishSwitch();
    this.opts.trace?.(`${why}: code runs lifted at run time with protect 'full' from now on, so that faults reach it`);
    return true;
  }
  private switchPending = false;
  /** what checkFaults left for when no signal handler runs: no code from before is dispatched to */
  finishSwitch(): void {
    if (!this.switchPending) return;
    this.switchPending = false;
    this.dispatch().clear();
    this.lifted.length = 0;
  }

  /**
   * Instantiates the libraries' modules against this process's instance now, asynchronously:
   * a browser page's thread refuses to instantiate a module over 8 MB synchronously (libc.so.6's
   * translation is larger), which libraryMapped would otherwise do inside ld.so's mmap.
   */
  async prepareLibraries(): Promise<void> {
    for (const { module } of this.opts.libraries ?? []) {
      if (!this.prepared.has(module)) this.prepared.set(module, await WebAssembly.instantiate(module, this.extensionImports()));
    }
  }

  /**
   * ld.so has mapped a library's file at `base` (its first `length` bytes), where its translation
   * ahead of time (libraries.ts) was made for: if the file's code is the code translated, it joins the program's, as lifted code does (dropped likewise when the
   * guest unmaps or rewrites it, installed again when the file is mapped there again).
   */
  libraryMapped(base: number, length: number): void {
    // a library's translation ahead of time has the module's protection: after checkFaults it is lifted
    const lib = this.protect ? undefined : this.opts.libraries?.find((l) => l.meta.base === base);
    const first = lib?.meta.functions[0]?.entries[0];
    if (!lib || first === undefined || this.dispatch().has(first)) return;
    if (!sameCode(lib.meta, new Uint8Array(this.memory.buffer, base, length))) {
      this.opts.trace?.(`${lib.path} mapped at 0x${base.toString(16)} holds other code than its translation was made from: it is lifted at run time`);
      return;
    }
    this.install({ tableIndex: this.functionTable.length, functions: lib.meta.functions }, lib.module);
    this.opts.trace?.(`${lib.path} mapped at 0x${base.toString(16)}: its translation (${lib.meta.functions.length} functions) is installed`);
  }

  /** `linux.icache` (ic ivau): the 64-byte line at `addr` may hold new instructions */
  icache(addr: bigint): void {
    const a = Number(BigInt.asUintN(32, addr)) & ~63;
    this.invalidate(a, a + 64);
  }

  /** drops lifted code overlapping [start, end): it is lifted again when reached */
  invalidate(start: number, end: number): void {
    if (!this.lifted.length || !this.table) return;
    for (let i = this.lifted.length - 1; i >= 0; i--) {
      const f = this.lifted[i]!;
      if (f.end <= start || f.start >= end) continue;
      for (const pc of f.added) this.table.delete(pc);
      this.lifted.splice(i, 1);
      this.opts.trace?.(`dropped code lifted at ${this.where(f.start)}: its instructions changed`);
    }
  }

  /** a PC with its symbol, if it is in the executable (not in a mapping the guest made) */
  private where(pc: number): string {
    return pc < this.meta.imageEnd ? describePc(pc, this.meta.symbols) : `0x${pc.toString(16)}`;
  }

  private unknown(pc: number, detail?: string): GuestTrap {
    return new GuestTrap(TrapKind.UnknownTarget, pc, BigInt(pc), this.meta.symbols, detail);
  }

  /** static code segments, and mappings the guest made executable (translated libraries' included) */
  private executable(pc: number): boolean {
    const inLibrary = this.meta.libraries?.some((l) => pc >= l.base && pc < l.end);
    if (pc < this.meta.privateEnd && !inLibrary) return this.meta.code.some(([s, e]) => pc >= s && pc < e);
    return ((this.vm.protectionAt(pc) ?? 0) & PROT_EXEC) !== 0;
  }

  private dispatch(): DispatchTable {
    if (this.table) return this.table;
    const { [EXPORT.dispatchBase]: base, [EXPORT.dispatchBits]: bits } = this.exports;
    if (!(base instanceof WebAssembly.Global) || !(bits instanceof WebAssembly.Global)) throw new Error('internal error: the module exports no dispatch table');
    // a grown table goes to the runtime's low area while it has room (out of the guest's reach
    // under 'null' too), else to a mapping of the runtime's own: no guest access (page table), no
    // guest munmap/mprotect. The low area above the table has never been used, so it is zero.
    const vm = this.vm;
    return (this.table = new DispatchTable(this.memory, base, bits, this.meta.insnAlignLog2, (bytes) => {
      if (vm.lowUsed + bytes > vm.lowRoom) return vm.mmap(0, bytes, 0, MAP_PRIVATE | MAP_ANONYMOUS, RUNTIME_AREA);
      vm.lowUsed += bytes;
      return vm.lowUsed - bytes;
    }));
  }

  private get memory(): WebAssembly.Memory { return this.exports[EXPORT.memory] as WebAssembly.Memory; }
  private get functionTable(): WebAssembly.Table { return this.exports[EXPORT.table] as WebAssembly.Table; }

  private liftCode(pc: number): LiftedCode {
    const t0 = performance.now();
    const table = this.dispatch();
    // no guest code runs while lifting, so the memory cannot grow under these views
    const bytes = new Uint8Array(this.memory.buffer), view = new DataView(this.memory.buffer);
    const lifted = this.lifter!.lift(pc, {
      code: {
        read: (a, n) => (a + n <= bytes.length ? bytes.slice(a, a + n) : undefined),
        readU32: (a) => (a + 4 <= bytes.length ? view.getUint32(a, true) : undefined),
        isCode: (a) => this.executable(a),
      },
      isEntry: (a) => table.has(a),
      tableIndex: this.functionTable.length,
      callDepthLimit: this.meta.callDepthLimit,
      relaxedSimd: this.meta.relaxedSimd,
      loopReentry: this.meta.loopReentry,
      // after checkFaults the page table covers the stack guard
      protect: { mode: this.protect ?? this.meta.protect, pageTable: this.pageTable ?? this.meta.pageTable, lowEnd: this.meta.lowEnd, storeEnd: this.protect ? this.meta.lowEnd : this.storeEnd, stackGuard: !this.protect && trapsInEngine(this.meta.protect) ? this.meta.privateEnd : 0 },
    });
    const ms = performance.now() - t0;
    this.stats.lifts++;
    this.stats.functions += lifted.functions.length;
    this.stats.instructions += lifted.instructions;
    this.stats.millis += ms;
    this.opts.trace?.(`lifted ${this.where(pc)}: ${lifted.functions.length} function(s), ${lifted.instructions} instructions, ${lifted.wasm.length} bytes, ${ms.toFixed(1)} ms`);
    return lifted;
  }

  /** links an extension module into the program: its functions at the end of the function table */
  private instantiate(lifted: InstalledCode, module: WebAssembly.Module): number {
    const ext = this.prepared.get(module) ?? new WebAssembly.Instance(module, this.extensionImports());
    const fns = this.functionTable;
    const base = fns.grow(lifted.functions.length);
    if (base !== lifted.tableIndex) throw new Error(`internal error: lifted code expects table index ${lifted.tableIndex}, not ${base}`);
    lifted.functions.forEach((_, k) => fns.set(base + k, ext.exports[extensionExport(k)]));
    this.installed.push({ lifted, module });
    return base;
  }

  /** what an extension module imports: the program's imports and its memory, tables and dispatcher */
  private extensionImports(): WebAssembly.Imports {
    const program: Record<string, unknown> = {};
    for (const name of [EXPORT.memory, EXPORT.table, EXPORT.depth, EXPORT.lookup, EXPORT.dispatch]) program[name] = this.exports[name]!;
    return { ...this.imports, [PROGRAM]: program as WebAssembly.ModuleImports };
  }

  /**
   * A loop head where a signal's handler interrupts the guest (an interrupt point: entry `entry`
   * of function `fn` of the table) becomes a dispatch entry: the handler may make the guest go on
   * there through the dispatcher later (Go's asynchronous preemption returns to the interrupted PC).
   * Whether the dispatcher can now go on there (with `anyPc`, see below: whether it could already).
   */
  enterable(pc: number, fn: number, entry: number, anyPc = false): boolean {
    const table = this.dispatch();
    // An entry that takes its PC from the state (an interpreter's dispatch, PC the target it was
    // about to switch on) is not one for that PC: a PC the switch does not hold would go back
    // there for ever. The dispatcher goes on at a PC it holds (a computed goto's targets).
    if (anyPc) return table.has(pc);
    // (after checkFaults the code still running from before is not to be dispatched to: it is lifted checked)
    if (this.protect || fn >= this.functionTable.length) return false;
    if (table.has(pc)) return true;
    table.set({ pc, fn, entry });
    // dropped with the code it enters when that changes (invalidate)
    const owner = this.lifted.find((f) => pc >= f.start && pc < f.end);
    if (owner) owner.added.push(pc);
    else this.lifted.push({ start: pc, end: pc + 4, added: [pc] });
    return true;
  }

  private install(lifted: InstalledCode, module: WebAssembly.Module): void {
    const base = this.instantiate(lifted, module);
    const entry = lifted.functions[0]?.entries[0];
    // code lifted after checkFaults checks this process's page table: no other process may reuse it
    if (this.opts.shared && !this.protect && entry !== undefined && entry < this.meta.privateEnd) this.opts.shared.set(entry, { lifted, module });
    const table = this.dispatch();
    lifted.functions.forEach((f, k) => {
      const added: number[] = [];
      f.entries.forEach((pc, entry) => {
        if (table.has(pc)) return;
        table.set({ pc, fn: base + k, entry });
        added.push(pc);
      });
      this.lifted.push({ start: f.start, end: f.end, added });
      // only the executable's own code is worth learning: mappings differ from run to run
      if (added.length && f.entries[0]! < this.meta.privateEnd) this.liftedEntries.add(f.entries[0]!);
    });
  }
}
