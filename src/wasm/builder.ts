// WasmBuilder: binaryen's module API as far as the translator uses it (ir.ts), written for what a
// translation does — build a function's expressions, add the function, never look back. Each
// function is encoded when it is added; names (functions, globals, labels) resolve when the
// module is emitted. The expressions stay in the node store until the builder goes (a program's
// are all built before the first function is added, so dropping them as functions are added
// saved nothing: busybox 0.83 GB either way). The one-instruction methods (i64.add,
// v128.load8_lane, ...) come from ops.ts.
import { OPS, type OpShape } from './ops.ts';
import { expandType, Features, none, TYPE_BY_NAME, unreachable, valueTypeByte, type ExpressionRef as Expr, type Type } from './ir.ts';
import { ByteWriter, withRoom } from './byte-writer.ts';
import { NodeStore } from './node-store.ts';
// the expression methods' signatures are binaryen's (types only: nothing of binaryen is loaded)
import type binaryen from 'binaryen';

const enum K {
  Op, I32Const, I64Const, F32Const, F64Const, V128Const, LocalGet, LocalSet, LocalTee, GlobalGet, GlobalSet,
  Block, Loop, If, Br, BrIf, Switch, Call, ReturnCall, CallIndirect, ReturnCallIndirect, Return, Drop, Select, Nop, Unreachable,
}

interface OpInfo { bytes: Uint8Array; type: Type; shape: OpShape }
/** ops that ops.ts has not: relaxed SIMD's madd (binaryen.js has it in its C API only); memory.fill and copy (memory indices after the opcode) */
const EXTRA_OPS: [string, string, Type][] = [
  ['f32x4.relaxed_madd', 'fd8502', TYPE_BY_NAME.v128!], ['f64x2.relaxed_madd', 'fd8702', TYPE_BY_NAME.v128!],
  ['memory.fill', 'fc0b00', none], ['memory.copy', 'fc0a0000', none],
];

const fromHex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
const OP_LIST: OpInfo[] = [];
const OP_INDEX = new Map<string, number>();
for (const [path, hex, type, shape] of OPS) { OP_INDEX.set(path, OP_LIST.length); OP_LIST.push({ bytes: fromHex(hex), type: TYPE_BY_NAME[type]!, shape }); }
for (const [path, hex, type] of EXTRA_OPS) { OP_INDEX.set(path, OP_LIST.length); OP_LIST.push({ bytes: fromHex(hex), type, shape: 'plain' }); }

/**
 * a Wasm function, encoded: `relocs` are pairs (offset in `code`, reference) where an index goes
 * that is known only when the module is emitted: 3 × a string id for a function's, + 1 for a
 * global's; 3 × a type's number (typeIdx) + 2 for a type's
 */
interface EncodedFunction { name: string; type: number; code: Uint8Array; relocs: number[]; hints: number[] }
interface Import { kind: 'func' | 'global' | 'memory' | 'table'; name: string; module: string; base: string; type?: number; valueType?: Type; mutable?: boolean }
interface Global { name: string; type: Type; mutable: boolean; init: Uint8Array }
interface Segment { offset: Expr; data: Uint8Array }
export type ExprInfo = { kind: 'local.get'; index: number } | { kind: 'i64.add'; left: Expr; right: Expr } | { kind: 'i64.const'; value: bigint } | { kind: 'other' };

const LIMIT_MIN = 0x00, LIMIT_MIN_MAX = 0x01;
const FUNC_REF = 0x70;

export class WasmBuilder {
  private store: NodeStore;
  /**
   * refuse an expression used twice (the same node in two places of a tree, or in two
   * functions): it would be encoded twice, its effects with it. Constants are exempt (the
   * lifter shares some, which is harmless). Under the test suite (module.ts validating).
   */
  checkTrees = false;
  /** per node, whether it was encoded, when checking trees */
  private encoded = new Uint8Array(0);
  /** where a function is encoded before it is copied out */
  private readonly scratch = new ByteWriter();
  /** names (labels, functions, globals) by id: nodes hold ids */
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** v128 constants and shuffle masks, each once (most are a few masks and zero) */
  private readonly blobs: Uint8Array[] = [];
  private readonly blobIds = new Map<string, number>();
  private features = 0;
  private readonly types: { params: Type; results: Type }[] = [];
  private readonly typeIndex = new Map<string, number>();
  private readonly imports: Import[] = [];
  private readonly funcs: EncodedFunction[] = [];
  private readonly funcNames = new Set<string>();
  private readonly globals: Global[] = [];
  private readonly globalNames = new Set<string>();
  private readonly exports: { name: string; kind: 0 | 1 | 2 | 3; of: string }[] = [];
  private table?: { name: string; initial: number; maximum: number };
  private mem?: { initial: number; maximum: number; exportName?: string; segments: { offset: Uint8Array; data: Uint8Array }[] };
  private readonly elements: { offset: Uint8Array; names: readonly string[] }[] = [];

