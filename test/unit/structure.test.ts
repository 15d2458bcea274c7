// structure.ts (with irreducible.ts) against a direct walk of the same graph: random control-flow
// graphs — many irreducible, with loops entered in the middle as a function's return sites make
// them — become a Wasm function whose nodes append their number to a trace; a pseudo-random
// sequence (the same in both) picks each branch. The traces must be identical, and irreducible
// graphs must not need the fallback for graphs too deep to structure (dispatchLoop), which is
// checked on the same graphs.
import * as ir from '../../src/wasm/ir.ts';
import { WasmBuilder } from '../../src/wasm/builder.ts';
import { describe, expect, it } from 'vitest';
import type { CfgNode, Exit } from '../../src/wasm/cfg.ts';
import { makeReducible } from '../../src/wasm/irreducible.ts';
import { dispatchLoop, structure, structureReducible } from '../../src/wasm/structure.ts';

/** a graph: per node its exit, with `pick` choosing among a cond's or switch's targets */
type Shape = { kind: 'goto'; to: number } | { kind: 'cond'; taken: number; fall: number } | { kind: 'switch'; targets: number[]; fallback: number } | { kind: 'none' };

const FUEL = 400;
const next = (s: number) => (Math.imul(s, 1103515245) + 12345) >>> 0;

function randomGraph(seed: number, size: number): Shape[] {
  let s = seed;
  const rnd = (n: number) => { s = next(s); return (s >>> 8) % n; };
  // node 0 is an entry switch (the prologue) with no predecessors; others go anywhere but node 0
  const target = () => 1 + rnd(size - 1);
  const shapes: Shape[] = [{ kind: 'switch', targets: [1, target(), target()], fallback: 1 }];
  for (let x = 1; x < size; x++) {
    const r = rnd(10);
    shapes.push(r < 3 ? { kind: 'goto', to: target() } : r < 8 ? { kind: 'cond', taken: target(), fall: target() }
      : r < 9 ? { kind: 'switch', targets: [target(), target(), target()], fallback: target() } : { kind: 'none' });
  }
  return shapes;
}

/** the trace of a direct walk: branch choices from the sequence seeded with `seed` */
function walk(shapes: Shape[], seed: number): number[] {
  const trace: number[] = [];
  let s = seed, x = 0;
  for (let fuel = FUEL; fuel > 0; fuel--) {
    trace.push(x);
    const e = shapes[x]!;
    s = next(s);
    const pick = s >>> 16;
    if (e.kind === 'goto') x = e.to;
    else if (e.kind === 'cond') x = pick & 1 ? e.taken : e.fall;
    else if (e.kind === 'switch') x = e.targets[pick % 4] ?? e.fallback;
    else break;
  }
  return trace;
}

/**
 * The graph as a Wasm function run(seed) that writes its trace from address 4 and its length at
 * 0; locals: 0 seed/state, 1 fuel, 2 pick, 3 the spare label local. `reducible`: structured
 * without the fallback; `fallback`: through the fallback (dispatchLoop) instead.
 */
function compile(shapes: Shape[], fallback = false): { run: (seed: number) => number[]; reducible: boolean } {
  const m = new WasmBuilder();
  const { i32 } = ir;
  m.setMemory(1, 1, 'memory');
  const get = (k: number) => m.local.get(k, i32);
  const build = (): CfgNode[] => shapes.map((shape, x) => {
    // record x; stop when out of fuel; advance the sequence
    const code = m.block(null, [
      m.i32.store(4, 4, m.i32.shl(m.i32.load(0, 4, m.i32.const(0)), m.i32.const(2)), m.i32.const(x)),
      m.i32.store(0, 4, m.i32.const(0), m.i32.add(m.i32.load(0, 4, m.i32.const(0)), m.i32.const(1))),
      m.local.set(1, m.i32.sub(get(1), m.i32.const(1))),
      m.if(m.i32.eqz(get(1)), m.return()),
      m.local.set(0, m.i32.add(m.i32.mul(get(0), m.i32.const(1103515245)), m.i32.const(12345))),
      m.local.set(2, m.i32.shr_u(get(0), m.i32.const(16))),
      ...(shape.kind === 'none' ? [m.return()] : []), // an exit 'none' is code that leaves by itself
    ]);
    const exit: Exit = shape.kind === 'cond' ? { kind: 'cond', cond: m.i32.and(get(2), m.i32.const(1)), taken: shape.taken, fall: shape.fall }
      : shape.kind === 'switch' ? { kind: 'switch', index: m.i32.rem_u(get(2), m.i32.const(4)), targets: shape.targets, fallback: shape.fallback }
      : shape;
    return { code, exit };
  });
  // (structured twice: an expression has one parent, so each time from fresh nodes)
  const reducible = structureReducible(m, makeReducible(m, build(), 3)) !== undefined;
  const body = fallback ? dispatchLoop(m, build(), 3) : structure(m, build(), () => 3);
  m.addFunction('run', ir.createType([i32]), ir.none, [i32, i32, i32], m.block(null, [m.local.set(1, m.i32.const(FUEL)), body]));
  m.addFunctionExport('run', 'run');
  if (!m.validate()) throw new Error('invalid module');
  const bytes = m.emitBinary();
  m.dispose();
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as { run: (seed: number) => void; memory: WebAssembly.Memory };
  return {
    reducible,
    run: (seed) => {
      const words = new Int32Array(exports.memory.buffer);
      words[0] = 0;
      exports.run(seed);
      return Array.from(words.subarray(1, 1 + words[0]!));
    },
  };
}

