// The syscall table: AArch64 syscall number → handler. Each family module exports handlers
// keyed by syscall name; numbers come from names.ts. Missing numbers return -ENOSYS. Negative
// numbers are the runtime's own services to translated code (PSEUDO_SYSCALLS).
import type { Handler } from '../guest.ts';
import { events } from './events.ts';
import { fsIo } from './fs-io.ts';
import { fsPath } from './fs-path.ts';
import { fsStat } from './fs-stat.ts';
import { fsXattr } from './fs-xattr.ts';
import { ipc } from './ipc.ts';
import { misc } from './misc.ts';
import { mm } from './mm.ts';
import { syscallNumber } from './names.ts';
import { proc } from './process.ts';
import { select } from './select.ts';
import { sockets } from './sockets.ts';
import { signal } from './signal.ts';
import { counterTicks, time } from './time.ts';
import { PSEUDO_SYSCALL } from '../../abi.ts';
import { pacga } from '../pac.ts';

function buildTable(): Handler[] {
  const table: Handler[] = [];
  for (const family of [fsIo, select, events, ipc, sockets, fsPath, fsStat, fsXattr, mm, proc, time, signal, misc]) {
    for (const [name, handler] of Object.entries(family)) {
      const nr = syscallNumber(name);
      if (table[nr]) throw new Error(`syscall ${name} defined twice`);
      table[nr] = handler;
    }
  }
  return table;
}

export const SYSCALLS: readonly (Handler | undefined)[] = buildTable();

/** handlers of the negative syscall numbers translated code uses (abi.ts PSEUDO_SYSCALL) */
export const PSEUDO_SYSCALLS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [PSEUDO_SYSCALL.counter, counterTicks],
  [PSEUDO_SYSCALL.preempt, (g) => (g.interruptPoint(true), 0)],
  [PSEUDO_SYSCALL.poll, (g, fn, entry, anyPc) => (g.interruptPoint(false, fn < 0n ? undefined : { fn: Number(fn), entry: Number(entry), anyPc: anyPc !== 0n }), 0)],
  [PSEUDO_SYSCALL.pacga, (g, x, modifier) => pacga(g.pacKey, x, modifier)],
]);
