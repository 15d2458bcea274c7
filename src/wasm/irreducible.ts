// Makes an irreducible control-flow graph reducible, so structure.ts can structure it in
// near-linear time instead of handing it to binaryen's Relooper (which took 7 of busybox's 18 s).
//
// Our irreducible graphs are nearly all loops with several entries: a function is entered at its
// start or at a return site (when the dispatcher resumes a frame that was unwound), and a return
// site inside a loop is a second way into that loop. The fix is the one LLVM's WebAssembly
// backend uses (WebAssemblyFixIrreducibleControlFlow): a strongly connected region with several
// entries gets a dispatch node that becomes its only entry; every edge to one of the entries
// instead sets a label local to the entry's number and goes to the dispatch node, which switches
// on it. Then the same is done inside the region with the edges back to its header removed,
// until every loop has one entry. Edges from outside and from inside the region go through
// separate setter nodes, so the outside ones stay outside the loop. The cost is paid only by the
// redirected edges: a local.set and a br_table. One entry's own inner loop keeps its back edges
// direct (innermostOwnLoop): a loop re-entered at an inner head dispatches per outer turn only.
import * as ir from './ir.ts';
import { mapped } from '../lift/arrays.ts';
import { cfgNode, condExit, gotoExit, successors, switchExit, type CfgNode, type Exit } from './cfg.ts';

function retarget(e: Exit, f: (t: number) => number): Exit {
  switch (e.kind) {
    case 'goto': return gotoExit(f(e.to));
    case 'cond': return condExit(e.cond, f(e.taken), f(e.fall));
    case 'switch': return switchExit(e.index, mapped(e.targets, f), f(e.fallback));
    case 'none': return e;
  }
}

/**
 * A reducible graph with the same behaviour as `nodes` (node 0, the start, has no predecessors);
 * new nodes are appended. `label` is the i32 local the dispatch nodes switch on.
 */
export function makeReducible(m: ir.Module, input: CfgNode[], label: number): CfgNode[] {
  const nodes = mapped(input, (n) => cfgNode(n.code, n.exit));
  const succ = (x: number) => successors(nodes[x]!.exit);
  // only nodes reachable from the start count (an unreachable predecessor is no entry)
  const reachable = new Uint8Array(nodes.length);
  for (const stack = [0]; stack.length;) {
    const x = stack.pop()!;
    if (reachable[x]) continue;
    reachable[x] = 1;
    stack.push(...succ(x));
  }
  const all: number[] = [];
  reachable.forEach((r, x) => { if (r) all.push(x); });
  const preds = new Map<number, Set<number>>(all.map((x) => [x, new Set()]));
  for (const p of all) for (const t of succ(p)) if (t !== p) preds.get(t)!.add(p);
  const work: { region: number[]; header: number }[] = [{ region: all, header: -1 }];
  while (work.length) {
    const { region, header } = work.pop()!;
    for (const scc of components(region, header, succ)) {
      const inside = new Set(scc);
      if (inside.has(0)) throw new Error('internal error: the start node is in a loop');
      const entries = scc.filter((x) => [...preds.get(x)!].some((p) => !inside.has(p)));
      if (entries.length === 1) {
        work.push({ region: scc, header: entries[0]! });
        continue;
      }
      const dispatch = nodes.push(cfgNode(m.nop(), switchExit(m.local.get(label, ir.i32), entries, entries[0]!))) - 1;
      preds.set(dispatch, new Set());
      const setter = (i: number): number => {
        const s = nodes.push(cfgNode(m.local.set(label, m.i32.const(i)), gotoExit(dispatch))) - 1;
        preds.set(s, new Set());
        preds.get(dispatch)!.add(s);
        return s;
      };
      const fromOutside = mapped(entries, (_, i) => setter(i));
      const fromInside = mapped(entries, (_, i) => setter(i));
      const index = new Map(entries.map((e, i) => [e, i]));
      const own = innermostOwnLoop(entries, inside, succ, preds);
      const redirected = new Set<number>();
      for (const e of entries) for (const p of preds.get(e)!) redirected.add(p);
      for (const p of redirected) {
        const via = inside.has(p) ? fromInside : fromOutside;
        nodes[p]!.exit = retarget(nodes[p]!.exit, (t) => {
          if (!index.has(t) || (t === own?.entry && own.loop.has(p))) return t;
          const s = via[index.get(t)!]!;
          preds.get(t)!.delete(p);
          preds.get(s)!.add(p);
          return s;
        });
      }
      for (const e of entries) preds.get(e)!.add(dispatch);
      work.push({ region: [...scc, dispatch, ...fromInside], header: dispatch });
    }
  }
  return nodes;
}

