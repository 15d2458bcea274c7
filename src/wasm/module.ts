// Assembles the Wasm module: memory image, imports, translated functions, the function table,
// the guest-PC → (function, entry) hash table, and the top-level dispatcher `run`.
import binaryen from 'binaryen';
import type { ElfImage } from '../elf/parse.ts';
import type { GuestFunction, Program } from '../lift/discover.ts';
import type { Arch } from '../lift/types.ts';
import { TrapKind } from '../meta.ts';
import { PAGE_SIZE, STATE, WASM_PAGE } from '../runtime/layout.ts';
import { HINT_DEFAULT, HINT_OPTIMIZED, insertCompilationHints } from './custom-section.ts';
import { ModuleContext } from './context.ts';
import { FunctionEmitter } from './function.ts';

const I32 = binaryen.i32, I64 = binaryen.i64, NONE = binaryen.none;
const SLOT = 16;

export interface EmitOptions { optimize: number; callDepthLimit: number }
export interface Emitted { wasm: Uint8Array; privateEnd: number }

export function emitModule(image: ElfImage, program: Program, arch: Arch, opts: EmitOptions): Emitted {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.TailCall | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt
    | binaryen.Features.SignExt | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt);
  m.addFunctionImport('syscall', 'linux', 'syscall', binaryen.createType([I64, I64, I64, I64, I64, I64, I64, I64]), I64);
  m.addFunctionImport('trap', 'linux', 'trap', binaryen.createType([I32, I64, I64]), NONE);
  m.addGlobal('depth', I32, true, m.i32.const(0));
  // the engine's fused multiply-add when it has one (see runtime/fma.ts); hwfma says whether to use it
  const F64 = binaryen.f64, F32 = binaryen.f32;
  m.addFunctionImport('fma64', 'linux', 'fma64', binaryen.createType([F64, F64, F64]), F64);
  m.addFunctionImport('fma32', 'linux', 'fma32', binaryen.createType([F32, F32, F32]), F32);
  m.addGlobalImport('hwfma', 'linux', 'hwfma', I32, false);

  const fns = [...program.functions.values()].sort((a, b) => a.entry - b.entry);
  const tableBase = alignUp(image.imageEnd, PAGE_SIZE);
  const { table, bits } = dispatchTable(fns);
  const privateEnd = alignUp(tableBase + table.length, WASM_PAGE);
  // memory first: binaryen validates loads and stores against it as functions are added
  const segments: binaryen.MemorySegment[] = image.segments
    .filter((s) => s.filesz > 0)
    .map((s) => ({ offset: m.i32.const(s.vaddr), data: s.data, passive: false }));
  segments.push({ offset: m.i32.const(tableBase), data: table, passive: false });
  m.setMemory(privateEnd / WASM_PAGE, 65536, 'memory', segments);

  const ctx = new ModuleContext(m, program, arch, opts.callDepthLimit);
  const emitters = fns.map((fn) => new FunctionEmitter(ctx, fn, arch));
  for (const e of emitters) e.lift();
  ctx.computeClobbers(new Map(emitters.map((e) => [e.fn.entry, e.writes])));
  const names = fns.map((fn) => ctx.functionName(fn.entry)!);
  emitters.forEach((e, k) => {
    try {
      e.finish(names[k]!);
    } catch (err) {
      throw new Error(`internal error: emitting ${names[k]}: ${(err as Error).message}`, { cause: err });
    }
  });
  m.addTable('fns', fns.length, fns.length);
  m.addActiveElementSegment('fns', 'fns_init', names, m.i32.const(0));

  addLookup(m, tableBase, bits);
  addDispatch(m);
  addRun(m);
  m.addFunctionExport('run', 'run');
  m.addGlobalExport('depth', 'depth'); // saved around nested runs (signal handlers)

  if (!m.validate()) throw new Error('internal error: generated Wasm module does not validate');
  binaryen.setOptimizeLevel(opts.optimize);
  binaryen.setShrinkLevel(0);
  binaryen.setDebugInfo(true); // keep function names: guest symbols in Wasm stack traces
  if (opts.optimize > 0) m.optimize();
  const baseline = new Set(names.filter((_, k) => emitters[k]!.size >= BASELINE_MIN_INSNS));
  const hints: number[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (!info.module) hints.push(baseline.has(info.name) ? HINT_DEFAULT : HINT_OPTIMIZED);
  }
  const wasm = insertCompilationHints(m.emitBinary(), new Uint8Array(hints));
  m.dispose();
  return { wasm, privateEnd };
}

