// Indirect jumps with the same targets share one dispatch node (wasm/function.ts shareDispatch):
// the computed-goto interpreters of progs/cgoto.c dispatch after each of their 15 handlers, and
// each such jump used to switch over every handler itself — a merge of every dispatch at every
// handler, which made V8's optimising compiler take 28 s over CPython's eval loop. Their
// behaviour against qemu is programs.test.ts's (cgoto); here, the shape of the code.
import binaryen from 'binaryen';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/translate.ts';

const bytes = readFileSync(new URL('../fixtures/bin/progs-glibc-O2', import.meta.url));

/** the br_tables of each function whose name starts with `prefix`, by the number of their targets */
function switches(wasm: Uint8Array, prefix: string): Map<string, number[]> {
  const mod = binaryen.readBinary(wasm);
  try {
    const out = new Map<string, number[]>();
    for (let i = 0; i < mod.getNumFunctions(); i++) {
      const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
      if (!info.name.startsWith(prefix)) continue;
      const lines = binaryen.emitText(info.body).split('\n').filter((l) => l.includes('br_table'));
      out.set(info.name, lines.map((l) => l.trim().split(/\s+/).length - 1));
    }
    return out;
  } finally {
    mod.dispose();
  }
}

describe('shared dispatch of indirect jumps', () => {
  const wasm = translate(new Uint8Array(bytes)).wasm;
  const byFunction = switches(wasm, 'run_');

  it('gives each interpreter one switch over its handlers, not one per computed goto', () => {
    // run_abs: `goto *tbl[op]` (absolute label addresses) and run_rel: `goto *(&&base + offs[op])`,
    // 16 jumps each (one per handler and the first), whose switch spans the handlers' code: the
    // widest br_table; the others switch over the function's entry points and the like
    for (const name of ['run_abs', 'run_rel']) {
      const [fn, tables] = [...byFunction].find(([n]) => n.startsWith(`${name}@`))!;
      const widest = Math.max(...tables);
      expect({ fn, widest: widest > 100, dispatches: tables.filter((n) => n === widest).length }).toEqual({ fn, widest: true, dispatches: 1 });
    }
  });
});
