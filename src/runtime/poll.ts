// Readiness of open files, as poll(2) reports it: the one rule ppoll, pselect6 and epoll share.
import type { OpenFile } from './fdtable.ts';
import { Pipe } from './fdtable.ts';
import type { Guest } from './guest.ts';
import { terminalReadable } from './terminal-io.ts';

export const POLL = { IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, RDBAND: 0x80, WRNORM: 0x100, WRBAND: 0x200, RDHUP: 0x2000 } as const;
export const READABLE = POLL.IN | POLL.RDNORM;
export const WRITABLE = POLL.OUT | POLL.WRNORM;

/** poll's revents of an open file for the `events` asked (POLLERR and POLLHUP whether asked or not) */
export function pollEvents(g: Guest, f: OpenFile, events: number): number {
  if (f.anon) return f.anon.poll(g) & (events | POLL.ERR | POLL.HUP);
  // Host files and terminals are reported ready for what was asked (their reads and writes
  // block until done); an in-memory pipe only when a read or write would not wait.
  if (f.terminal) return events & ((terminalReadable(f.terminal) ? READABLE : 0) | WRITABLE);
  const pipe = f.pipe;
  if (!pipe) return events & (READABLE | WRITABLE);
  const room = Pipe.CAPACITY - pipe.size >= Pipe.ATOMIC ? events & WRITABLE : 0;
  if (f.pipeEnd === 'both') return (pipe.size > 0 ? events & READABLE : 0) | room; // a FIFO opened O_RDWR
  if (f.pipeEnd === 'read') return pipe.size > 0 ? events & READABLE : pipe.writers === 0 ? POLL.HUP : 0;
  return pipe.readers === 0 ? POLL.ERR : room;
}

/**
 * How often an open file has woken its waiters so far, for input and for output (what
 * edge-triggered epoll reports again after), or undefined where that is not counted: such a
 * file is reported whenever it is ready.
 */
export function wakeups(g: Guest, f: OpenFile): readonly [number, number] | undefined {
  if (f.anon) return f.anon.wakeups?.(g);
  return f.pipe ? [f.pipe.pushes + f.pipe.hangups, f.pipe.takes + f.pipe.hangups] : undefined;
}
