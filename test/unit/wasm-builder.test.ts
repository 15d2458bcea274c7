// The Wasm builder (src/wasm/builder.ts): what its op table is derived from, and the encodings a
// translation leans on, checked by running the modules it emits.
import { describe, expect, it } from 'vitest';
import { WasmBuilder } from '../../src/wasm/builder.ts';
import * as ir from '../../src/wasm/ir.ts';
import { OPS } from '../../src/wasm/ops.ts';
// @ts-expect-error a script of ours, plain JS
import { derive } from '../../scripts/wasm-ops.mjs';

const { i32, i64, f32, f64, none } = ir;

function instance(m: WasmBuilder, imports: WebAssembly.Imports = {}): Record<string, (...a: (number | bigint)[]) => number | bigint> {
  const bytes = m.emitBinary();
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports as never;
}

describe('the Wasm builder', () => {
  it('has the op table scripts/wasm-ops.mjs derives from the installed binaryen', () => {
    const rows = derive() as typeof OPS;
    expect(rows.length).toBeGreaterThan(350);
    expect(OPS).toEqual(rows);
  });

  it('encodes constants exactly: 32- and 64-bit edges, NaN payloads, v128 bytes', () => {
    const m = new WasmBuilder();
    const i64s = [0n, -1n, 63n, 64n, -64n, -65n, 0x3fffffffn, 0x40000000n, -0x40000000n, -0x40000001n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n];
    i64s.forEach((v, k) => {
      m.addFunction(`b${k}`, none, i64, [], m.i64.const(v));
      m.addFunctionExport(`b${k}`, `b${k}`);
      // the same value as binaryen's low/high halves
      m.addFunction(`h${k}`, none, i64, [], m.i64.const(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))));
      m.addFunctionExport(`h${k}`, `h${k}`);
    });
    const i32s = [0, -1, 63, 64, -64, -65, 0x7fffffff, -0x80000000];
    i32s.forEach((v, k) => { m.addFunction(`w${k}`, none, i32, [], m.i32.const(v)); m.addFunctionExport(`w${k}`, `w${k}`); });
    // a signalling NaN's payload must survive: read back as bits
    m.addFunction('nan64', none, i64, [], m.i64.reinterpret(m.f64.const_bits(0x00000001, 0x7ff40000)));
    m.addFunction('nan32', none, i32, [], m.i32.reinterpret(m.f32.const_bits(0x7fa00001)));
    m.addFunction('pi', none, f64, [], m.f64.const(Math.PI));
    m.addFunction('third', none, f32, [], m.f32.const(1 / 3));
    m.addFunction('lane', none, i32, [], m.i8x16.extract_lane_u(m.v128.const([...Array(15).fill(0), 0xab]), 15));
    for (const n of ['nan64', 'nan32', 'pi', 'third', 'lane']) m.addFunctionExport(n, n);
    const x = instance(m);
    i64s.forEach((v, k) => { expect(x[`b${k}`]!()).toBe(v); expect(x[`h${k}`]!()).toBe(v); });
    i32s.forEach((v, k) => expect(x[`w${k}`]!()).toBe(v));
    expect(x.nan64!()).toBe(0x7ff4000000000001n);
    expect((x.nan32!() as number) >>> 0).toBe(0x7fa00001);
    expect(x.pi!()).toBe(Math.PI);
    expect(x.third!()).toBe(Math.fround(1 / 3));
    expect(x.lane!()).toBe(0xab);
  });

  it('resolves calls and globals by name whatever the order they are added in, and labels by nesting', () => {
    const m = new WasmBuilder();
    m.addFunctionImport('twice', 'env', 'twice', i32, i32);
    // `caller` calls `later` before it exists; a helper is built and added while caller's tree is half-built
    const arg = m.local.get(0, i32);
    m.addFunction('helper', ir.createType([i32]), i32, [], m.i32.add(m.local.get(0, i32), m.global.get('g', i32)));
    const body = m.block('out', [
      m.loop('again', m.block(null, [
        m.local.set(1, m.i32.add(m.local.get(1, i32), m.i32.const(1))),
        m.br('again', m.i32.lt_u(m.local.get(1, i32), m.i32.const(5))),
      ])),
      m.br('out', m.i32.eqz(arg)),
      m.local.set(1, m.call('later', [m.call('helper', [m.local.get(1, i32)], i32)], i32)),
    ]);
    m.addFunction('caller', ir.createType([i32]), i32, [i32], m.block(null, [body, m.call('twice', [m.local.get(1, i32)], i32)]));
    m.addFunction('later', ir.createType([i32]), i32, [], m.i32.mul(m.local.get(0, i32), m.i32.const(10)));
    m.addGlobal('g', i32, true, m.i32.const(100));
    m.addFunctionExport('caller', 'caller');
    m.addGlobalExport('g', 'g');
    const x = instance(m, { env: { twice: (v: number) => 2 * v } });
    expect(x.caller!(1)).toBe(2 * (5 + 100) * 10);
    expect(x.caller!(0)).toBe(2 * 5);
  });

  it('br_table, select, if/else with results, memory with data segments, tables and element segments', () => {
    const m = new WasmBuilder();
    m.setMemory(1, 2, 'memory', [{ offset: m.i32.const(16), data: new Uint8Array([1, 2, 3, 4]) }]);
    m.addFunction('k7', none, i32, [], m.i32.const(7));
    m.addFunction('k9', none, i32, [], m.i32.const(9));
    m.addTable('t', 2, 10);
    m.addActiveElementSegment('t', 'e', ['k7', 'k9'], m.i32.const(0));
    const sw = m.block('r', [
      m.block('c1', [
        m.block('c0', [m.switch(['c0', 'c1'], 'r', m.local.get(0, i32))], none),
        m.local.set(1, m.i32.const(10)),
        m.br('r'),
      ], none),
      m.local.set(1, m.i32.const(11)),
    ], none);
    m.addFunction('sw', ir.createType([i32]), i32, [i32], m.block(null, [m.local.set(1, m.i32.const(-1)), sw, m.local.get(1, i32)]));
    m.addFunction('sel', ir.createType([i32]), i64, [], m.select(m.local.get(0, i32), m.i64.const(5n), m.i64.const(6n)));
    m.addFunction('ife', ir.createType([i32]), f64, [], m.if(m.local.get(0, i32), m.f64.const(1.5), m.f64.const(-2)));
    m.addFunction('load', none, i32, [], m.i32.load(0, 4, m.i32.const(16)));
    m.addFunction('ind', ir.createType([i32]), i32, [], m.call_indirect('t', m.local.get(0, i32), [], none, i32));
    for (const n of ['sw', 'sel', 'ife', 'load', 'ind']) m.addFunctionExport(n, n);
    const x = instance(m);
    expect([0, 1, 2, 99].map((v) => x.sw!(v))).toEqual([10, 11, -1, -1]);
    expect([x.sel!(1), x.sel!(0)]).toEqual([5n, 6n]);
    expect([x.ife!(1), x.ife!(0)]).toEqual([1.5, -2]);
    expect(x.load!()).toBe(0x04030201);
    expect([x.ind!(0), x.ind!(1)]).toEqual([7, 9]);
  });

  it('code after what never completes is valid: an operand that returns, a dead block, an unreachable arm', () => {
    const m = new WasmBuilder();
    // i32.add whose second operand returns: the add itself is dead
    m.addFunction('a', ir.createType([i32]), i32, [], m.i32.add(m.i32.const(1), m.block(null, [m.return(m.i32.const(42))])));
    // a value-typed if whose one arm traps
    m.addFunction('b', ir.createType([i32]), i64, [], m.if(m.local.get(0, i32), m.i64.const(3n), m.unreachable()));
    // a local.set of a block that ends in a br out of an enclosing named block: the set is dead
    m.addFunction('c', none, i32, [i32], m.block(null, [
      m.block('x', [
        m.local.set(0, m.block(null, [m.local.set(0, m.i32.const(8)), m.br('x')], i32)),
        m.local.set(0, m.i32.const(9)),
      ], none),
      m.local.get(0, i32),
    ]));
    for (const n of ['a', 'b', 'c']) m.addFunctionExport(n, n);
    const x = instance(m);
    expect(x.a!(0)).toBe(42);
    expect(x.b!(1)).toBe(3n);
    expect(() => x.b!(0)).toThrow(WebAssembly.RuntimeError);
    expect(x.c!()).toBe(8);
  });

  it('relaxed SIMD\'s fused multiply-add (the one relaxed op the translator emits) computes x·y + a per lane', async () => {
    // Node 20's V8 knows relaxed SIMD behind a flag only (node/engine.ts sets it for elf2wasm run)
    (await import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
    const m = new WasmBuilder();
    const v = (x: number) => m.f64x2.splat(m.f64.const(x));
    m.addFunction('madd64', none, f64, [], m.f64x2.extract_lane(m.relaxedMadd(64, v(3), v(0.5), v(10)), 1));
    const w = (x: number) => m.f32x4.splat(m.f32.const(x));
    m.addFunction('madd32', none, f32, [], m.f32x4.extract_lane(m.relaxedMadd(32, w(-2), w(4), w(1)), 3));
    m.addFunctionExport('madd64', 'madd64');
    m.addFunctionExport('madd32', 'madd32');
    const x = instance(m);
    expect(x.madd64!()).toBe(11.5);
    expect(x.madd32!()).toBe(-7);
  });

  it('keeps the expressions of a function still being built while others are added (as the lifter builds them all first)', () => {
    const m = new WasmBuilder();
    const outer = m.i32.mul(m.local.get(0, i32), m.i32.const(3)); // built before the functions below
    for (let k = 0; k < 1000; k++) m.addFunction(`f${k}`, none, i32, [], m.i32.add(m.i32.const(k), m.i32.const(1)));
    m.addFunction('outer', ir.createType([i32]), i32, [], m.i32.add(outer, m.call('f999', [], i32)));
    m.addFunctionExport('outer', 'outer');
    expect(instance(m).outer!(5)).toBe(15 + 1000);
  });

  it('names the functions (guest symbols in stack traces) and reports what does not validate', () => {
    const m = new WasmBuilder();
    m.addFunction('main@400100', none, none, [], m.unreachable());
    m.addFunctionExport('main@400100', 'run');
    const bytes = m.emitBinary();
    const names = WebAssembly.Module.customSections(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), 'name');
    expect(names).toHaveLength(1);
    expect(new TextDecoder().decode(names[0])).toContain('main@400100');
    try {
      instance(m).run!();
      expect.unreachable();
    } catch (e) {
      expect(String((e as Error).stack)).toContain('main@400100');
    }
    const bad = new WasmBuilder();
    bad.addFunction('f', none, i32, [], bad.i64.const(1n));
    expect(bad.validate()).toBe(false);
    expect(bad.validationError).toMatch(/f|type/);
  });

  it('refuses, when checking trees (the test suite), an expression used in two places, unless it is a constant', () => {
    for (const check of [true, false]) {
      const m = new WasmBuilder();
      m.checkTrees = check;
      const once = m.local.set(0, m.i32.const(1)); // an effect: encoded twice, it would run twice
      const build = () => m.addFunction('f', none, none, [i32], m.block(null, [once, once]));
      if (check) expect(build).toThrow(/used twice/);
      else expect(build).not.toThrow();
      const one = m.i64.const(1n);
      m.addFunction('g', none, i64, [], m.i64.add(one, one));
      m.addFunctionExport('g', 'g');
      if (!check) expect(instance(m).g!()).toBe(2n);
    }
  });

  it('builds x + 0, 0 | x, x - 0, x << 0 … as x, and 0 - x or 0 << x as the op', () => {
    const m = new WasmBuilder();
    const x = () => m.local.get(0, i64), z = () => m.i64.const(0);
    for (const e of [m.i64.add(x(), z()), m.i64.add(z(), x()), m.i64.or(z(), x()), m.i64.xor(x(), z()), m.i64.sub(x(), z()), m.i64.shl(x(), z()), m.i64.shr_s(x(), z())]) {
      expect(m.describe(e)).toEqual({ kind: 'local.get', index: 0 });
    }
    const w = m.local.get(1, i32);
    expect(m.i32.add(m.i32.const(0), w)).toBe(w);
    const kept = { neg: m.i64.sub(z(), x()), shl0: m.i64.shl(z(), x()), rotl: m.i64.rotl(x(), m.i64.const(1n)), and0: m.i64.and(x(), z()) };
    for (const [name, e] of Object.entries(kept)) {
      m.addFunction(name, ir.createType([i64, i32]), i64, [], e);
      m.addFunctionExport(name, name);
    }
    const f = instance(m);
    expect([f.neg!(5n, 0), f.shl0!(5n, 0), f.rotl!(-1n << 63n, 0), f.and0!(5n, 0)]).toEqual([-5n, 0n, 1n, 0n]);
  });

  it('knows when a vector\'s upper 64 bits are zero: 64-bit loads, a zeroed upper lane, lane-wise ops of such, and runs them to show it', () => {
    const m = new WasmBuilder();
    m.setFeatures(ir.Features.All);
    m.setMemory(1, 1, 'mem');
    const lo = (at: number) => m.v128.load64_zero(0, 1, m.i32.const(at));
    const no = () => false;
    const lanewise: [string, (a: number, b: number) => number][] = [];
    for (const t of ['i8x16', 'i16x8', 'i32x4', 'i64x2']) {
      for (const op of ['add', 'sub', 'mul', 'min_s', 'max_u', 'add_saturate_s', 'sub_saturate_u', 'avgr_u']) {
        if ((m as any)[t][op]) lanewise.push([`${t}.${op}`, (a, b) => (m as any)[t][op](lo(a), lo(b))]);
      }
      for (const op of ['shl', 'shr_s', 'shr_u']) lanewise.push([`${t}.${op}`, (a) => (m as any)[t][op](lo(a), m.i32.const(3))]);
      for (const op of ['abs', 'neg', 'popcnt']) if ((m as any)[t][op]) lanewise.push([`${t}.${op}`, (a) => (m as any)[t][op](lo(a))]);
    }
    for (const op of ['and', 'or', 'xor', 'andnot']) lanewise.push([`v128.${op}`, (a, b) => (m.v128 as any)[op](lo(a), lo(b))]);
    lanewise.push(['v128.bitselect', (a, b) => m.v128.bitselect(lo(a), lo(b), m.v128.load(0, 1, m.i32.const(64)))]);
    lanewise.forEach(([name, make], k) => {
      const e = make(0, 8);
      expect(m.highZero(e, no), name).toBe(true);
      m.addFunction(`f${k}`, none, i64, [], m.i64x2.extract_lane(e, 1));
      m.addFunctionExport(`f${k}`, `f${k}`);
    });
    // not zero-preserving, or not known: complements, compares, moves between lanes, other locals
    expect(m.highZero(m.v128.not(lo(0)), no)).toBe(false);
    expect(m.highZero(m.i32x4.eq(lo(0), lo(8)), no)).toBe(false);
    expect(m.highZero(m.i8x16.shuffle(lo(0), lo(8), [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]), no)).toBe(false);
    expect(m.highZero(m.i32x4.add(lo(0), m.local.get(0, ir.v128)), no)).toBe(false);
    expect(m.highZero(m.i32x4.add(lo(0), m.local.get(0, ir.v128)), (i) => i === 0)).toBe(true);
    expect(m.highZero(m.i64x2.replace_lane(m.local.get(0, ir.v128), 1, m.i64.const(0)), no)).toBe(true);
    expect(m.highZero(m.i64x2.replace_lane(m.local.get(0, ir.v128), 0, m.i64.const(0)), no)).toBe(false);
    expect(m.highZero(m.i64x2.replace_lane(m.local.get(0, ir.v128), 1, m.i64.const(1)), no)).toBe(false);
    const f = instance(m);
    const mem = new Uint8Array((f as unknown as { mem: WebAssembly.Memory }).mem.buffer);
    for (let i = 0; i < 80; i++) mem[i] = (i * 0x9d + 0x5b) & 0xff; // every byte non-zero: the loads' own upper halves are their zeros
    lanewise.forEach(([name], k) => expect(f[`f${k}`]!(), name).toBe(0n));
  });

  it('puts each branch hint at its if, counting the bytes of the indices resolved before it (read back by binaryen)', async () => {
    const binaryen = (await import('binaryen')).default;
    const m = new WasmBuilder();
    // 200 functions: calls of the last ones take two-byte indices, written in only when the module is emitted
    for (let k = 0; k < 200; k++) m.addFunction(`g${k}`, none, i32, [], m.i32.const(k));
    const call = (k: number) => m.call(`g${k}`, [], i32);
    m.addFunction('f', none, i32, [i64], m.block(null, [
      m.drop(call(199)),
      m.hint(m.if(call(150), m.drop(call(198)), m.nop()), false),
      m.if(call(1), m.nop()),
      m.hint(m.if(call(197), m.nop(), m.drop(call(196))), true),
      m.i32.const(0),
    ], i32));
    m.addFunctionExport('f', 'f');
    const bytes = m.emitBinary();
    expect(instance(m).f!()).toBe(0);
    const text = binaryen.readBinary(bytes).emitText();
    const f = text.slice(text.indexOf('(func $f'));
    const hinted = [...f.matchAll(/\(@metadata\.code\.branch_hint "\\0(\d)"\)\s*\(if\s*\(call \$(\w+)/g)].map((x) => [x[2], x[1]]);
    expect(hinted).toEqual([['g150', '0'], ['g197', '1']]);
    expect(f.match(/branch_hint/g)).toHaveLength(2);
  });

  it('refuses a call of a function the module never gets, naming it', () => {
    const m = new WasmBuilder();
    m.addFunction('f', none, none, [], m.call('nowhere', [], none));
    expect(() => m.emitBinary()).toThrow(/nowhere/);
  });
});
