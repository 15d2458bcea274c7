// A function's control-flow graph as the emitter hands it to structure.ts.
import type { Expr } from '../lift/types.ts';

/** how control leaves a node; nodes are numbered by their index in the graph */
export type Exit =
  | { kind: 'goto'; to: number }
  | { kind: 'cond'; cond: Expr; taken: number; fall: number }
  /** `targets[i]` for index i, `fallback` for any other index */
  | { kind: 'switch'; index: Expr; targets: number[]; fallback: number }
  /** the code ends in a return, tail call or trap */
  | { kind: 'none' };

export interface CfgNode { code: Expr; exit: Exit }

export const successors = (e: Exit): number[] =>
  e.kind === 'goto' ? [e.to] : e.kind === 'cond' ? [e.taken, e.fall] : e.kind === 'switch' ? [...e.targets, e.fallback] : [];

/**
 * The nodes reachable from node 0, in depth-first postorder; `backEdge(t)` for every edge to a
 * node still on the search's path (a loop's header). Iterative, its stack in typed arrays:
 * graphs have tens of thousands of nodes, and the translator runs mostly in the engine's
 * baseline tier.
 */
export function postorder(n: number, succ: (x: number) => readonly number[], backEdge?: (t: number) => void): number[] {
  // 1 on the path, 2 done; the path's nodes and how many of their successors are done
  const state = new Uint8Array(n), pathNode = new Int32Array(n), pathNext = new Int32Array(n), out: number[] = [];
  let top = 1;
  state[0] = 1;
  while (top) {
    const x = pathNode[top - 1]!, i = pathNext[top - 1]!, ts = succ(x);
    if (i < ts.length) {
      pathNext[top - 1] = i + 1;
      const t = ts[i]!;
      if (state[t] === 1) backEdge?.(t);
      else if (!state[t]) { state[t] = 1; pathNode[top] = t; pathNext[top] = 0; top++; }
    } else { top--; state[x] = 2; out.push(x); }
  }
  return out;
}
