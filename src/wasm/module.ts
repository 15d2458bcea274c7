// Assembles Wasm modules from discovered guest functions. A program module holds the memory
// image, the function table, the dispatch table and the dispatcher `run`; an extension module
// (code lifted at run time) imports all of those from the running program and appends its
// functions to the program's table. The contract between them and the runtime is src/abi.ts.
import * as ir from './ir.ts';
import { EXPORT, extensionExport, IMPORT, LINUX, PAGE_TABLE_SIZE, PROGRAM } from '../abi.ts';
import type { ElfImage } from '../elf/parse.ts';
import { moduleSegments } from '../elf/load-plan.ts';
import { instructionCount, type GuestFunction, type Program } from '../lift/discover.ts';
import type { Arch } from '../lift/types.ts';
import { LOW_AREA_END, LOW_PAGE_TABLE, MIN_GUEST_ADDR, PAGE_SIZE, storeEnd, WASM_PAGE } from '../runtime/layout.ts';
import { ModuleContext, type ModuleFacts, type Protection } from './context.ts';
import { keepsPageTable, trapsInEngine, usesLowArea, type ProtectMode } from '../translate-options.ts';
import type { ProgressListener } from '../translate-progress.ts';
import { addDispatch, addLookup, addRun, dispatchTable } from './dispatch.ts';
import { FunctionSet, learn, type LiftFacts } from './function-set.ts';
import { mergeShards } from './merge.ts';
import { validationError, WasmBuilder } from './builder.ts';
import { optimizeBinary } from './optimize.ts';

const I32 = ir.i32, I64 = ir.i64, F64 = ir.f64, F32 = ir.f32, NONE = ir.none;

export interface EmitOptions {
  optimize: number;
  callDepthLimit: number;
  protect: ProtectMode;
  /** TranslateOptions.relaxedSimd */
  relaxedSimd: boolean;
  /** TranslateOptions.loopReentry */
  loopReentry: boolean;
  onProgress?: ProgressListener;
}
/** `pageTable`: the page table's guest address, 0 when the module does not check accesses;
 *  `lowEnd`: guest addresses below it are the runtime's (TranslationMeta.lowEnd) */
export interface Emitted { wasm: Uint8Array; privateEnd: number; pageTable: number; lowEnd: number }

/** expressions the lifter builds per guest instruction (hello-glibc 15.0, Debian's busybox 15.9) */
const NODES_PER_INSTRUCTION = 16;

/**
 * a module with the translator's imports, sized for `instructions` guest instructions;
 * `relaxedSimd`: it may use relaxed SIMD (arch code asks the module's features)
 */
function newModule(relaxedSimd: boolean, instructions = 0): ir.Module {
  const m = new WasmBuilder(instructions * NODES_PER_INSTRUCTION);
  m.checkTrees = validating();
  m.setFeatures(ir.Features.MVP | ir.Features.SIMD128 | ir.Features.TailCall | ir.Features.BulkMemory | ir.Features.BulkMemoryOpt
    | ir.Features.SignExt | ir.Features.MutableGlobals | ir.Features.NontrappingFPToInt | (relaxedSimd ? ir.Features.RelaxedSIMD : 0));
  m.addFunctionImport(IMPORT.syscall, LINUX, IMPORT.syscall, ir.createType([I64, I64, I64, I64, I64, I64, I64, I64]), I64);
  m.addFunctionImport(IMPORT.trap, LINUX, IMPORT.trap, ir.createType([I32, I64, I64]), NONE);
  m.addFunctionImport(IMPORT.icache, LINUX, IMPORT.icache, I64, NONE);
  m.addFunctionImport(IMPORT.fault, LINUX, IMPORT.fault, ir.createType([I64, I64]), NONE);
  // the engine's fused multiply-add when it has one (see runtime/fma.ts); hwfma says whether to use it
  m.addFunctionImport(IMPORT.fma64, LINUX, IMPORT.fma64, ir.createType([F64, F64, F64]), F64);
  m.addFunctionImport(IMPORT.fma32, LINUX, IMPORT.fma32, ir.createType([F32, F32, F32]), F32);
  m.addGlobalImport(IMPORT.hwfma, LINUX, IMPORT.hwfma, I32, false);
  return m;
}

/** lifts every function, then emits them once the call graph's clobber sets are known; the functions' names */
function emitFunctions(ctx: ModuleContext, arch: Arch, onProgress?: ProgressListener): string[] {
  const set = new FunctionSet(ctx, arch);
  set.adopt(learn(ctx.fns, set.lift(onProgress)));
  set.finish(onProgress);
  ctx.addHelpers(ctx.helpersUsed);
  return set.names;
}

/**
 * The engine's validation of every module as it is emitted, under the test suite (vitest) or
 * ELF2WASM_VALIDATE=1: it names the translator's own mistakes (function and offset); elsewhere
 * the engine's validation when it compiles the module still refuses a bad one.
 */
