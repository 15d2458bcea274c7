// Calls that never return (abort, exit, error-and-die helpers, __builtin_unreachable's trap):
// compilers put unrelated code after them, so a control-flow graph that lets such a call "fall
// through" invents paths — e.g. a path around a switch's bounds check, or one that carries a
// different value into a register holding a jump-table base. Only the jump-table analysis uses
// this; block discovery still treats every call as returning.
import type { Insn } from './types.ts';

/** instructions one callee's search may visit */
const BUDGET = 4000;

/**
 * A memoised predicate: true when no path from `target` reaches a return, an indirect jump or
 * a tail call to code that returns — following its own calls' fall-throughs only when those
 * return. A recursion cycle or an exhausted budget answers "returns" (the safe side: it only
 * keeps paths).
 */
export function noReturnOracle(decodeAt: (pc: number) => Insn | undefined, isFunctionStart: (pc: number) => boolean): (target: number) => boolean {
  const memo = new Map<number, boolean>();
  const noReturn = (target: number): boolean => {
    const known = memo.get(target);
    if (known !== undefined) return known;
    memo.set(target, false); // in progress: assume it returns
    const seen = new Set<number>();
    const work = [target];
    let budget = BUDGET, returns = false;
    while (work.length && !returns) {
      let pc = work.pop()!;
      for (;;) {
        if (seen.has(pc)) break;
        if (--budget < 0) { returns = true; break; }
        seen.add(pc);
        const i = decodeAt(pc);
        if (!i) break; // undecodable: execution cannot go on here
        const fl = i.flow;
        if (fl.kind === 'ret' || fl.kind === 'ijump') { returns = true; break; }
        if (fl.kind === 'stop') break;
        if (fl.kind === 'jump' && fl.target !== target && isFunctionStart(fl.target)) {
          if (!noReturn(fl.target)) returns = true;
          break;
        }
        if (fl.kind === 'call' && noReturn(fl.target)) break;
        if (fl.kind === 'jump') { pc = fl.target; continue; }
        if (fl.kind === 'cond') work.push(fl.target);
        pc += 4;
      }
    }
    memo.set(target, !returns);
    return !returns;
  };
  return noReturn;
}
