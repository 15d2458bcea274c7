// Where a function re-enters itself to leave a long-running loop's baseline code.
//
// V8 has no on-stack replacement for Wasm: a call that runs a loop for seconds keeps the code it
// was entered with, Liftoff's baseline code wherever nothing asked for the optimising compiler
// up front (browsers always). So loops count their iterations in a local, and at the head of an
// outermost loop, once the count passes REENTRY_INTERVAL, the function stores the guest state
// and tail-calls itself at that head (an entry index of its own), entering the code V8 has for it
// by then: the optimised code once V8's dynamic tiering has compiled it (function.ts, reenter).
//
// Only entries of outermost loops (the graph's maximal strongly connected components) re-enter:
// an extra entry into an inner loop would be a second way into the loop around it, which
// structure.ts can only make reducible with a dispatch on every iteration (irreducible.ts). The
// inner loops' iterations count all the same, so a hot inner loop re-enters at the next turn of
// the outermost one.
import { successors, type CfgNode } from './cfg.ts';
import { components } from './irreducible.ts';

/** counted head runs between re-entries: rare enough to cost nothing, often enough for V8's tiering */
export const REENTRY_INTERVAL = 1 << 14;

export interface LoopHeads {
  /** the targets of back edges (in a depth-first search from node 0): each run of one counts */
  counted: number[];
  /** the entries of outermost loops, where the count is checked and the function re-enters */
  reentries: number[];
}

/** the loop heads of a graph entered at node 0 */
export function loopHeads(nodes: CfgNode[]): LoopHeads {
  // once per node: a dense switch has thousands of targets
  const succs = nodes.map((n) => successors(n.exit)), succ = (x: number) => succs[x]!;
  const counted = new Set<number>(), reached: number[] = [];
  // iterative DFS: 1 on the stack, 2 done
  const state = new Uint8Array(nodes.length), stack: [number, number][] = [[0, 0]];
  state[0] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1]!, [x, i] = top, ts = succ(x);
    if (i < ts.length) {
      top[1]++;
      const t = ts[i]!;
      if (state[t] === 1) counted.add(t);
      else if (!state[t]) { state[t] = 1; stack.push([t, 0]); }
    } else { stack.pop(); state[x] = 2; reached.push(x); }
  }
  const sccs = components(reached, -1, succ);
  const inScc = new Int32Array(nodes.length).fill(-1);
  sccs.forEach((scc, k) => { for (const x of scc) inScc[x] = k; });
  // a node branching to itself outside any larger loop is a loop of its own
  for (const x of counted) if (inScc[x] < 0) { inScc[x] = sccs.length; sccs.push([x]); }
  // per loop, the entry that most edges inside it branch back to (the loop's header when it has one)
  const best = new Map<number, { node: number; backs: number }>(), backs = new Int32Array(nodes.length);
  const entry = new Uint8Array(nodes.length);
  for (const p of reached) {
    for (const t of succ(p)) {
      if (inScc[t] < 0) continue;
      if (inScc[t] !== inScc[p]) entry[t] = 1;
      else if (counted.has(t)) backs[t]!++;
    }
  }
  for (const x of reached) {
    if (!entry[x] || !counted.has(x)) continue;
    const k = inScc[x]!, b = best.get(k);
    if (!b || backs[x]! > b.backs) best.set(k, { node: x, backs: backs[x]! });
  }
  const reentries = [...best.values()].map((b) => b.node).sort((a, b) => a - b);
  return { counted: [...counted].sort((a, b) => a - b), reentries };
}
