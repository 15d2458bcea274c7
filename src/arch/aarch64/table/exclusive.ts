// Load/store exclusive (Arm ARM C4.1.94: LDXR/LDAXR/LDXP/LDAXP, STXR/STLXR/STXP/STLXP, all sizes)
// and the local exclusive monitor they share with CLREX, as qemu-aarch64 models it: a load
// exclusive marks its address and remembers the value it read; a store exclusive succeeds (status
// 0) only if the monitor holds its address and memory still holds that value, compared at the
// store's size as a compare-and-swap; every store exclusive, CLREX, SVC and signal handler entry
// or return opens the monitor again (the SVC row, runtime/signal-frame.ts). The monitor is three
// registers (regs.ts EXCL_*): in locals inside a function, homed in the CPU state block, so each
// thread will have its own. Acquire/release add nothing on one core.
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i64c, setX, tmp, xr, xsp } from '../ops.ts';
import { EXCL_ADDR, EXCL_HIGH, EXCL_VAL } from '../regs.ts';
import { loadAt, loadInt, storeAt } from './ldst.ts';

const I64 = ir.i64;


/**
 * The last load exclusive lifted in this block (b.scratch): its shape, base register, and the
 * versions (Builder.version) of memory and of the base after it. A store exclusive of the same
 * shape with no memory write since finds memory holding the marked value (one thread): no compare
 * needed; if its base is the same unchanged register, the monitor holds its address too (CLREX,
 * SVC and store exclusives forget the load), so it succeeds: the loop around it folds away.
 */
const LAST = 'a64.ldxr';
interface LastLoad { size: number; pair: boolean; rn: number; memory: number; base: number }

/** CLREX, SVC and every store exclusive: no address marked (EXCL_ADDR is complemented) */
export function clearExclusive(b: Builder): void {
  b.set(EXCL_ADDR, i64c(b, 0));
  b.scratch.delete(LAST);
}

/**
 * What a store exclusive of this shape at register rn knows from this block's last load exclusive:
 * 'value' (memory holds the marked value), 'success' (and the monitor holds rn's address), or nothing.
 */
function known(b: Builder, size: number, pair: boolean, rn: number): 'value' | 'success' | undefined {
  const last = b.scratch.get(LAST) as LastLoad | undefined;
  if (!last || !b.version || last.memory !== b.version() || last.size !== size || last.pair !== pair) return undefined;
  return last.rn === rn && last.base === b.version(rn) ? 'success' : 'value';
}

/** a load exclusive of `size` at rn (value `a`) read `lo` (and `hi`, the second doubleword of a 64-bit pair) */
function mark(b: Builder, size: number, pair: boolean, rn: number, a: Expr, lo: Expr, hi?: Expr): void {
  if (b.version) b.scratch.set(LAST, { size, pair, rn, memory: b.version(), base: b.version(rn) } satisfies LastLoad);
  b.set(EXCL_VAL, lo);
  if (hi) b.set(EXCL_HIGH, hi);
  b.set(EXCL_ADDR, b.m.i64.xor(a, i64c(b, -1)));
}

/**
 * A store exclusive of `size` (pair: of two registers, size their total) at register rn (value
 * `a`): status 1 without touching memory unless the monitor holds `a`, else `attempt` (which
 * stores or not and yields the status; `same`: memory is known to hold the marked value); then
 * the monitor opens, and Rs gets the status.
 */
function storeExclusive(b: Builder, f: Fields, pair: boolean, size: number, a: () => Expr, attempt: (p: () => Expr, same: boolean) => Expr[]): void {
  const m = b.m, k = known(b, size, pair, f.rn!), status = b.temp(I64), p = b.temp(ir.i32);
  const body = [m.local.set(p, b.addr(a(), true)), ...attempt(() => m.local.get(p, ir.i32), k !== undefined)];
  const last = body.pop()!;
  if (k === 'success') b.emit(m.block(null, body));
  else b.emit(m.if(m.i64.eq(b.get(EXCL_ADDR), m.i64.xor(a(), i64c(b, -1))),
    m.block(null, [...body, m.local.set(status, last)]),
    m.local.set(status, i64c(b, 1))));
  clearExclusive(b);
  setX(b, f.rs!, k === 'success' ? i64c(b, 0) : m.local.get(status, I64));
}

