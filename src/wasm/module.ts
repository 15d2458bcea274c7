// Assembles Wasm modules from discovered guest functions. A program module holds the memory
// image, the function table, the dispatch table and the dispatcher `run`; an extension module
// (code lifted at run time) imports all of those from the running program and appends its
// functions to the program's table. The contract between them and the runtime is src/abi.ts.
import binaryen from 'binaryen';
import { EXPORT, extensionExport, IMPORT, LINUX, PAGE_TABLE_SIZE, PROGRAM } from '../abi.ts';
import type { ElfImage } from '../elf/parse.ts';
import type { GuestFunction, Program } from '../lift/discover.ts';
import type { Arch } from '../lift/types.ts';
import { PAGE_SIZE, WASM_PAGE } from '../runtime/layout.ts';
import { HINT_DEFAULT, HINT_OPTIMIZED, insertCompilationHints } from './custom-section.ts';
import { ModuleContext, type Protection } from './context.ts';
import type { ProtectMode } from '../translate-options.ts';
import type { ProgressListener } from '../translate-progress.ts';
import { addDispatch, addLookup, addRun, dispatchTable } from './dispatch.ts';
import { FunctionEmitter } from './function.ts';

const I32 = binaryen.i32, I64 = binaryen.i64, F64 = binaryen.f64, F32 = binaryen.f32, NONE = binaryen.none;

export interface EmitOptions {
  optimize: number;
  callDepthLimit: number;
  protect: ProtectMode;
  onProgress?: ProgressListener;
}
/** `pageTable`: the page table's guest address, 0 when the module does not check accesses */
export interface Emitted { wasm: Uint8Array; privateEnd: number; pageTable: number }

function newModule(): binaryen.Module {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.TailCall | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt
    | binaryen.Features.SignExt | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt);
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

/** lifts every function, then emits them once the call graph's clobber sets are known */
function emitFunctions(ctx: ModuleContext, fns: GuestFunction[], arch: Arch, onProgress?: ProgressListener): { names: string[]; emitters: FunctionEmitter[] } {
  const emitters = fns.map((fn) => new FunctionEmitter(ctx, fn, arch));
  const total = emitters.length;
  emitters.forEach((e, k) => {
    e.lift();
    onProgress?.({ phase: 'lift', done: k + 1, total });
  });
  for (const e of emitters) if (e.flagsLiveIn) ctx.readsFlagsOnEntry.add(e.fn.entry);
  // entries found only as addresses in data or code (no branch goes there) are often not code
  // at all, or mid-function blocks after a compare: they do not count
  const branchedTo = new Set(fns.flatMap((fn) => [...fn.callees]));
  ctx.flagsCrossCalls = emitters.some((e) => e.flagsAtReturn || (e.flagsAtEntry && branchedTo.has(e.fn.entry)));
  ctx.computeClobbers(new Map(emitters.map((e) => [e.fn.entry, e.writes])));
  const names = fns.map((fn) => ctx.functionName(fn.entry)!);
  emitters.forEach((e, k) => {
    try {
      e.finish(names[k]!);
    } catch (err) {
      throw new Error(`internal error: emitting ${names[k]}: ${(err as Error).message}`, { cause: err });
    }
    onProgress?.({ phase: 'compile', done: k + 1, total });
  });
  return { names, emitters };
}