  readonly i32: binaryen.Module['i32'];
  readonly i64: binaryen.Module['i64'];
  readonly f32: binaryen.Module['f32'];
  readonly f64: binaryen.Module['f64'];
  readonly v128: binaryen.Module['v128'];
  readonly i8x16: binaryen.Module['i8x16'];
  readonly i16x8: binaryen.Module['i16x8'];
  readonly i32x4: binaryen.Module['i32x4'];
  readonly i64x2: binaryen.Module['i64x2'];
  readonly f32x4: binaryen.Module['f32x4'];
  readonly f64x2: binaryen.Module['f64x2'];
  /** fill and copy only */
  readonly memory: binaryen.Module['memory'];

  /** `nodes`: the expressions the module is expected to hold (NodeStore's capacity) */
  constructor(nodes = 0) {
    this.store = new NodeStore(nodes);
    const spaces: Record<string, Record<string, unknown>> = {};
    for (const [path, index] of OP_INDEX) {
      const parts = path.split('.');
      let o = (spaces[parts[0]!] ??= {});
      for (const p of parts.slice(1, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
      o[parts[parts.length - 1]!] = this.opMethod(index);
    }
    const I32 = TYPE_BY_NAME.i32!, I64 = TYPE_BY_NAME.i64!, F32 = TYPE_BY_NAME.f32!, F64 = TYPE_BY_NAME.f64!, V128 = TYPE_BY_NAME.v128!;
    const s = spaces as Record<string, Record<string, unknown>>;
    const leaf = (k: K, t: Type, a: number, b = 0): Expr => this.store.add(k, t, a, b, 0, 0);
    /** binaryen's 64-bit constants: a bigint, or low and high halves (no spread of a pair: this runs mostly in the baseline tier) */
    const halves = (k: K, t: Type, lo: number | bigint, hi: number): Expr =>
      typeof lo === 'bigint' ? leaf(k, t, Number(BigInt.asIntN(32, lo)), Number(BigInt.asIntN(32, lo >> 32n))) : leaf(k, t, lo | 0, hi | 0);
    s.i32!.const = (v: number) => leaf(K.I32Const, I32, v | 0);
    s.i64!.const = (lo: number | bigint, hi = 0) => halves(K.I64Const, I64, lo, hi);
    s.f32!.const = (v: number) => leaf(K.F32Const, F32, f32Bits(v));
    s.f32!.const_bits = (bits: number) => leaf(K.F32Const, F32, bits | 0);
    s.f64!.const = (v: number) => leaf(K.F64Const, F64, ...f64Bits(v));
    s.f64!.const_bits = (lo: number | bigint, hi = 0) => halves(K.F64Const, F64, lo, hi);
    s.v128!.const = (bytes: ArrayLike<number>) => leaf(K.V128Const, V128, this.blob(bytes));
    const ns = <N extends keyof binaryen.Module>(name: N) => s[name] as unknown as binaryen.Module[N];
    this.i32 = ns('i32'); this.i64 = ns('i64'); this.f32 = ns('f32'); this.f64 = ns('f64'); this.v128 = ns('v128');
    this.i8x16 = ns('i8x16'); this.i16x8 = ns('i16x8'); this.i32x4 = ns('i32x4'); this.i64x2 = ns('i64x2'); this.f32x4 = ns('f32x4'); this.f64x2 = ns('f64x2');
    this.memory = ns('memory');
  }

  private id(name: string): number {
    let k = this.stringIds.get(name);
    if (k === undefined) { k = this.strings.length; this.strings.push(name); this.stringIds.set(name, k); }
    return k;
  }

  private blob(bytes: ArrayLike<number>): number {
    const b = Uint8Array.from(bytes), key = b.join(',');
    let k = this.blobIds.get(key);
    if (k === undefined) { k = this.blobs.length; this.blobs.push(b); this.blobIds.set(key, k); }
    return k;
  }

  private dead(e: Expr): boolean { return this.store.type[e] === unreachable; }

  private isZero(e: Expr): boolean {
    const st = this.store, k = st.kind[e];
    return (k === K.I64Const && st.b[e] === 0 || k === K.I32Const) && st.a[e] === 0;
  }

  // indexed loops and direct writes here: the lifter builds millions of nodes, mostly in the engine's baseline tier
  /** a node whose type is `t` unless an operand never completes */
  private node(k: K, t: Type, a: number, b: number, c: number, kids: readonly Expr[]): Expr {
    const types = this.store.type;
    for (let i = 0; i < kids.length; i++) if (types[kids[i]!] === unreachable) { t = unreachable; break; }
    return this.nodeTyped(k, t, a, b, c, kids);
  }

  private nodeTyped(k: K, t: Type, a: number, b: number, c: number, kids: readonly Expr[]): Expr {
    const st = this.store, e = st.add(k, t, a, b, c, kids.length), pool = st.pool, at = st.kidsAt[e]!;
    for (let i = 0; i < kids.length; i++) pool[at + i] = kids[i]!;
    return e;
  }

  private opMethod(index: number): unknown {
    const op = OP_LIST[index]!, t = op.type;
    const zero = ZERO_IDENTITY.get(index);
    if (zero !== undefined) {
      return (l: Expr, r: Expr) => this.isZero(r) ? l : zero === 'either' && this.isZero(l) ? r : this.node(K.Op, t, index, 0, 0, [l, r]);
    }
    switch (op.shape) {
      case 'memarg': return (offset: number, align: number, ptr: Expr, value?: Expr | string) =>
        this.node(K.Op, t, index, offset, align, typeof value === 'number' ? [ptr, value] : [ptr]);
      case 'lane': return (offset: number, align: number, lane: number, ptr: Expr, vec: Expr) => this.node(K.Op, t, index, offset, align | (lane << 8), [ptr, vec]);
      case 'extract': return (vec: Expr, lane: number) => this.node(K.Op, t, index, 0, lane << 8, [vec]);
      case 'replace': return (vec: Expr, lane: number, value: Expr) => this.node(K.Op, t, index, 0, lane << 8, [vec, value]);
      case 'shuffle': return (l: Expr, r: Expr, mask: ArrayLike<number>) => this.node(K.Op, t, index, this.blob(mask), 0, [l, r]);
      default: return (...kids: Expr[]) => this.node(K.Op, t, index, 0, 0, kids);
    }
  }

  // ---- expressions beyond single instructions

  readonly local = {
    get: (index: number, type: Type): Expr => this.node(K.LocalGet, type, index, 0, 0, NO_KIDS),
    set: (index: number, value: Expr): Expr => this.node(K.LocalSet, none, index, 0, 0, [value]),
    tee: (index: number, value: Expr, type: Type): Expr => this.node(K.LocalTee, type, index, 0, 0, [value]),
  };

  readonly global = {
    get: (name: string, type: Type): Expr => this.node(K.GlobalGet, type, this.id(name), 0, 0, NO_KIDS),
    set: (name: string, value: Expr): Expr => this.node(K.GlobalSet, none, this.id(name), 0, 0, [value]),
  };

  /** binaryen's typing: the last child's type; a named block whose end is unreachable is left by branches (none) */
  block(name: string | null, children: readonly Expr[], type?: Type): Expr {
    let t = type;
    if (t === undefined || t === -1) {
      const last = children.length ? this.store.type[children[children.length - 1]!]! : none;
      t = last === unreachable && name ? none : last;
      // a block without a result that cannot complete has none either
      if (t === none && !name && children.some((c) => this.dead(c))) t = unreachable;
    }
    return this.nodeTyped(K.Block, t, name === null ? -1 : this.id(name), 0, 0, children);
  }

  loop(name: string | null, body: Expr): Expr {
    return this.nodeTyped(K.Loop, this.store.type[body]!, name === null ? -1 : this.id(name), 0, 0, [body]);
  }

  /**
   * `e` (an `if`) with a branch hint: whether its condition is usually true. The engine lays the
   * other arm out of the way, and the spills for the calls there stay there: without hints the FP
   * bench programs, whose every FP instruction has an unlikely helper call, ran 15–19 % more
   * instructions (V8 11.3 spilled around those calls on the hot path too).
   */
  hint(e: Expr, likely: boolean): Expr {
    if (this.store.kind[e] !== K.If) throw new Error('internal error: a branch hint on something else than an if');
    this.store.a[e] = likely ? HINT_LIKELY : HINT_UNLIKELY;
    return e;
  }

  if(cond: Expr, ifTrue: Expr, ifFalse?: Expr): Expr {
    const ty = this.store.type;
    if (ifFalse === undefined || ifFalse === 0) return this.nodeTyped(K.If, this.dead(cond) ? unreachable : none, 0, 0, 0, [cond, ifTrue]);
    const a = ty[ifTrue]!, b = ty[ifFalse]!;
    const t = this.dead(cond) ? unreachable : a === b ? a : a === unreachable ? b : b === unreachable ? a : none;
    return this.nodeTyped(K.If, t, 0, 0, 0, [cond, ifTrue, ifFalse]);
  }

  br(label: string, condition?: Expr, value?: Expr): Expr {
    if (value) throw new Error('internal error: br with a value');
    if (condition) return this.node(K.BrIf, none, this.id(label), 0, 0, [condition]);
    return this.node(K.Br, unreachable, this.id(label), 0, 0, NO_KIDS);
  }

  /** br_table: operand 0 the index, then the labels' ids, the default last */
  switch(labels: readonly string[], defaultLabel: string, condition: Expr, value?: Expr): Expr {
    if (value) throw new Error('internal error: br_table with a value');
    const kids = [condition]; // pushed: one elements kind for every node's operands (see lift/arrays.ts)
    for (let k = 0; k < labels.length; k++) kids.push(this.id(labels[k]!));
    kids.push(this.id(defaultLabel));
    return this.nodeTyped(K.Switch, unreachable, 0, 0, 0, kids);
  }

  call(name: string, operands: readonly Expr[], returnType: Type): Expr {
    return this.node(K.Call, returnType, this.id(name), 0, 0, operands);
  }

  return_call(name: string, operands: readonly Expr[], _returnType: Type): Expr {
    return this.node(K.ReturnCall, unreachable, this.id(name), 0, 0, operands);
  }

  call_indirect(_table: string, target: Expr, operands: readonly Expr[], params: Type, results: Type): Expr {
    return this.node(K.CallIndirect, results, this.typeIdx(params, results), 0, 0, [...operands, target]);
  }

  return_call_indirect(_table: string, target: Expr, operands: readonly Expr[], params: Type, results: Type): Expr {
    return this.node(K.ReturnCallIndirect, unreachable, this.typeIdx(params, results), 0, 0, [...operands, target]);
  }

  return(value?: Expr): Expr { return this.node(K.Return, unreachable, 0, 0, 0, value ? [value] : NO_KIDS); }
  drop(value: Expr): Expr { return this.node(K.Drop, none, 0, 0, 0, [value]); }
  nop(): Expr { return this.node(K.Nop, none, 0, 0, 0, NO_KIDS); }
  unreachable(): Expr { return this.node(K.Unreachable, unreachable, 0, 0, 0, NO_KIDS); }

  select(condition: Expr, ifTrue: Expr, ifFalse: Expr): Expr {
    const t = this.dead(ifTrue) ? this.store.type[ifFalse]! : this.store.type[ifTrue]!;
    return this.node(K.Select, t, 0, 0, 0, [ifTrue, ifFalse, condition]);
  }

  /** the one relaxed SIMD op the translator uses (fp-fma.ts): x·y + a per lane */
  relaxedMadd(esize: 32 | 64, x: Expr, y: Expr, a: Expr): Expr {
    return this.node(K.Op, TYPE_BY_NAME.v128!, esize === 32 ? F32X4_RELAXED_MADD : F64X2_RELAXED_MADD, 0, 0, [x, y, a]);
  }

  /**
   * Whether bits 64–127 of the v128 `e` are known to be zero (`local(i)`: whether local i's are):
   * a 64- or 32-bit load, an upper lane set to 0, or a lane-wise op of such operands. The lifter
   * then leaves out the zeroing of an A64 64-bit vector op's upper half.
   */
  highZero(e: Expr, local: (index: number) => boolean, depth = 0): boolean {
    const st = this.store, k = st.kind[e];
    if (k === K.LocalGet) return local(st.a[e]!);
    if (k !== K.Op || depth > 8) return false;
    const op = st.a[e]!;
    if (op === I64X2_REPLACE_LANE) return st.c[e]! >> 8 === 1 && this.isZero(st.kid(e, 1));
    if (op === V128_LOAD64_ZERO || op === V128_LOAD32_ZERO) return true;
    const n = ZERO_LANES.get(op);
    if (n === undefined) return false;
    for (let i = 0; i < n; i++) if (!this.highZero(st.kid(e, i), local, depth + 1)) return false;
    return true;
  }

  /** what the lifter asks of an expression it built (function.ts baseRegister) */
  describe(e: Expr): ExprInfo {
    const st = this.store, k = st.kind[e];
    if (k === K.LocalGet) return { kind: 'local.get', index: st.a[e]! };
    if (k === K.I64Const) return { kind: 'i64.const', value: (BigInt(st.b[e]!) << 32n) | BigInt(st.a[e]! >>> 0) };
    if (k === K.Op && st.a[e] === I64_ADD) return { kind: 'i64.add', left: st.kid(e, 0), right: st.kid(e, 1) };
    return { kind: 'other' };
  }

  typeOf(e: Expr): Type { return this.store.type[e]!; }

  /** replaces a block's child (function.ts: a fault exit becomes a branch once the fault block exists) */
  setChild(block: Expr, index: number, child: Expr): void {
    const st = this.store;
    if (st.kind[block] !== K.Block || index >= st.kidsN[block]!) throw new Error('internal error: setChild of something that is not a block with that child');
    st.setKid(block, index, child);
  }

  // ---- the module

  setFeatures(f: number): void { this.features = f; }
  getFeatures(): number { return this.features; }

  private typeIdx(params: Type, results: Type): number {
    const key = `${expandType(params).join(',')}:${expandType(results).join(',')}`;
    let k = this.typeIndex.get(key);
    if (k === undefined) {
      k = this.types.length;
      this.types.push({ params, results });
      this.typeIndex.set(key, k);
    }
    return k;
  }

  addFunctionImport(name: string, module: string, base: string, params: Type, results: Type): void {
    this.imports.push({ kind: 'func', name, module, base, type: this.typeIdx(params, results) });
    this.funcNames.add(name);
  }

  addGlobalImport(name: string, module: string, base: string, type: Type, mutable = false): void {
    this.imports.push({ kind: 'global', name, module, base, valueType: type, mutable });
    this.globalNames.add(name);
  }

  addMemoryImport(name: string, module: string, base: string): void { this.imports.push({ kind: 'memory', name, module, base }); }
  addTableImport(name: string, module: string, base: string): void { this.imports.push({ kind: 'table', name, module, base }); }

  getFunction(name: string): boolean { return this.funcNames.has(name); }
  getGlobal(name: string): boolean { return this.globalNames.has(name); }

  addGlobal(name: string, type: Type, mutable: boolean, init: Expr): void {
    this.globals.push({ name, type, mutable, init: this.constantExpr(init) });
    this.globalNames.add(name);
  }

  addFunctionExport(internal: string, external: string): void { this.exports.push({ name: external, kind: 0, of: internal }); }
  addTableExport(internal: string, external: string): void { this.exports.push({ name: external, kind: 1, of: internal }); }
  addGlobalExport(internal: string, external: string): void { this.exports.push({ name: external, kind: 3, of: internal }); }

  addTable(name: string, initial: number, maximum: number): void { this.table = { name, initial, maximum }; }

  addActiveElementSegment(_table: string, _name: string, funcNames: readonly string[], offset: Expr): void {
    this.elements.push({ offset: this.constantExpr(offset), names: funcNames });
  }

  setMemory(initial: number, maximum: number, exportName?: string, segments: readonly Segment[] = []): void {
    this.mem = { initial, maximum, exportName, segments: segments.map((s) => ({ offset: this.constantExpr(s.offset), data: s.data })) };
  }

  /** encodes `body` now */
  addFunction(name: string, params: Type, results: Type, varTypes: readonly Type[], body: Expr): void {
    const w = this.scratch;
    w.reset();
    // local declarations: runs of one type
    const runs: [number, Type][] = [];
    for (const t of varTypes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    w.u32(runs.length);
    for (const [count, t] of runs) { w.u32(count); w.byte(valueTypeByte(t)); }
    const relocs: number[] = [], hints: number[] = [];
    if (this.checkTrees) this.encoded = withRoom(this.encoded, this.encoded.length, this.store.size - this.encoded.length);
    new FunctionEncoder(this.store, this.strings, this.blobs, w, relocs, this.checkTrees ? this.encoded : undefined, hints).encode(body);
    w.byte(0x0b);
    this.funcs.push({ name, type: this.typeIdx(params, results), code: w.finish(), relocs, hints });
    this.funcNames.add(name);
  }

  /** an init expression (a constant), encoded with its `end` */
  private constantExpr(e: Expr): Uint8Array {
    const w = new ByteWriter();
    new FunctionEncoder(this.store, this.strings, this.blobs, w, []).encode(e);
    w.byte(0x0b);
    return w.finish();
  }

  /** checks the module with the engine's validator: the message names the function and offset */
  validate(): boolean {
    this.validationError = validationError(this.emitBinary(), (this.features & Features.RelaxedSIMD) !== 0) ?? '';
    return !this.validationError;
  }
  validationError = '';

  dispose(): void { this.store = new NodeStore(); }

  emitBinary(): Uint8Array {
    const funcIndex = new Map<string, number>(), globalIndex = new Map<string, number>();
    let nf = 0, ng = 0;
    for (const im of this.imports) {
      if (im.kind === 'func') funcIndex.set(im.name, nf++);
      else if (im.kind === 'global') globalIndex.set(im.name, ng++);
    }
    for (const f of this.funcs) funcIndex.set(f.name, nf++);
    for (const g of this.globals) globalIndex.set(g.name, ng++);
    const fn = (name: string): number => {
      const k = funcIndex.get(name);
      if (k === undefined) throw new Error(`internal error: call of ${name}, which the module does not have`);
      return k;
    };
    const gl = (name: string): number => {
      const k = globalIndex.get(name);
      if (k === undefined) throw new Error(`internal error: global ${name}, which the module does not have`);
      return k;
    };

    const out = new ByteWriter();
    out.bytes(HEADER);
    // types in the order of their encodings, as merge.ts puts a program's (so that it has nothing to remap)
    const encoded = this.types.map(({ params, results }) => {
      const ps = expandType(params), rs = expandType(results);
      return String.fromCharCode(0x60, ps.length, ...ps.map(valueTypeByte), rs.length, ...rs.map(valueTypeByte));
    });
    const order = encoded.map((_, k) => k).sort((x, y) => (encoded[x]! < encoded[y]! ? -1 : encoded[x]! > encoded[y]! ? 1 : 0));
    const typeAt = new Int32Array(order.length);
    order.forEach((k, i) => { typeAt[k] = i; });
    out.section(1, (w) => {
      w.u32(order.length);
      for (const k of order) for (let i = 0; i < encoded[k]!.length; i++) w.byte(encoded[k]!.charCodeAt(i));
    });
    if (this.imports.length) out.section(2, (w) => {
      w.u32(this.imports.length);
      for (const im of this.imports) {
        w.name(im.module); w.name(im.base);
        if (im.kind === 'func') { w.byte(0x00); w.u32(typeAt[im.type!]!); }
        else if (im.kind === 'table') { w.byte(0x01); w.byte(FUNC_REF); w.byte(LIMIT_MIN); w.u32(0); }
        else if (im.kind === 'memory') { w.byte(0x02); w.byte(LIMIT_MIN); w.u32(0); }
        else { w.byte(0x03); w.byte(valueTypeByte(im.valueType!)); w.byte(im.mutable ? 1 : 0); }
      }
    });
    if (this.funcs.length) out.section(3, (w) => { w.u32(this.funcs.length); for (const f of this.funcs) w.u32(typeAt[f.type]!); });
    if (this.table) out.section(4, (w) => { w.u32(1); w.byte(FUNC_REF); w.byte(LIMIT_MIN_MAX); w.u32(this.table!.initial); w.u32(this.table!.maximum); });
    if (this.mem) out.section(5, (w) => { w.u32(1); w.byte(LIMIT_MIN_MAX); w.u32(this.mem!.initial); w.u32(this.mem!.maximum); });
    if (this.globals.length) out.section(6, (w) => {
      w.u32(this.globals.length);
      for (const g of this.globals) { w.byte(valueTypeByte(g.type)); w.byte(g.mutable ? 1 : 0); w.bytes(g.init); }
    });
    const exports = [...this.exports];
    if (this.mem?.exportName) exports.push({ name: this.mem.exportName, kind: 2, of: '' });
    if (exports.length) out.section(7, (w) => {
      w.u32(exports.length);
      for (const e of exports) {
        w.name(e.name); w.byte(e.kind);
        w.u32(e.kind === 0 ? fn(e.of) : e.kind === 3 ? gl(e.of) : 0);
      }
    });
    if (this.elements.length) out.section(9, (w) => {
      w.u32(this.elements.length);
      for (const el of this.elements) { w.u32(0); w.bytes(el.offset); w.u32(el.names.length); for (const n of el.names) w.u32(fn(n)); }
    });
    // every reference's index (-1: the module has no such function or global)
    const index = new Int32Array(3 * Math.max(this.strings.length, this.types.length)).fill(-1);
    this.strings.forEach((s, id) => { index[3 * id] = funcIndex.get(s) ?? -1; index[3 * id + 1] = globalIndex.get(s) ?? -1; });
    typeAt.forEach((t, k) => { index[3 * k + 2] = t; });
    const resolve = (ref: number): number => {
      const k = index[ref]!;
      if (k < 0) throw new Error(`internal error: ${ref % 3 === 1 ? 'global' : 'call of'} ${this.strings[Math.floor(ref / 3)]}, which the module does not have`);
      return k;
    };
    // branch hints (the custom section goes before the code it describes): each hinted `if`'s
    // offset in its body as emitted, the resolved indices before it included
    const hinted = this.funcs.filter((f) => f.hints.length);
    if (hinted.length) out.section(0, (w) => {
      w.name(BRANCH_HINT_SECTION);
      w.u32(hinted.length);
      for (const f of hinted) {
        w.u32(funcIndex.get(f.name)!);
        w.u32(f.hints.length / 2);
        const r = f.relocs;
        let k = 0, grown = 0;
        for (let i = 0; i < f.hints.length; i += 2) {
          const at = f.hints[i]!;
          for (; k < r.length && r[k]! <= at; k += 2) grown += lebSize(resolve(r[k + 1]!));
          w.u32(at + grown); w.u32(1); w.byte(f.hints[i + 1]!);
        }
      }
    });
    if (this.funcs.length) out.section(10, (w) => {
      w.u32(this.funcs.length);
      for (const f of this.funcs) {
        const r = f.relocs;
        let size = f.code.length;
        for (let i = 1; i < r.length; i += 2) size += lebSize(resolve(r[i]!));
        w.u32(size);
        let from = 0;
        for (let i = 0; i < r.length; i += 2) {
          w.range(f.code, from, r[i]!);
          w.u32(resolve(r[i + 1]!));
          from = r[i]!;
        }
        w.range(f.code, from, f.code.length);
      }
    });
    const segments = this.mem?.segments ?? [];
    if (segments.length) out.section(11, (w) => {
      w.u32(segments.length);
      for (const s of segments) { w.u32(0); w.bytes(s.offset); w.u32(s.data.length); w.bytes(s.data); }
    });
    // function names: guest symbols in the engine's stack traces and profiles
    out.section(0, (w) => {
      w.name('name');
      const names = new ByteWriter();
      const all = [...this.imports.filter((im) => im.kind === 'func').map((im) => im.name), ...this.funcs.map((f) => f.name)];
      names.u32(all.length);
      all.forEach((n, k) => { names.u32(k); names.name(n); });
      w.byte(1); w.u32(names.length); w.bytes(names.view());
    });
    return out.finish();
  }
}

const HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
/** the branch hinting proposal's custom section (WasmBuilder.hint); an `if` node's `a` holds its hint */
export const BRANCH_HINT_SECTION = 'metadata.code.branch_hint';
const HINT_UNLIKELY = 1, HINT_LIKELY = 2;

// ops that are not methods of a namespace (memory.fill and copy take memory indices)
const I64_ADD = OP_INDEX.get('i64.add')!;
/**
 * Integer ops that give one operand when the other is the constant 0 (on the right only, or on
 * either side), built as that operand: the lifter writes XZR operands and zero offsets as
 * constants (`mov x0, x1` is `orr x0, xzr, x1`, `ldr x0, [x1]` adds 0), and at -O0 nothing else
 * removes them (hello-glibc: ~12 000 such ops)
 */
const ZERO_IDENTITY = new Map<number, 'right' | 'either'>();
for (const t of ['i32', 'i64']) {
  for (const op of ['add', 'or', 'xor']) ZERO_IDENTITY.set(OP_INDEX.get(`${t}.${op}`)!, 'either');
  for (const op of ['sub', 'shl', 'shr_u', 'shr_s', 'rotl', 'rotr']) ZERO_IDENTITY.set(OP_INDEX.get(`${t}.${op}`)!, 'right');
}

const I64X2_REPLACE_LANE = OP_INDEX.get('i64x2.replace_lane')!;
const V128_LOAD64_ZERO = OP_INDEX.get('v128.load64_zero')!, V128_LOAD32_ZERO = OP_INDEX.get('v128.load32_zero')!;
/**
 * Integer vector ops that work lane by lane (within 64-bit halves) and give zero lanes for zero
 * lanes, by how many of their leading operands are the vectors the result comes from (a shift's
 * count and bitselect's mask are not)
 */
const ZERO_LANES = new Map<number, number>();
for (const t of ['i8x16', 'i16x8', 'i32x4', 'i64x2']) {
  for (const op of ['add', 'sub', 'mul', 'min_s', 'min_u', 'max_s', 'max_u', 'add_saturate_s', 'add_saturate_u', 'sub_saturate_s', 'sub_saturate_u', 'avgr_u']) {
    const k = OP_INDEX.get(`${t}.${op}`);
    if (k !== undefined) ZERO_LANES.set(k, 2);
  }
  for (const op of ['shl', 'shr_s', 'shr_u', 'abs', 'neg', 'popcnt']) {
    const k = OP_INDEX.get(`${t}.${op}`);
    if (k !== undefined) ZERO_LANES.set(k, 1);
  }
}
for (const op of ['v128.and', 'v128.or', 'v128.xor', 'v128.andnot', 'v128.bitselect']) ZERO_LANES.set(OP_INDEX.get(op)!, 2);
const F32X4_RELAXED_MADD = OP_INDEX.get('f32x4.relaxed_madd')!, F64X2_RELAXED_MADD = OP_INDEX.get('f64x2.relaxed_madd')!;
const NO_KIDS: readonly Expr[] = [];

const scratch = new DataView(new ArrayBuffer(8));
function f32Bits(v: number): number { scratch.setFloat32(0, v, true); return scratch.getInt32(0, true); }
function f64Bits(v: number): [number, number] { scratch.setFloat64(0, v, true); return [scratch.getInt32(0, true), scratch.getInt32(4, true)]; }

/** encodes one function's expression tree */
class FunctionEncoder {
  private readonly labels: number[] = [];

  /** `hints`: pairs (offset of a hinted `if` in `w`, 1 likely or 0 unlikely) */
  constructor(private readonly st: NodeStore, private readonly strings: readonly string[], private readonly blobs: readonly Uint8Array[],
    private readonly w: ByteWriter, private readonly relocs: number[], private readonly seen?: Uint8Array, private readonly hints?: number[]) {}

  private visit(e: Expr): void {
    if (!this.seen || (this.st.kind[e]! >= K.I32Const && this.st.kind[e]! <= K.V128Const)) return;
    if (this.seen[e]) throw new Error(`internal error: an expression used twice (node ${e}, of kind ${this.st.kind[e]})`);
    this.seen[e] = 1;
  }

  encode(e: Expr): void { this.expr(e); }

  private depth(label: number): number {
    const k = this.labels.lastIndexOf(label);
    if (k < 0) throw new Error(`internal error: branch to ${this.strings[label]}, which does not enclose it`);
    return this.labels.length - 1 - k;
  }

  /** operands `from`.. in order; false when one never completes (the rest and the op are dead) */
  private operands(e: Expr, from = 0, to = this.st.kidsN[e]!): boolean {
    for (let i = from; i < to; i++) if (!this.expr(this.st.kid(e, i))) return false;
    return true;
  }

  private blockType(t: Type): void {
    this.w.byte(t === none || t === unreachable ? 0x40 : valueTypeByte(t));
  }

  /**
   * A named block, and the named blocks that are each the first child of the one before: the
   * structurer's merge blocks nest so, one per return site of a function (10 000 deep for as
   * many calls), deeper than the JS stack would take one call per level. Opened in one loop,
   * closed in another, each level's other children encoded after the end of the one inside.
   */
  private ladder(e: Expr): boolean {
    const st = this.st, w = this.w, chain: Expr[] = [];
    for (let x = e; ;) {
      chain.push(x);
      if (x !== e) this.visit(x);
      w.byte(0x02); this.blockType(st.type[x]!);
      this.labels.push(st.a[x]!);
      const first = st.kidsN[x]! > 0 ? st.kid(x, 0) : -1;
      if (first < 0 || st.kind[first] !== K.Block || st.a[first]! < 0) break;
      x = first;
    }
    let completes = true;
    for (let i = chain.length - 1; i >= 0; i--) {
      const x = chain[i]!, from = i === chain.length - 1 ? 0 : 1;
      if (completes) this.children(x, from);
      this.labels.pop();
      w.byte(0x0b);
      // as after any block that never completes (see expr)
      completes = st.type[x] !== unreachable;
      if (!completes) w.byte(0x00);
    }
    return completes;
  }

  private nested(e: Expr, opcode: number, label: number, from: number): void {
    this.w.byte(opcode); this.blockType(this.st.type[e]!);
    this.labels.push(label);
    this.children(e, from);
    this.labels.pop();
  }

  /** a block's children, up to the first that never completes (the rest is dead) */
  private children(e: Expr, from: number): boolean {
    const st = this.st;
    for (let i = from, n = st.kidsN[e]!; i < n; i++) if (!this.expr(st.kid(e, i))) return false;
    return true;
  }

  /** encodes `e`; false if it never completes (unreachable type) */
  private expr(e: Expr): boolean {
    const st = this.st, w = this.w, k = st.kind[e]!, a = st.a[e]!;
    this.visit(e);
    switch (k) {
      case K.Op: {
        if (!this.operands(e)) return false;
        const op = OP_LIST[a]!, c = st.c[e]!;
        w.bytes(op.bytes);
        if (op.shape === 'memarg' || op.shape === 'lane') { w.u32(alignLog2(c & 0xff)); w.u32(st.b[e]!); }
        if (op.shape === 'lane' || op.shape === 'extract' || op.shape === 'replace') w.byte(c >>> 8);
        if (op.shape === 'shuffle') w.bytes(this.blobs[st.b[e]!]!);
        break;
      }
      case K.I32Const: w.byte(0x41); w.s32(a); break;
      case K.I64Const: w.byte(0x42); w.s64pair(a, st.b[e]!); break;
      case K.F32Const: w.byte(0x43); w.i32le(a); break;
      case K.F64Const: w.byte(0x44); w.i32le(a); w.i32le(st.b[e]!); break;
      case K.V128Const: w.byte(0xfd); w.u32(0x0c); w.bytes(this.blobs[a]!); break;
      case K.LocalGet: w.byte(0x20); w.u32(a); break;
      case K.LocalSet: if (!this.operands(e)) return false; w.byte(0x21); w.u32(a); break;
      case K.LocalTee: if (!this.operands(e)) return false; w.byte(0x22); w.u32(a); break;
      case K.GlobalGet: w.byte(0x23); this.reloc('global', a); break;
      case K.GlobalSet: if (!this.operands(e)) return false; w.byte(0x24); this.reloc('global', a); break;
      case K.Block:
        // no branch can leave a block without a name: its children go inline (as binaryen writes it)
        if (a < 0) return this.children(e, 0);
        return this.ladder(e);
      case K.Loop: this.nested(e, 0x03, a, 0); w.byte(0x0b); break;
      case K.If: {
        if (!this.expr(st.kid(e, 0))) return false;
        if (a !== 0) this.hints?.push(w.length, a === HINT_LIKELY ? 1 : 0);
        w.byte(0x04); this.blockType(st.type[e]!);
        this.labels.push(-1);
        this.expr(st.kid(e, 1));
        if (st.kidsN[e]! > 2) { w.byte(0x05); this.expr(st.kid(e, 2)); }
        this.labels.pop();
        w.byte(0x0b);
        break;
      }
      case K.Br: w.byte(0x0c); w.u32(this.depth(a)); break;
      case K.BrIf: if (!this.operands(e)) return false; w.byte(0x0d); w.u32(this.depth(a)); break;
      case K.Switch: {
        if (!this.operands(e, 0, 1)) return false;
        const n = st.kidsN[e]!;
        w.byte(0x0e); w.u32(n - 2);
        for (let i = 1; i < n; i++) w.u32(this.depth(st.kid(e, i)));
        break;
      }
      case K.Call: if (!this.operands(e)) return false; w.byte(0x10); this.reloc('func', a); break;
      case K.ReturnCall: if (!this.operands(e)) return false; w.byte(0x12); this.reloc('func', a); break;
      case K.CallIndirect: if (!this.operands(e)) return false; w.byte(0x11); this.relocs.push(w.length, 3 * a + 2); w.byte(0); break;
      case K.ReturnCallIndirect: if (!this.operands(e)) return false; w.byte(0x13); this.relocs.push(w.length, 3 * a + 2); w.byte(0); break;
      case K.Return: if (!this.operands(e)) return false; w.byte(0x0f); break;
      case K.Drop: if (!this.operands(e)) return false; w.byte(0x1a); break;
      case K.Select: if (!this.operands(e)) return false; w.byte(0x1b); break;
      case K.Nop: break;
      case K.Unreachable: w.byte(0x00); break;
    }
    if (st.type[e] !== unreachable) return true;
    // a block, loop or if that never completes is encoded as one without a result: what follows
    // it (its parent's remaining operands) must see an unreachable stack again
    if (k === K.Block || k === K.Loop || k === K.If) w.byte(0x00);
    return false;
  }

  private reloc(kind: 'func' | 'global', name: number): void {
    this.relocs.push(this.w.length, 3 * name + (kind === 'global' ? 1 : 0));
  }
}

/** bytes of the unsigned LEB128 of `v` */
function lebSize(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

function alignLog2(bytes: number): number {
  return bytes <= 1 ? 0 : 31 - Math.clz32(bytes);
}

type V8 = { setFlagsFromString(flags: string): void };
type NodeProcess = { getBuiltinModule?(id: string): unknown };

/** why the engine refuses `wasm`, if it does (its message names the function and offset) */
export function validationError(wasm: Uint8Array, relaxedSimd: boolean): string | undefined {
  // Node 20's V8 (11.3) knows relaxed SIMD behind a flag only (elf2wasm run sets it, node/engine.ts)
  if (relaxedSimd) ((globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.('node:v8') as V8 | undefined)?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  try {
    new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