describe('structuring control-flow graphs', () => {
  it('an irreducible graph becomes reducible (every loop has one entry)', () => {
    // 0 → 1 or 2; 1 ⇄ 2: a loop entered at both nodes
    const m = new WasmBuilder();
    const nodes: CfgNode[] = [
      { code: m.nop(), exit: { kind: 'switch', index: m.i32.const(0), targets: [1, 2], fallback: 1 } },
      { code: m.nop(), exit: { kind: 'cond', cond: m.i32.const(1), taken: 2, fall: 3 } },
      { code: m.nop(), exit: { kind: 'goto', to: 1 } },
      { code: m.nop(), exit: { kind: 'none' } },
    ];
    const fixed = makeReducible(m, nodes, 0);
    expect(fixed.length).toBeGreaterThan(nodes.length);
    // every way into 1 and 2 now goes through one dispatch node
    const dispatch = fixed.findIndex((n, x) => x >= nodes.length && n.exit.kind === 'switch');
    expect(dispatch).toBeGreaterThan(3);
    expect(into(fixed, 1)).toEqual([dispatch]);
    expect(into(fixed, 2)).toEqual([dispatch]);
    m.dispose();
  });

  it('a loop entered at its inner loop\'s head too keeps the inner loop\'s back edge direct', () => {
    // outer loop 1 → {2 ⇄ 3} → 4 → 1, entered at 1 and at 2 (a loop re-entered at its inner head)
    const m = new WasmBuilder();
    const nodes: CfgNode[] = [
      { code: m.nop(), exit: { kind: 'switch', index: m.i32.const(0), targets: [1, 2], fallback: 1 } },
      { code: m.nop(), exit: { kind: 'goto', to: 2 } },
      { code: m.nop(), exit: { kind: 'goto', to: 3 } },
      { code: m.nop(), exit: { kind: 'cond', cond: m.i32.const(1), taken: 2, fall: 4 } },
      { code: m.nop(), exit: { kind: 'cond', cond: m.i32.const(1), taken: 1, fall: 5 } },
      { code: m.nop(), exit: { kind: 'none' } },
    ];
    const fixed = makeReducible(m, nodes, 0);
    const dispatch = fixed.findIndex((n, x) => x >= nodes.length && n.exit.kind === 'switch');
    expect(dispatch).toBeGreaterThan(5);
    // the outer back edge (4 → 1) goes through the dispatch node, the inner one (3 → 2) does not
    expect(into(fixed, 1)).toEqual([dispatch]);
    expect(into(fixed, 2).sort()).toEqual([3, dispatch].sort());
    expect(structureReducible(m, fixed)).toBeDefined();
    m.dispose();
  });

  for (const size of [4, 8, 20, 60]) {
    it(`random graphs of ${size} nodes run as their direct walk`, () => {
      let irreducible = 0;
      for (let seed = 1; seed <= 150; seed++) {
        const shapes = randomGraph(seed * 7919 + size, size);
        const { run, reducible } = compile(shapes);
        expect(reducible, `graph seed ${seed * 7919 + size} needed the fallback`).toBe(true);
        for (const s of [1, 99, 12345]) expect(run(s), `graph seed ${seed * 7919 + size}, walk seed ${s}`).toEqual(walk(shapes, s));
        const viaLoop = compile(shapes, true).run;
        for (const s of [1, 99]) expect(viaLoop(s), `graph seed ${seed * 7919 + size} through dispatchLoop, walk seed ${s}`).toEqual(walk(shapes, s));
        if (isIrreducible(shapes)) irreducible++;
      }
      // the sample must exercise irreducible graphs, or the test proves little
      if (size >= 8) expect(irreducible).toBeGreaterThan(10);
    });
  }
});

/** the nodes with an edge to `t` */
const into = (nodes: CfgNode[], t: number) => nodes.flatMap((n, x) => ((n.exit.kind === 'goto' && n.exit.to === t) || (n.exit.kind === 'cond' && (n.exit.taken === t || n.exit.fall === t)) || (n.exit.kind === 'switch' && [...n.exit.targets, n.exit.fallback].includes(t)) ? [x] : []));

/** a graph is irreducible when makeReducible adds nodes to it */
function isIrreducible(shapes: Shape[]): boolean {
  const m = new WasmBuilder();
  const nodes: CfgNode[] = shapes.map((s) => ({ code: m.nop(), exit: s.kind === 'cond' ? { ...s, cond: m.i32.const(0) } : s.kind === 'switch' ? { ...s, index: m.i32.const(0) } : s }));
  const added = makeReducible(m, nodes, 0).length > nodes.length;
  m.dispose();
  return added;
}