function finishModule(m: binaryen.Module, optimize: number, onProgress?: ProgressListener): void {
  if (!m.validate()) throw new Error('internal error: generated Wasm module does not validate');
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

export function emitModule(image: ElfImage, program: Program, arch: Arch, opts: EmitOptions): Emitted {
  const m = newModule();
  try {
    m.addFunctionImport(IMPORT.miss, LINUX, IMPORT.miss, I64, NONE);
    m.addGlobal(EXPORT.depth, I32, true, m.i32.const(0));
    m.addGlobalExport(EXPORT.depth, EXPORT.depth); // saved around nested runs (signal handlers)

    const fns = [...program.functions.values()].sort((a, b) => a.entry - b.entry);
    const tableBase = alignUp(image.imageEnd, PAGE_SIZE);
    const { table, bits } = dispatchTable(fns, arch.insnAlignLog2);
    // the page table (zero: no access until the runtime fills it) follows the dispatch table
    const full = opts.protect === 'full';
    const pageTable = full ? alignUp(tableBase + table.length, PAGE_SIZE) : 0;
    const privateEnd = alignUp(full ? pageTable + PAGE_TABLE_SIZE : tableBase + table.length, WASM_PAGE);
    // memory first: binaryen validates loads and stores against it as functions are added
    const segments: binaryen.MemorySegment[] = image.segments
      .filter((s) => s.filesz > 0 && !s.guestMapped)
      .map((s) => ({ offset: m.i32.const(s.vaddr), data: s.data, passive: false }));
    segments.push({ offset: m.i32.const(tableBase), data: table, passive: false });
    m.setMemory(privateEnd / WASM_PAGE, 65536, EXPORT.memory, segments);

    const ctx = new ModuleContext(m, fns, arch, opts.callDepthLimit, undefined, { mode: opts.protect, pageTable });
    const { names, emitters } = emitFunctions(ctx, fns, arch, opts.onProgress);
    // growable: code lifted at run time appends its functions
    m.addTable(EXPORT.table, fns.length, TABLE_MAX);
    // binaryen.js copies a segment's names onto its 5 MB stack: a million names overflow it
    for (let k = 0; k < names.length; k += ELEMENT_SEGMENT_MAX) {
      m.addActiveElementSegment(EXPORT.table, `fns_init${k ? `_${k}` : ''}`, names.slice(k, k + ELEMENT_SEGMENT_MAX), m.i32.const(k));
    }
    m.addTableExport(EXPORT.table, EXPORT.table);

    addLookup(m, tableBase, bits, arch.insnAlignLog2);
    addDispatch(m);
    addRun(m);

    finishModule(m, opts.optimize, opts.onProgress);
    return { wasm: withHints(m, names, emitters.map((e) => e.size)), privateEnd, pageTable };
  } finally {
    m.dispose();
  }
}

/** the module's binary with V8's compilation hints (see BASELINE_MIN_INSNS); `sizes` in instructions, as `names` */
function withHints(m: binaryen.Module, names: string[], sizes: number[]): Uint8Array {
  const baseline = new Set(names.filter((_, k) => sizes[k]! >= BASELINE_MIN_INSNS));
  const hints: number[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (!info.module) hints.push(baseline.has(info.name) ? HINT_DEFAULT : HINT_OPTIMIZED);
  }
  return insertCompilationHints(m.emitBinary(), new Uint8Array(hints));
}

/**
 * An extension module for code lifted at run time: `fns` go into the program's function table
 * from index `tableIndex` on, exported as f0, f1, … Anything they reach outside themselves goes
 * through the program's dispatcher.
 */
export function emitExtension(fns: GuestFunction[], arch: Arch, opts: Omit<EmitOptions, 'protect'> & { tableIndex: number; protect: Protection; hints?: boolean }): Uint8Array {
  const m = newModule();
  try {
    m.addMemoryImport('0', PROGRAM, EXPORT.memory);
    m.addTableImport(EXPORT.table, PROGRAM, EXPORT.table);
    m.addGlobalImport(EXPORT.depth, PROGRAM, EXPORT.depth, I32, true);
    m.addFunctionImport(EXPORT.lookup, PROGRAM, EXPORT.lookup, I32, I32);
    m.addFunctionImport(EXPORT.dispatch, PROGRAM, EXPORT.dispatch, NONE, NONE);
    const ctx = new ModuleContext(m, fns, arch, opts.callDepthLimit, { tableIndex: opts.tableIndex, external: true }, opts.protect);
    const { names, emitters } = emitFunctions(ctx, fns, arch, opts.onProgress);
    names.forEach((n, k) => m.addFunctionExport(n, extensionExport(k)));
    finishModule(m, opts.optimize, opts.onProgress);
    return opts.hints ? withHints(m, names, emitters.map((e) => e.size)) : m.emitBinary();
  } finally {
    m.dispose();
  }
}

/**
 * A shared library translated on its own (translate-library.ts): an extension module whose
 * table index is known only when a run installs it, so it is built for LIBRARY_TABLE_INDEX.
 */
export function emitLibrary(fns: GuestFunction[], arch: Arch, opts: Omit<EmitOptions, 'protect'> & { protect: Protection }): Uint8Array {
  return emitExtension(fns, arch, { ...opts, tableIndex: LIBRARY_TABLE_INDEX, hints: true });
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

/**
 * Guest functions at least this long (in instructions) start in V8's baseline compiler (Liftoff):
 * the optimising compiler, which otherwise compiles every function on its first call on the main
 * thread, takes ~110 ms for glibc's __vfprintf_internal alone (2,057 instructions), more than a
 * hello world's whole run; dynamic tiering recompiles such a function in the background once it
 * is hot. The cost: a function this big that runs a long loop within one call stays in Liftoff.
 */
const BASELINE_MIN_INSNS = 1000;

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;
