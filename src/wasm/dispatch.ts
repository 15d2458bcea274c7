// The guest-PC → translated-code machinery of a program module: the dispatch table's initial
// contents, `lookup` over it, `dispatch` (enter the code for STATE.pc) and the top-level loop
// `run`. The table's place and size are globals, so the runtime can grow it when code lifted at
// run time adds entries (runtime/dispatch-table.ts is the other side).
import * as ir from './ir.ts';
import { DISPATCH_SLOT, dispatchHash, EXPORT, IMPORT } from '../abi.ts';
import type { GuestFunction } from '../lift/discover.ts';
import { STATE } from '../runtime/layout.ts';

const I32 = ir.i32, NONE = ir.none;

/**
 * The initial table: every entry point of every function, at most half full. It is a data segment
 * of the module, so it has no room to spare: code lifted at run time grows it (runtime side).
 */
export function dispatchTable(fns: GuestFunction[], alignLog2: number): { table: Uint8Array; bits: number } {
  const entries: [number, number, number][] = [];
  const seen = new Set<number>();
  fns.forEach((fn, fi) => fn.entries.forEach((pc, k) => { if (!seen.has(pc)) { seen.add(pc); entries.push([pc, fi, k]); } }));
  const bits = Math.max(4, Math.ceil(Math.log2(entries.length * 2 + 1)));
  const table = new Uint8Array(DISPATCH_SLOT << bits);
  const dv = new DataView(table.buffer);
  for (const [pc, fi, k] of entries) {
    let i = dispatchHash(pc, bits, alignLog2);
    while (dv.getUint32(i * DISPATCH_SLOT, true) !== 0) i = (i + 1) & ((1 << bits) - 1);
    dv.setUint32(i * DISPATCH_SLOT, pc, true);
    dv.setUint32(i * DISPATCH_SLOT + 4, fi, true);
    dv.setUint32(i * DISPATCH_SLOT + 8, k, true);
  }
  return { table, bits };
}

/** `lookup(pc) → slot address | 0`, the table's base and size read from (exported) globals */
export function addLookup(m: ir.Module, base: number, bits: number, alignLog2: number): void {
  m.addGlobal(EXPORT.dispatchBase, I32, true, m.i32.const(base));
  m.addGlobal(EXPORT.dispatchBits, I32, true, m.i32.const(bits));
  m.addGlobalExport(EXPORT.dispatchBase, EXPORT.dispatchBase);
  m.addGlobalExport(EXPORT.dispatchBits, EXPORT.dispatchBits);
  const bitsG = () => m.global.get(EXPORT.dispatchBits, I32);
  const pc = () => m.local.get(0, I32), i = () => m.local.get(1, I32), a = () => m.local.get(2, I32), k = () => m.local.get(3, I32);
  const mask = () => m.i32.sub(m.i32.shl(m.i32.const(1), bitsG()), m.i32.const(1));
  const body = m.block(null, [
    m.local.set(1, m.i32.shr_u(m.i32.mul(m.i32.shr_u(pc(), m.i32.const(alignLog2)), m.i32.const(0x9e3779b1 | 0)), m.i32.sub(m.i32.const(32), bitsG()))),
    m.loop('probe', m.block(null, [
      m.local.set(2, m.i32.add(m.global.get(EXPORT.dispatchBase, I32), m.i32.mul(i(), m.i32.const(DISPATCH_SLOT)))),
      m.local.set(3, m.i32.load(0, 4, a())),
      // empty first: an empty slot's PC field is 0, which must not match a jump to address 0
      m.if(m.i32.eqz(k()), m.return(m.i32.const(0))),
      m.if(m.i32.eq(k(), pc()), m.return(a())),
      m.local.set(1, m.i32.and(m.i32.add(i(), m.i32.const(1)), mask())),
      m.br('probe'),
    ])),
    m.unreachable(),
  ]);
  m.addFunction(EXPORT.lookup, I32, I32, [I32, I32, I32], body);
  m.addFunctionExport(EXPORT.lookup, EXPORT.lookup);
}

const loadPc = (m: ir.Module) => m.i64.load(0, 8, m.i32.const(STATE.pc));
const callSlot = (m: ir.Module, slot: () => ir.ExpressionRef, tail: boolean) =>
  (tail ? m.return_call_indirect : m.call_indirect).call(m, EXPORT.table, m.i32.load(4, 4, slot()), [m.i32.load(8, 4, slot())], I32, NONE);

/** Enters the translated code for STATE.pc; if there is none, returns and lets the caller see the PC. */
export function addDispatch(m: ir.Module): void {
  const slot = () => m.local.get(0, I32);
  m.addFunction(EXPORT.dispatch, NONE, NONE, [I32], m.block(null, [
    m.local.set(0, m.call(EXPORT.lookup, [m.i32.wrap(loadPc(m))], I32)),
    m.hint(m.if(m.i32.eqz(slot()), m.return()), false),
    callSlot(m, slot, true),
  ]));
  m.addFunctionExport(EXPORT.dispatch, EXPORT.dispatch);
}

/**
 * The dispatcher loop: runs the guest from STATE.pc until the runtime throws (exit, trap). A PC
 * with no translation goes to the runtime's `miss`, which lifts the code there (and the loop
 * looks it up again) or throws. Every miss reaches this loop: a frame that finds STATE.pc is not
 * where it expected returns, so the Wasm stack is empty here and the guest state is in memory.
 */
export function addRun(m: ir.Module): void {
  const slot = () => m.local.get(0, I32);
  m.addFunction(EXPORT.run, NONE, NONE, [I32], m.loop('next', m.block(null, [
    m.global.set(EXPORT.depth, m.i32.const(0)),
    m.local.set(0, m.call(EXPORT.lookup, [m.i32.wrap(loadPc(m))], I32)),
    m.hint(m.if(m.i32.eqz(slot()), m.block(null, [m.call(IMPORT.miss, [loadPc(m)], NONE), m.br('next')])), false),
    callSlot(m, slot, false),
    m.br('next'),
  ])));
  m.addFunctionExport(EXPORT.run, EXPORT.run);
}
