// Turns a function's control-flow graph into structured Wasm (blocks, loops, br, br_table).
//
// Reducible graphs (nearly all compiled code) are structured in near-linear time by the
// dominator-tree method of Ramsey's "Beyond Relooper" (ICFP 2022): every node is emitted once,
// as the child of its immediate dominator; a node with one forward predecessor is emitted in
// place of the branch to it, a node with several (a merge node) after a `block` that the
// branches leave, and a loop header inside a `loop` that back edges continue. (binaryen's
// Relooper, which the graphs used to go through, took time quadratic in the blocks of a long
// chain: a function with 4000 calls, each a block and an entry point, took 30 s.) Irreducible
// graphs are made reducible first (irreducible.ts); a graph too deep for the JS stack goes
// through a dispatch loop (dispatchLoop).
import * as ir from './ir.ts';
import type { Expr } from '../lift/types.ts';
import { postorder, successors, type CfgNode } from './cfg.ts';
import { makeReducible } from './irreducible.ts';
import { distinct, mapped } from '../lift/arrays.ts';

/**
 * The function body for `nodes`, entered at node 0 (which no node branches to); `label` is a
 * spare i32 local, used only when the graph is irreducible.
 */
export function structure(m: ir.Module, nodes: CfgNode[], label: () => number): Expr {
  const body = structureReducible(m, nodes);
  if (body) return body;
  const local = label();
  return structureReducible(m, makeReducible(m, nodes, local)) ?? dispatchLoop(m, nodes, local);
}

/** a block that branches leave, of type none */
function labelled(m: ir.Module, name: string, children: Expr[]): Expr {
  return m.block(name, children, ir.none);
}

/** undefined when the graph is irreducible (or too deep to structure on this stack); exported for its test */
export function structureReducible(m: ir.Module, nodes: CfgNode[]): Expr | undefined {
  const n = nodes.length;
  const succ = mapped(nodes, (nd) => distinct(successors(nd.exit)));
  // reverse postorder from node 0
  const rpo = new Int32Array(n).fill(-1), order = postorder(n, (x) => succ[x]!);
  order.reverse();
  // indexed loops here and below: the translator runs mostly in the engine's baseline tier, where for-of allocates per step
  const reached = order.length;
  for (let k = 0; k < reached; k++) rpo[order[k]!] = k;
  // immediate dominators (Cooper, Harvey and Kennedy's iteration; few rounds on reducible graphs)
  const preds: number[][] = mapped(nodes, () => []);
  for (let k = 0; k < reached; k++) {
    const x = order[k]!, ts = succ[x]!;
    for (let j = 0; j < ts.length; j++) preds[ts[j]!]!.push(x);
  }
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (rpo[a]! > rpo[b]!) a = idom[a]!;
      while (rpo[b]! > rpo[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = 0; k < reached; k++) {
      const x = order[k]!;
      if (x === 0) continue;
      let d = -1;
      const ps = preds[x]!;
      for (let j = 0; j < ps.length; j++) {
        const p = ps[j]!;
        if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d);
      }
      if (d !== idom[x]) { idom[x] = d; changed = true; }
    }
  }
  const dominates = (a: number, b: number): boolean => {
    while (b !== a && b !== 0) b = idom[b]!;
    return b === a;
  };
  // classify edges: a back edge's target must dominate its source, else the graph is irreducible
  const forwardIn = new Int32Array(n), loopHeader = new Uint8Array(n);
  for (let k = 0; k < reached; k++) {
    const x = order[k]!, ts = succ[x]!;
    for (let j = 0; j < ts.length; j++) {
      const t = ts[j]!;
      if (rpo[t]! > rpo[x]!) forwardIn[t]!++;
      else if (dominates(t, x)) loopHeader[t] = 1;
      else return undefined;
    }
  }
  const isMerge = (t: number) => forwardIn[t]! >= 2;
  const mergeChildren: number[][] = mapped(nodes, () => []);
  for (let k = 0; k < reached; k++) {
    const x = order[k]!;
    if (x !== 0 && isMerge(x)) mergeChildren[idom[x]!]!.push(x); // ascending rpo
  }

  const branch = (x: number, t: number): Expr[] =>
    rpo[t]! <= rpo[x]! ? [m.br(`l${t}`)] : isMerge(t) ? [m.br(`b${t}`)] : tree(t);
  const exit = (x: number): Expr[] => {
    const e = nodes[x]!.exit;
    switch (e.kind) {
      case 'goto': return branch(x, e.to);
      case 'cond':
        if (e.taken === e.fall) return [m.drop(e.cond), ...branch(x, e.fall)];
        return [m.if(e.cond, m.block(null, branch(x, e.taken))), ...branch(x, e.fall)];
      case 'switch': {
        // a target reached by br already has a label; others get a block, their code after it
        const labels = new Map<number, string>(), inline: number[] = [];
        for (const t of distinct([...e.targets, e.fallback])) {
          if (rpo[t]! <= rpo[x]!) labels.set(t, `l${t}`);
          else if (isMerge(t)) labels.set(t, `b${t}`);
          else { labels.set(t, `s${x}_${t}`); inline.push(t); }
        }
        let body: Expr[] = [m.switch(e.targets.map((t) => labels.get(t)!), labels.get(e.fallback)!, e.index)];
        for (const t of inline) body = [labelled(m, labels.get(t)!, body), ...tree(t)];
        return body;
      }
      case 'none': return [];
    }
  };
  // a node and the merge nodes it dominates: each merge node after a block the branches to it leave
  const tree = (x: number): Expr[] => {
    let body: Expr[] = [nodes[x]!.code, ...exit(x)];
    const merges = mergeChildren[x]!;
    for (let k = 0; k < merges.length; k++) body = [labelled(m, `b${merges[k]}`, body), ...tree(merges[k]!)];
    return loopHeader[x] ? [m.loop(`l${x}`, m.block(null, body))] : body;
  };
  try {
    return m.block(null, tree(0));
  } catch (err) {
    if (err instanceof RangeError) return undefined; // a dominator tree deeper than the JS stack
    throw err;
  }
}

