// The expression API the lifter and the arch code build Wasm with: binaryen's names and
// signatures (`m.i64.add(a, b)`, `m.block(name, children)`, types as numbers), implemented by
// our own builder (builder.ts), which encodes each function as it is added. binaryen itself is
// loaded only to optimise (optimize.ts), so a translation at the default level never pays its
// 15 MB of JS and its Wasm↔JS calls per expression.
import type { WasmBuilder } from './builder.ts';

export type Module = WasmBuilder;
/** an expression of the module being built (an index into its node store; never 0) */
export type ExpressionRef = number;
/** a value type, `none`, `unreachable`, or a tuple of value types (createType) */
export type Type = number;

/**
 * An i64 constant, wrapped to 64 bits. A safe-integer number goes in as its two halves without
 * BigInt arithmetic: constants are everywhere, and the lifter runs mostly in V8's baseline tier,
 * where each BigInt allocates.
 */
export function i64Const(m: Module, v: number | bigint): ExpressionRef {
  if (typeof v === 'number') {
    // an int32 (nearly every constant) without the halves' arithmetic, whose products are boxed
    // doubles in the baseline tier
    if ((v | 0) === v) return m.i64.const(v, v < 0 ? -1 : 0);
    if (Number.isSafeInteger(v)) {
      const hi = Math.floor(v / 2 ** 32);
      return m.i64.const((v - hi * 2 ** 32) | 0, hi | 0);
    }
  }
  return m.i64.const(BigInt.asIntN(64, BigInt(v)));
}

export const none: Type = 0;
export const unreachable: Type = 1;
export const i32: Type = 2;
export const i64: Type = 3;
export const f32: Type = 4;
export const f64: Type = 5;
export const v128: Type = 6;

/** what the module may use; binaryen's names, so that optimize.ts can pass them on */
export const Features = {
  MVP: 0,
  Atomics: 1 << 0,
  MutableGlobals: 1 << 1,
  NontrappingFPToInt: 1 << 2,
  SIMD128: 1 << 3,
  BulkMemory: 1 << 4,
  SignExt: 1 << 5,
  TailCall: 1 << 7,
  BulkMemoryOpt: 1 << 8,
  RelaxedSIMD: 1 << 9,
  All: (1 << 10) - 1,
} as const;

const tuples: Type[][] = [];
const tupleIds = new Map<string, Type>();
const TUPLE_BASE = 16;

/** the type of several values (parameters), or the one type itself */
export function createType(types: readonly Type[]): Type {
  if (types.length === 0) return none;
  if (types.length === 1) return types[0]!;
  const key = types.join(',');
  let id = tupleIds.get(key);
  if (id === undefined) {
    id = TUPLE_BASE + tuples.length;
    tuples.push([...types]);
    tupleIds.set(key, id);
  }
  return id;
}

/** the value types a type stands for (none: no value) */
export function expandType(t: Type): readonly Type[] {
  if (t === none) return [];
  return t >= TUPLE_BASE ? tuples[t - TUPLE_BASE]! : [t];
}

/** the binary encoding of a value type */
export function valueTypeByte(t: Type): number {
  switch (t) {
    case i32: return 0x7f;
    case i64: return 0x7e;
    case f32: return 0x7d;
    case f64: return 0x7c;
    case v128: return 0x7b;
    default: throw new Error(`internal error: ${t} is not a value type`);
  }
}

/** an active data segment of the memory (setMemory) */
export interface MemorySegment { offset: ExpressionRef; data: Uint8Array; passive?: boolean }

export const TYPE_BY_NAME: Readonly<Record<string, Type>> = { none, i32, i64, f32, f64, v128 };