const validating = (): boolean => {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  return env?.VITEST !== undefined || env?.ELF2WASM_VALIDATE === '1';
};

/** emits, validates and optimises `m` (binaryen's passes work on whole modules: a shard is not optimised) */
function finishModule(m: ir.Module, optimize: number, onProgress?: ProgressListener): Uint8Array {
  onProgress?.({ phase: 'emit', done: 0, total: 1 });
  let wasm = m.emitBinary();
  const invalid = validating() ? validationError(wasm, (m.getFeatures() & ir.Features.RelaxedSIMD) !== 0) : undefined;
  if (invalid) throw new Error(`internal error: generated Wasm module does not validate: ${invalid}`);
  if (optimize > 0) {
    onProgress?.({ phase: 'optimize', done: 0, total: 1 });
    wasm = optimizeBinary(wasm, optimize, m.getFeatures());
    onProgress?.({ phase: 'optimize', done: 1, total: 1 });
  }
  return wasm;
}

/** which of a program's functions a shard of a parallel translation emits (translate-shards.ts) */
export interface Shard { index: number; own: (k: number) => boolean }

/**
 * A program module, built in the phases a translation in shards needs (translate-shards.ts):
 * every shard lifts its functions, learns the facts of all of them, adds its functions (stubs
 * for the others') and the helpers any shard called, and emits; shard 0's module with the other
 * shards' function bodies is the program (merge.ts). Without a shard it is the whole program.
 */
export class ProgramModule {
  private readonly m: ir.Module;
  private readonly ctx: ModuleContext;
  private readonly set: FunctionSet;
  private readonly tableBase: number;
  private readonly bits: number;
  readonly privateEnd: number;
  readonly pageTable: number;
  readonly lowEnd: number;

  constructor(image: ElfImage, program: Program, private readonly arch: Arch, private readonly opts: EmitOptions, private readonly shard?: Shard) {
    const fns = [...program.functions.values()].sort((a, b) => a.entry - b.entry);
    // the instructions of the functions this module lifts (discovery counted them all)
    let lifted = shard ? 0 : program.instructions;
    if (shard) for (let k = 0; k < fns.length; k++) if (shard.own(k)) lifted += instructionCount(fns[k]!);
    const m = this.m = newModule(opts.relaxedSimd, lifted);
    m.addFunctionImport(IMPORT.miss, LINUX, IMPORT.miss, I64, NONE);
    m.addGlobal(EXPORT.depth, I32, true, m.i32.const(0));
    m.addGlobalExport(EXPORT.depth, EXPORT.depth); // saved around nested runs (signal handlers)

    const { table, bits } = dispatchTable(fns, arch.insnAlignLog2);
    this.bits = bits;
    // under 'null', 'pages' and 'full' the dispatch table goes below the image when it fits, where
    // guest accesses trap or fault; under 'pages' and 'full' with the page table at the top of that
    // area (layout.ts), the same place for every program, so that libraries translated on their
    // own can name it
    const lowArea = usesLowArea(opts.protect) && image.imageStart >= LOW_AREA_END;
    this.lowEnd = lowArea ? LOW_AREA_END : MIN_GUEST_ADDR;
    const tableLow = lowArea && keepsPageTable(opts.protect);
    const low = table.length <= (tableLow ? LOW_PAGE_TABLE : this.lowEnd) - MIN_GUEST_ADDR;
    this.tableBase = low ? MIN_GUEST_ADDR : alignUp(image.imageEnd, PAGE_SIZE);
    const privateStart = low ? image.imageEnd : this.tableBase + table.length;
    // else the page table (filled by the runtime before any guest code runs) follows the dispatch table
    const tableAfter = keepsPageTable(opts.protect) && !tableLow;
    this.pageTable = tableLow ? LOW_PAGE_TABLE : tableAfter ? alignUp(privateStart, PAGE_SIZE) : 0;
    this.privateEnd = alignUp(tableAfter ? this.pageTable + PAGE_TABLE_SIZE : privateStart, WASM_PAGE);
    // only the module that becomes the program (shard 0) needs the data
    const segments: ir.MemorySegment[] = shard && shard.index > 0 ? [] : image.segments
      .filter((s) => s.filesz > 0 && !s.guestMapped)
      .map((s) => ({ offset: m.i32.const(s.vaddr), data: s.data, passive: false }));
    if (!shard || shard.index === 0) segments.push({ offset: m.i32.const(this.tableBase), data: table, passive: false });
    m.setMemory(this.privateEnd / WASM_PAGE, 65536, EXPORT.memory, segments);

    const stores = storeEnd(opts.protect, this.lowEnd, moduleSegments(image));
    this.ctx = new ModuleContext(m, fns, arch, opts.callDepthLimit, undefined, { mode: opts.protect, pageTable: this.pageTable, lowEnd: this.lowEnd, storeEnd: stores, stackGuard: trapsInEngine(opts.protect) ? this.privateEnd : 0 });
    this.ctx.loopReentry = opts.loopReentry;
    this.set = new FunctionSet(this.ctx, arch, shard?.own);
  }