/** entries beyond which a region's own loops are not looked for (each costs two searches of the region) */
const OWN_LOOP_ENTRIES = 8;

/**
 * The entry of a multi-entry region whose own loop (the nodes that reach it and that it reaches
 * without passing another entry) is the smallest, with that loop: its back edges may go to it
 * directly instead of through the dispatch node. A hot inner loop entered from outside as well
 * (a loop re-entered at its head, reentry.ts) then pays no dispatch per iteration. Only one
 * entry's edges may stay: with two, a cycle through both would remain a loop with two entries.
 */
function innermostOwnLoop(entries: number[], inside: Set<number>, succ: (x: number) => number[], preds: Map<number, Set<number>>): { entry: number; loop: Set<number> } | undefined {
  if (entries.length > OWN_LOOP_ENTRIES) return undefined;
  let best: { entry: number; loop: Set<number> } | undefined;
  const others = new Set(entries);
  for (const e of entries) {
    others.delete(e);
    const search = (next: (x: number) => Iterable<number>): Set<number> => {
      const seen = new Set([e]);
      for (const stack = [e]; stack.length;) {
        for (const t of next(stack.pop()!)) {
          if (!seen.has(t) && inside.has(t) && !others.has(t)) { seen.add(t); stack.push(t); }
        }
      }
      return seen;
    };
    const ahead = search(succ), behind = search((x) => preds.get(x)!);
    const loop = new Set([...ahead].filter((x) => behind.has(x)));
    others.add(e);
    if (loop.size > 1 && (!best || loop.size < best.loop.size)) best = { entry: e, loop };
  }
  return best;
}

/**
 * The strongly connected components of `region` that are loops (more than one node; a node
 * looping on itself has one entry), ignoring edges that leave the region or go to `header`
 * (Tarjan's algorithm, iterative: regions have tens of thousands of nodes).
 */
export function components(region: number[], header: number, succ: (x: number) => number[]): number[][] {
  // region nodes by position: the search's state lives in typed arrays, not maps (it runs per
  // nesting level of every loop of every function)
  const pos = new Map<number, number>(), nodes: number[] = [];
  for (let r = 0; r < region.length; r++) {
    const x = region[r]!;
    if (!pos.has(x)) { pos.set(x, nodes.length); nodes.push(x); }
  }
  const k = nodes.length;
  const index = new Int32Array(k).fill(-1), low = new Int32Array(k), onStack = new Uint8Array(k);
  // Tarjan's stack, and the search's: each node's position and how far through its successors it is
  const stack = new Int32Array(k), frameNode = new Int32Array(k), frameEdge = new Int32Array(k);
  const out: number[][] = [], succs: number[][] = []; // `succ` may build its array on each call: once per node here
  let next = 0, size = 0, depth = 0;
  const open = (x: number) => {
    succs[x] = succ(nodes[x]!);
    index[x] = low[x] = next++;
    stack[size++] = x; onStack[x] = 1;
    frameNode[depth] = x; frameEdge[depth] = 0; depth++;
  };
  for (let root = 0; root < k; root++) {
    if (index[root] !== -1) continue;
    open(root);
    while (depth) {
      const x = frameNode[depth - 1]!, ts = succs[x]!, e = frameEdge[depth - 1]!;
      if (e < ts.length) {
        frameEdge[depth - 1] = e + 1;
        const t = ts[e] === header ? undefined : pos.get(ts[e]!); // edges that leave the region or go to `header` do not count
        if (t === undefined) continue;
        if (index[t] === -1) open(t);
        else if (onStack[t]) low[x] = Math.min(low[x]!, index[t]!);
        continue;
      }
      depth--;
      if (depth) {
        const parent = frameNode[depth - 1]!;
        low[parent] = Math.min(low[parent]!, low[x]!);
      }
      if (low[x] === index[x]) {
        const scc: number[] = [];
        let y: number;
        do { y = stack[--size]!; onStack[y] = 0; scc.push(nodes[y]!); } while (y !== x);
        if (scc.length > 1) out.push(scc);
      }
    }
  }
  return out;
}