/**
 * Any graph, for what the dominator tree cannot take (deeper than the JS stack): a loop that
 * dispatches on a label local through a binary tree of ifs (nesting log n, not n), every node
 * setting the label of its successor and going round again. Slow, and only for such graphs.
 */
export function dispatchLoop(m: ir.Module, nodes: CfgNode[], label: number): Expr {
  const go = (t: number): Expr[] => [m.local.set(label, m.i32.const(t)), m.br('dispatch')];
  const exit = (e: CfgNode['exit']): Expr[] => {
    switch (e.kind) {
      case 'goto': return go(e.to);
      case 'cond': return [m.if(e.cond, m.block(null, go(e.taken))), ...go(e.fall)];
      case 'switch': {
        // the index picks a setter block; the label then names the target
        const targets = distinct([...e.targets, e.fallback]);
        let body: Expr[] = [m.switch(e.targets.map((t) => `to${targets.indexOf(t)}`), `to${targets.indexOf(e.fallback)}`, e.index)];
        targets.forEach((t, k) => { body = [m.block(`to${k}`, body, ir.none), ...go(t)]; });
        return body;
      }
      case 'none': return [];
    }
  };
  const range = (lo: number, hi: number): Expr => {
    if (hi - lo === 1) return m.block(null, [nodes[lo]!.code, ...exit(nodes[lo]!.exit)]);
    const mid = (lo + hi) >>> 1;
    return m.if(m.i32.lt_u(m.local.get(label, ir.i32), m.i32.const(mid)), range(lo, mid), range(mid, hi));
  };
  return m.block(null, [m.local.set(label, m.i32.const(0)), m.loop('dispatch', m.block(null, [range(0, nodes.length), m.unreachable()]))]);
}
