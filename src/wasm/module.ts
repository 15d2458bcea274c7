// Assembles Wasm modules from discovered guest functions. A program module holds the memory
// image, the function table, the dispatch table and the dispatcher `run`; an extension module
// (code lifted at run time) imports all of those from the running program and appends its
// functions to the program's table. The contract between them and the runtime is src/abi.ts.
import binaryen from 'binaryen';
import { EXPORT, extensionExport, IMPORT, LINUX, PAGE_TABLE_SIZE, PROGRAM } from '../abi.ts';
import type { ElfImage } from '../elf/parse.ts';
import type { GuestFunction, Program } from '../lift/discover.ts';
import type { Arch } from '../lift/types.ts';
import { LOW_AREA_END, MIN_GUEST_ADDR, PAGE_SIZE, WASM_PAGE } from '../runtime/layout.ts';
import { ModuleContext, type ModuleFacts, type Protection } from './context.ts';
import type { ProtectMode } from '../translate-options.ts';
import type { ProgressListener } from '../translate-progress.ts';
import { addDispatch, addLookup, addRun, dispatchTable } from './dispatch.ts';
import { FunctionSet, learn, type LiftFacts } from './function-set.ts';
import { mergeShards } from './merge.ts';

const I32 = binaryen.i32, I64 = binaryen.i64, F64 = binaryen.f64, F32 = binaryen.f32, NONE = binaryen.none;

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

/** a module with the translator's imports; `relaxedSimd`: it may use relaxed SIMD (arch code asks the module's features) */
function newModule(relaxedSimd: boolean): binaryen.Module {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.TailCall | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt
    | binaryen.Features.SignExt | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt | (relaxedSimd ? binaryen.Features.RelaxedSIMD : 0));
  m.addFunctionImport(IMPORT.syscall, LINUX, IMPORT.syscall, binaryen.createType([I64, I64, I64, I64, I64, I64, I64, I64]), I64);
  m.addFunctionImport(IMPORT.trap, LINUX, IMPORT.trap, binaryen.createType([I32, I64, I64]), NONE);
  m.addFunctionImport(IMPORT.icache, LINUX, IMPORT.icache, I64, NONE);
  m.addFunctionImport(IMPORT.fault, LINUX, IMPORT.fault, binaryen.createType([I64, I64]), NONE);
  // the engine's fused multiply-add when it has one (see runtime/fma.ts); hwfma says whether to use it
  m.addFunctionImport(IMPORT.fma64, LINUX, IMPORT.fma64, binaryen.createType([F64, F64, F64]), F64);
  m.addFunctionImport(IMPORT.fma32, LINUX, IMPORT.fma32, binaryen.createType([F32, F32, F32]), F32);
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
 * binaryen's validation of every module, under the test suite (vitest) or ELF2WASM_VALIDATE=1: it
 * names the translator's own mistakes, and costs 4 % of a translation (busybox: 0.47 of 12 s);
 * elsewhere the engine's validation when it compiles the module still refuses a bad one.
 */
const validating = (): boolean => {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  return env?.VITEST !== undefined || env?.ELF2WASM_VALIDATE === '1';
};

/** validates and optimises `m` (binaryen's passes work on whole modules: a shard is not optimised) */
function finishModule(m: binaryen.Module, optimize: number, onProgress?: ProgressListener): void {
  if (validating() && !m.validate()) throw new Error('internal error: generated Wasm module does not validate');
  binaryen.setOptimizeLevel(optimize);
  binaryen.setShrinkLevel(0);
  binaryen.setDebugInfo(true); // keep function names: guest symbols in Wasm stack traces
  if (optimize > 0) {
    onProgress?.({ phase: 'optimize', done: 0, total: 1 });
    m.optimize();
    onProgress?.({ phase: 'optimize', done: 1, total: 1 });
  }
  onProgress?.({ phase: 'emit', done: 0, total: 1 });
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
  private readonly m: binaryen.Module;
  private readonly ctx: ModuleContext;
  private readonly set: FunctionSet;
  private readonly tableBase: number;
  private readonly bits: number;
  readonly privateEnd: number;
  readonly pageTable: number;
  readonly lowEnd: number;

  constructor(image: ElfImage, program: Program, private readonly arch: Arch, private readonly opts: EmitOptions, private readonly shard?: Shard) {
    const m = this.m = newModule(opts.relaxedSimd);
    m.addFunctionImport(IMPORT.miss, LINUX, IMPORT.miss, I64, NONE);
    m.addGlobal(EXPORT.depth, I32, true, m.i32.const(0));
    m.addGlobalExport(EXPORT.depth, EXPORT.depth); // saved around nested runs (signal handlers)

    const fns = [...program.functions.values()].sort((a, b) => a.entry - b.entry);
    const { table, bits } = dispatchTable(fns, arch.insnAlignLog2);
    this.bits = bits;
    // under 'null' the dispatch table goes below the image when it fits, where guest accesses trap
    this.lowEnd = opts.protect === 'null' && image.imageStart >= LOW_AREA_END ? LOW_AREA_END : MIN_GUEST_ADDR;
    const low = table.length <= this.lowEnd - MIN_GUEST_ADDR;
    this.tableBase = low ? MIN_GUEST_ADDR : alignUp(image.imageEnd, PAGE_SIZE);
    const privateStart = low ? image.imageEnd : this.tableBase + table.length;
    // the page table (zero: no access until the runtime fills it) follows the dispatch table
    const full = opts.protect === 'full';
    this.pageTable = full ? alignUp(privateStart, PAGE_SIZE) : 0;
    this.privateEnd = alignUp(full ? this.pageTable + PAGE_TABLE_SIZE : privateStart, WASM_PAGE);
    // memory first: binaryen validates loads and stores against it as functions are added;
    // only the module that becomes the program (shard 0) needs the data
    const segments: binaryen.MemorySegment[] = shard && shard.index > 0 ? [] : image.segments
      .filter((s) => s.filesz > 0 && !s.guestMapped)
      .map((s) => ({ offset: m.i32.const(s.vaddr), data: s.data, passive: false }));
    if (!shard || shard.index === 0) segments.push({ offset: m.i32.const(this.tableBase), data: table, passive: false });
    m.setMemory(this.privateEnd / WASM_PAGE, 65536, EXPORT.memory, segments);

    this.ctx = new ModuleContext(m, fns, arch, opts.callDepthLimit, undefined, { mode: opts.protect, pageTable: this.pageTable, lowEnd: this.lowEnd, stackGuard: opts.protect === 'null' ? this.privateEnd : 0 });
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
    // binaryen.js copies a segment's names onto its 5 MB stack: a million names overflow it
    for (let k = 0; k < names.length; k += ELEMENT_SEGMENT_MAX) {
      m.addActiveElementSegment(EXPORT.table, `fns_init${k ? `_${k}` : ''}`, names.slice(k, k + ELEMENT_SEGMENT_MAX), m.i32.const(k));
    }
    m.addTableExport(EXPORT.table, EXPORT.table);

    addLookup(m, this.tableBase, this.bits, arch.insnAlignLog2);
    addDispatch(m);
    addRun(m);

    finishModule(m, this.shard ? 0 : this.opts.optimize, this.opts.onProgress);
    return m.emitBinary();
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
    finishModule(m, opts.optimize, opts.onProgress);
    return m.emitBinary();
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
