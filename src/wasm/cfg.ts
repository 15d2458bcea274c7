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