/**
 * Guest functions at least this long (in instructions) start in V8's baseline compiler (Liftoff):
 * the optimising compiler, which otherwise compiles every function on its first call on the main
 * thread, takes ~110 ms for glibc's __vfprintf_internal alone (2,057 instructions), more than a
 * hello world's whole run; dynamic tiering recompiles such a function in the background once it
 * is hot. The cost: a function this big that runs a long loop within one call stays in Liftoff.
 */
const BASELINE_MIN_INSNS = 1000;

/** guest PC → (function index, entry index), open addressing; every entry point of every function */
function dispatchTable(fns: GuestFunction[]): { table: Uint8Array; bits: number } {
  const entries: [number, number, number][] = [];
  const seen = new Set<number>();
  fns.forEach((fn, fi) => fn.entries.forEach((pc, k) => { if (!seen.has(pc)) { seen.add(pc); entries.push([pc, fi, k]); } }));
  const bits = Math.max(4, Math.ceil(Math.log2(entries.length * 2 + 1)));
  const table = new Uint8Array(SLOT << bits);
  const dv = new DataView(table.buffer);
  for (const [pc, fi, k] of entries) {
    let i = hash(pc, bits);
    while (dv.getUint32(i * SLOT, true) !== 0) i = (i + 1) & ((1 << bits) - 1);
    dv.setUint32(i * SLOT, pc, true);
    dv.setUint32(i * SLOT + 4, fi, true);
    dv.setUint32(i * SLOT + 8, k, true);
  }
  return { table, bits };
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** Fibonacci hashing of the word index; the Wasm lookup computes the same */
function hash(pc: number, bits: number): number {
  return Math.imul(pc >>> 2, 0x9e3779b1) >>> (32 - bits);
}

function addLookup(m: binaryen.Module, base: number, bits: number): void {
  const pc = () => m.local.get(0, I32), i = () => m.local.get(1, I32), a = () => m.local.get(2, I32), k = () => m.local.get(3, I32);
  const body = m.block(null, [
    m.local.set(1, m.i32.shr_u(m.i32.mul(m.i32.shr_u(pc(), m.i32.const(2)), m.i32.const(0x9e3779b1 | 0)), m.i32.const(32 - bits))),
    m.loop('probe', m.block(null, [
      m.local.set(2, m.i32.add(m.i32.const(base), m.i32.shl(i(), m.i32.const(4)))),
      m.local.set(3, m.i32.load(0, 4, a())),
      m.if(m.i32.eq(k(), pc()), m.return(a())),
      m.if(m.i32.eqz(k()), m.return(m.i32.const(0))),
      m.local.set(1, m.i32.and(m.i32.add(i(), m.i32.const(1)), m.i32.const((1 << bits) - 1))),
      m.br('probe'),
    ])),
    m.unreachable(),
  ]);
  m.addFunction('lookup', I32, I32, [I32, I32, I32], body);
}

const loadPc = (m: binaryen.Module) => m.i64.load(0, 8, m.i32.const(STATE.pc));
const callSlot = (m: binaryen.Module, slot: () => binaryen.ExpressionRef, tail: boolean) =>
  (tail ? m.return_call_indirect : m.call_indirect).call(m, 'fns', m.i32.load(4, 4, slot()), [m.i32.load(8, 4, slot())], I32, NONE);

/** Enters the translated code for STATE.pc; if there is none, returns and lets the caller see the PC. */
function addDispatch(m: binaryen.Module): void {
  const slot = () => m.local.get(0, I32);
  m.addFunction('dispatch', NONE, NONE, [I32], m.block(null, [
    m.local.set(0, m.call('lookup', [m.i32.wrap(loadPc(m))], I32)),
    m.if(m.i32.eqz(slot()), m.return()),
    callSlot(m, slot, true),
  ]));
}

/** The dispatcher loop: runs the guest from STATE.pc until the runtime throws (exit, trap). */
function addRun(m: binaryen.Module): void {
  const slot = () => m.local.get(0, I32);
  m.addFunction('run', NONE, NONE, [I32], m.loop('next', m.block(null, [
    m.global.set('depth', m.i32.const(0)),
    m.local.set(0, m.call('lookup', [m.i32.wrap(loadPc(m))], I32)),
    m.if(m.i32.eqz(slot()), m.call('trap', [m.i32.const(TrapKind.UnknownTarget), loadPc(m), loadPc(m)], NONE)),
    callSlot(m, slot, false),
    m.br('next'),
  ])));
}
