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

// The graph code (structure.ts, irreducible.ts, reentry.ts) reads every node's exit. Made only
// by these, all exits have one hidden class (every field, in one order; 0 is no expression) and
// all nodes another, where literals of four shapes, and nodes copied by spreading, made V8
// deoptimise that code and compile it again (up to seven times a translation; lift/arrays.ts
// says why arrays matter the same way).
/** the targets of an exit (or terminator) that has none: never changed, shared */
export const NO_TARGETS: number[] = [];
const exitOf = (kind: Exit['kind'], to: number, cond: Expr, taken: number, fall: number, index: Expr, targets: number[], fallback: number): Exit =>
  ({ kind, to, cond, taken, fall, index, targets, fallback }) as Exit;
export const gotoExit = (to: number): Exit => exitOf('goto', to, 0, -1, -1, 0, NO_TARGETS, -1);
export const condExit = (cond: Expr, taken: number, fall: number): Exit => exitOf('cond', -1, cond, taken, fall, 0, NO_TARGETS, -1);
export const switchExit = (index: Expr, targets: number[], fallback: number): Exit => exitOf('switch', -1, 0, -1, -1, index, targets, fallback);
export const noExit = (): Exit => exitOf('none', -1, 0, -1, -1, 0, NO_TARGETS, -1);
export const cfgNode = (code: Expr, exit: Exit): CfgNode => ({ code, exit });

/** an exit's targets, in order (repeats kept), as an array of small integers */
export function successors(e: Exit): number[] {
  switch (e.kind) {
    case 'goto': return [e.to];
    case 'cond': return [e.taken, e.fall];
    case 'switch': {
      const out: number[] = [];
      for (let i = 0; i < e.targets.length; i++) out.push(e.targets[i]!);
      out.push(e.fallback);
      return out;
    }
    case 'none': return [];
  }
}

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
