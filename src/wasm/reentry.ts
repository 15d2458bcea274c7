// Where a function re-enters itself to leave a long-running loop's baseline code.
//
// V8 has no on-stack replacement for Wasm: a call that runs a loop for seconds keeps the code it
// was entered with, Liftoff's baseline code wherever nothing asked for the optimising compiler
// up front (browsers; Node too since run stopped asking). So loops count their iterations in a
// local, and at the head of an outer loop, once the count passes REENTRY_INTERVAL, the function
// stores the guest state and tail-calls itself at that head (an entry index of its own), entering
// the code V8 has for it by then: the optimised code once V8's dynamic tiering has compiled it
// (function.ts, reenter).
//
// Only the heads of the two outer nesting levels re-enter (REENTRY_DEPTH): an extra entry into an
// inner loop is a second way into the loop around it, which irreducible.ts makes reducible with a
// dispatch on that outer loop's back edges (the inner loop's own stay direct). Deeper loops'
// iterations count all the same, so a hot innermost loop re-enters at the next turn of the loop
// around it.
import { postorder, successors, type CfgNode } from './cfg.ts';
import { components } from './irreducible.ts';
import { mapped, numbers } from '../lift/arrays.ts';

/**
 * Counted head runs between re-entries: rare enough to cost nothing, often enough for V8's
 * tiering. ELF2WASM_REENTRY_INTERVAL overrides it for tests (test/reentry-stress.test.ts), which
 * make every loop re-enter all the time.
 */
export const REENTRY_INTERVAL = intervalFromEnv() ?? 1 << 14;

function intervalFromEnv(): number | undefined {
  const v = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env?.ELF2WASM_REENTRY_INTERVAL;
  return v && /^[1-9]\d*$/.test(v) ? Number(v) : undefined;
}

/**
 * Loop nesting levels that re-enter: outermost loops and the loops directly inside them. With the
 * outermost alone, a function whose outer loop turns a few times around long inner loops (a
 * benchmark's repetitions around an inlined kernel) ran each turn in baseline code: lz's first of
 * four rounds, 1.12 s instead of 0.90 s. A third level measured slower (fannkuch, strings +12 %).
 */
export const REENTRY_DEPTH = 2;

export interface LoopHeads {
  /** the targets of back edges (in a depth-first search from node 0): each run of one counts */
  counted: number[];
  /** the heads of the outer loops (REENTRY_DEPTH levels), where the count is checked and the function re-enters */
  reentries: number[];
}

/**
 * The loop heads of a graph entered at node 0. A loop is re-entered at an entry of its own (a
 * node with a way in from outside it), or at one of `dispatches` that more of its edges go back
 * to: the indirect-jump switch an interpreter's handlers all branch back to (function.ts
 * shareDispatch), which its turns pass, whereas the loop's entry may lie on none of them
 * (CPython's eval loop: 212 jumps back to its dispatch, 5 to the entry picked otherwise, and a
 * Python loop never passed it). A re-entry there is a second way into the loop, which
 * irreducible.ts pays for with a dispatch on the loop's back edges.
 */
export function loopHeads(nodes: CfgNode[], depth = REENTRY_DEPTH, dispatches: ReadonlySet<number> = new Set()): LoopHeads {
  // once per node: a dense switch has thousands of targets
  const succs = mapped(nodes, (n) => successors(n.exit)), succ = (x: number) => succs[x]!;
  const counted = new Set<number>(), reached = postorder(nodes.length, succ, (t) => counted.add(t));
  if (!counted.size) return { counted: [], reentries: [] };
  const preds: number[][] = mapped(nodes, () => []);
  // indexed loops: the translator runs mostly in the engine's baseline tier, where for-of allocates per step
  for (let k = 0; k < reached.length; k++) {
    const p = reached[k]!, ts = succ(p);
    for (let j = 0; j < ts.length; j++) if (ts[j] !== p) preds[ts[j]!]!.push(p);
  }
  // per loop, the entry that most edges inside it branch back to (the loop's header when it has
  // one); then the same inside it without the edges back to that head, down to `depth` levels
  const reentries: number[] = [];
  const work: { region: number[]; head: number; level: number }[] = [{ region: reached, head: -1, level: 1 }];
  while (work.length) {
    const { region, head, level } = work.pop()!;
    const inLoop = new Set<number>();
    for (const scc of components(region, head, succ)) {
      const inside = new Set(scc);
      let best = -1, most = -1;
      for (let k = 0; k < scc.length; k++) {
        const x = scc[k]!;
        inLoop.add(x);
        if (!counted.has(x)) continue;
        const ps = preds[x]!;
        let backs = 0;
        for (let j = 0; j < ps.length; j++) if (inside.has(ps[j]!)) backs++;
        if (backs === ps.length && !dispatches.has(x)) continue; // no way in from outside
        // an entry of the loop before a dispatch as far back as it: re-entering there costs nothing more
        const rank = 2 * backs + (dispatches.has(x) ? 0 : 1);
        if (rank > most) { best = x; most = rank; }
      }
      if (best < 0) continue;
      reentries.push(best);
      if (level < depth) work.push({ region: scc, head: best, level: level + 1 });
    }
    // a node branching to itself outside any larger loop is a loop of its own
    for (let k = 0; k < region.length; k++) {
      const x = region[k]!;
      if (counted.has(x) && x !== head && !inLoop.has(x) && succ(x).includes(x)) reentries.push(x);
    }
  }
  reentries.sort((a, b) => a - b);
  return { counted: numbers(counted).sort((a, b) => a - b), reentries };
}