  lift(): LiftFacts[] { return this.set.lift(this.opts.onProgress); }

  get fns(): GuestFunction[] { return this.ctx.fns; }

  /** adds the functions, given what all of them tell each other (function-set.ts learn); the helpers they call */
  finish(facts: ModuleFacts): string[] {
    this.set.adopt(facts);
    this.set.finish(this.opts.onProgress);
    return [...this.ctx.helpersUsed];
  }

  /** the binary, with `helpers` (every shard's) */
  emit(helpers: string[]): Uint8Array {
    const { m, ctx, set, arch } = this;
    ctx.addHelpers(helpers);
    const names = set.names;
    // growable: code lifted at run time appends its functions
    m.addTable(EXPORT.table, names.length, TABLE_MAX);
    // in segments of ELEMENT_SEGMENT_MAX names (binaryen, when it wrote the modules, overflowed its
    // 5 MB stack on a million names in one; the optimiser still reads them)
    for (let k = 0; k < names.length; k += ELEMENT_SEGMENT_MAX) {
      m.addActiveElementSegment(EXPORT.table, `fns_init${k ? `_${k}` : ''}`, names.slice(k, k + ELEMENT_SEGMENT_MAX), m.i32.const(k));
    }
    m.addTableExport(EXPORT.table, EXPORT.table);

    addLookup(m, this.tableBase, this.bits, arch.insnAlignLog2);
    addDispatch(m);
    addRun(m);

    return finishModule(m, this.shard ? 0 : this.opts.optimize, this.opts.onProgress);
  }

  dispose(): void { this.m.dispose(); }
}

export function emitModule(image: ElfImage, program: Program, arch: Arch, opts: EmitOptions): Emitted {
  const pm = new ProgramModule(image, program, arch, opts);
  try {
    const facts = pm.lift();
    // joined as one shard: its types in the order a translation on threads gives them (merge.ts)
    const wasm = mergeShards([pm.emit(pm.finish(learn(pm.fns, facts)))], new Uint8Array(0));
    return { wasm, privateEnd: pm.privateEnd, pageTable: pm.pageTable, lowEnd: pm.lowEnd };
  } finally {
    pm.dispose();
  }
}

/**
 * An extension module for code lifted at run time: `fns` go into the program's function table
 * from index `tableIndex` on, exported as f0, f1, … Anything they reach outside themselves goes
 * through the program's dispatcher.
 */
export function emitExtension(fns: GuestFunction[], arch: Arch, opts: Omit<EmitOptions, 'protect'> & { tableIndex: number; protect: Protection }): Uint8Array {
  const m = newModule(opts.relaxedSimd);
  try {
    m.addMemoryImport('0', PROGRAM, EXPORT.memory);
    m.addTableImport(EXPORT.table, PROGRAM, EXPORT.table);
    m.addGlobalImport(EXPORT.depth, PROGRAM, EXPORT.depth, I32, true);
    m.addFunctionImport(EXPORT.lookup, PROGRAM, EXPORT.lookup, I32, I32);
    m.addFunctionImport(EXPORT.dispatch, PROGRAM, EXPORT.dispatch, NONE, NONE);
    const ctx = new ModuleContext(m, fns, arch, opts.callDepthLimit, { tableIndex: opts.tableIndex, external: true }, opts.protect);
    ctx.loopReentry = opts.loopReentry;
    const names = emitFunctions(ctx, arch, opts.onProgress);
    names.forEach((n, k) => m.addFunctionExport(n, extensionExport(k)));
    return finishModule(m, opts.optimize, opts.onProgress);
  } finally {
    m.dispose();
  }
}

/**
 * A shared library translated on its own (translate-library.ts): an extension module whose
 * table index is known only when a run installs it, so it is built for LIBRARY_TABLE_INDEX.
 */
export function emitLibrary(fns: GuestFunction[], arch: Arch, opts: Omit<EmitOptions, 'protect'> & { protect: Protection }): Uint8Array {
  return emitExtension(fns, arch, { ...opts, tableIndex: LIBRARY_TABLE_INDEX });
}

/**
 * No function has this table index (TABLE_MAX): a computed goto in a library function, which
 * compares a dispatch slot's function index with its own to branch to one of its entries
 * directly, then always takes its other path, through the dispatcher (correct, a little slower).
 */
const LIBRARY_TABLE_INDEX = 1 << 24;

/** function names per element segment (see emitModule) */
const ELEMENT_SEGMENT_MAX = 8192;

/** the function table's limit: far more functions than any program has */
const TABLE_MAX = 1 << 24;

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;
