import type { Builder, Expr, Flow, Insn } from '../../lift/types.ts';
import type { Fields, Row } from './decoder.ts';

export interface A64Insn extends Insn {
  row: Row;
  f: Fields;
}

/** Semantics of one encoding. Branch rows return their condition (i32) or target (i64). */
export type Sem = (f: Fields, b: Builder, insn: A64Insn) => Expr | void;
export type FlowFn = (f: Fields, pc: number) => Flow;