/**
 * The compare-and-swap of qemu's store exclusive: memory of 1 << size bytes at `p` is compared with
 * the marked value cut to that size, and written back with `v` if equal or its old value if not;
 * the status compares the old value with the whole marked value (a load exclusive of another size
 * can make a store that happened report failure, as under qemu).
 */
function compareAndSwap(b: Builder, size: number, p: () => Expr, v: Expr, same: boolean): Expr[] {
  // `p` is a store's address (addr with write), which loads through it use too
  const m = b.m, old = b.temp(I64), get = () => m.local.get(old, I64), o = b.offset(true);
  if (same) return [storeAt(b, size, p(), v, o), i64c(b, 0)];
  const want = size === 3 ? b.get(EXCL_VAL) : m.i64.and(b.get(EXCL_VAL), i64c(b, (1n << BigInt(8 << size)) - 1n));
  return [
    m.local.set(old, loadAt(b, size, false, p(), o)),
    storeAt(b, size, p(), m.select(m.i64.eq(get(), want), v, get()), o),
    m.i64.extend_u(m.i64.ne(get(), b.get(EXCL_VAL))),
  ];
}

export const exclusiveRows: Row[] = [
  row('LDXR_STXR', 'size:2 001000 0 L 0 rs:5 o0 11111 rn:5 rt:5', (f, b) => {
    const size = f.size!;
    if (!f.L) return storeExclusive(b, f, false, size, tmp(b, I64, xsp(b, f.rn!)), (p, same) => compareAndSwap(b, size, p, xr(b, f.rt!), same));
    const v = tmp(b, I64, loadInt(b, size, false, xsp(b, f.rn!)));
    mark(b, size, false, f.rn!, xsp(b, f.rn!), v());
    setX(b, f.rt!, v());
  }),
  // pairs: of words, one doubleword access (qemu: single-copy atomic as a whole); of doublewords,
  // two, both compared before either is stored
  row('LDXP_STXP', '1 sz 001000 0 L 1 rs:5 o0 rt2:5 rn:5 rt:5', (f, b) => {
    const m = b.m, a = tmp(b, I64, xsp(b, f.rn!)), hiAddr = () => m.i64.add(a(), i64c(b, 8));
    if (f.L && !f.sz) {
      const v = tmp(b, I64, loadInt(b, 3, false, a()));
      mark(b, 2, true, f.rn!, a(), v());
      setX(b, f.rt2!, m.i64.shr_u(v(), i64c(b, 32)));
      return setX(b, f.rt!, m.i64.and(v(), i64c(b, 0xffffffff)));
    }
    if (f.L) {
      const lo = tmp(b, I64, loadInt(b, 3, false, a())), hi = tmp(b, I64, loadInt(b, 3, false, hiAddr()));
      mark(b, 3, true, f.rn!, a(), lo(), hi());
      setX(b, f.rt2!, hi());
      return setX(b, f.rt!, lo());
    }
    if (!f.sz) {
      const v = m.i64.or(m.i64.and(xr(b, f.rt!), i64c(b, 0xffffffff)), m.i64.shl(xr(b, f.rt2!), i64c(b, 32)));
      return storeExclusive(b, f, true, 2, a, (p, same) => compareAndSwap(b, 3, p, v, same));
    }
    storeExclusive(b, f, true, 3, a, (p, known) => {
      const p2 = b.temp(ir.i32), lo = b.temp(I64), hi = b.temp(I64), o = b.offset(true);
      const setP2 = m.local.set(p2, b.addr(hiAddr(), true)), p2Get = () => m.local.get(p2, ir.i32);
      if (known) return [setP2, storeAt(b, 3, p(), xr(b, f.rt!), o), storeAt(b, 3, p2Get(), xr(b, f.rt2!), o), i64c(b, 0)];
      const same = () => m.i32.and(m.i64.eq(m.local.get(lo, I64), b.get(EXCL_VAL)), m.i64.eq(m.local.get(hi, I64), b.get(EXCL_HIGH)));
      return [
        setP2,
        m.local.set(lo, loadAt(b, 3, false, p(), o)),
        m.local.set(hi, loadAt(b, 3, false, p2Get(), o)),
        m.if(same(), m.block(null, [storeAt(b, 3, p(), xr(b, f.rt!), o), storeAt(b, 3, p2Get(), xr(b, f.rt2!), o)])),
        m.i64.extend_u(m.i32.eqz(same())),
      ];
    });
  }),
];
