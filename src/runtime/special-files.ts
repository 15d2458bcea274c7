// Files of kinds a host file system cannot make for us (no FIFOs or sockets in Node's fs or in
// WASI): mknod's FIFOs and the names AF_UNIX sockets bind are plain empty files there, which the
// run's kernel knows by identity (device and inode) and shows with their type. Opening a FIFO
// gives an in-memory pipe shared by everyone who opens it, with Linux's rules: a reader waits
// for a writer and a writer for a reader (O.NONBLOCK: a reader goes on, a writer gets ENXIO),
// O_RDWR waits for nobody, and what was in it is gone once nobody has it open.
import { E, Errno, fail } from './errno.ts';
import { makeOpenFile, Pipe, type OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import type { Filestat } from './wasi.ts';

import { toWasiPath } from './paths.ts';
import { O, type GuestPath } from './vfs.ts';

export interface SpecialFile {
  /** S_IFIFO or S_IFSOCK */
  type: number;
  pipe?: Pipe;
  /** how often each side was opened (Linux's r_counter, w_counter): a wait for the other side ends when its count moves */
  opened?: { read: number; write: number };
  /** tasks whose open waits for the other side, with that side's count when they began (done again after an unwind: counted once) */
  opening?: Map<object, number>;
}

const identity = (st: Filestat): string => `${st.dev}:${st.ino}`;

/** the run's special files by identity (none without a kernel) */
function specials(g: Guest): Map<string, SpecialFile> | undefined {
  return g.kernel?.specialFiles;
}

/** records the file just made at `st` as a FIFO or a socket's name */
export function markSpecial(g: Guest, st: Filestat, type: number): void {
  specials(g)?.set(identity(st), { type });
}

/** before `p` is unlinked: what forgets the special file it is, if it is one and its last link */
export function unmarkSpecial(g: Guest, p: GuestPath): (() => void) | undefined {
  const all = specials(g);
  if (!all?.size) return undefined;
  let st: Filestat;
  try {
    st = g.wasi.pathFilestat(toWasiPath(p.abs), false);
  } catch {
    return undefined;
  }
  const id = identity(st);
  return all.has(id) && st.nlink <= 1n ? () => all.delete(id) : undefined;
}

/** a host file's metadata, with the type of a special file it is */
export function withSpecialType(g: Guest, st: Filestat): Filestat {
  const all = specials(g);
  const sp = all?.size ? all.get(identity(st)) : undefined;
  if (!sp) return st;
  const meta = st.linux ?? { mode: 0o644, uid: g.uid, gid: g.gid, rdev: 0n, blksize: 4096, blocks: 0n };
  return { ...st, linux: { ...meta, mode: sp.type | (meta.mode & 0o7777) } };
}

/** the special file an opened host file is, if any (a host call only while the run has some) */
export function specialOf(g: Guest, wasiFd: number): SpecialFile | undefined {
  const all = specials(g);
  return all?.size ? all.get(identity(g.wasi.fdFilestat(wasiFd))) : undefined;
}

/** open(2) of a FIFO at `path` with `flags`: waits for the other side as Linux's fifo_open */
export function openFifo(g: Guest, fifo: SpecialFile, flags: number, path: string): OpenFile {
  // a FIFO nobody has open holds nothing
  if (!fifo.pipe || (fifo.pipe.readers === 0 && fifo.pipe.writers === 0)) fifo.pipe = new Pipe();
  const pipe = fifo.pipe, opened = (fifo.opened ??= { read: 0, write: 0 }), opening = (fifo.opening ??= new Map());
  const acc = flags & O.ACCMODE, status = flags & ~O.ACCMODE;
  const file = (end: 'read' | 'write' | 'both'): OpenFile => makeOpenFile({ wasiFd: -1, flags: acc | status, pipe, pipeEnd: end, path });
  if (acc !== O.RDONLY && acc !== O.WRONLY) {
    pipe.readers++;
    pipe.writers++;
    opened.read++;
    opened.write++;
    return file('both');
  }
  const reader = acc === O.RDONLY;
  if (!reader && pipe.readers === 0 && flags & O.NONBLOCK) fail(E.ENXIO);
  const me = g.kernel?.self(g) ?? g;
  const count = (by: number): void => {
    if (reader) pipe.readers += by;
    else pipe.writers += by;
  };
  let since = opening.get(me);
  if (since === undefined) {
    count(1);
    if (reader) opened.read++;
    else opened.write++;
    since = reader ? opened.write : opened.read;
  }
  const partner = (): boolean => (reader ? pipe.writers > 0 || opened.write !== since : pipe.readers > 0 || opened.read !== since);
  if (!partner() && !(reader && flags & O.NONBLOCK)) {
    opening.set(me, since);
    let waited = false;
    try {
      waited = g.kernel?.wait(g, partner, { restart: true }) ?? false;
    } catch (e) {
      // interrupted (or ended): not counted any more; an unwind to run others keeps the count
      if (e instanceof Errno) {
        opening.delete(me);
        count(-1);
      }
      throw e;
    }
    if (!waited) {
      opening.delete(me);
      count(-1);
      fail(E.EAGAIN); // nobody could ever open the other side: rather than hang
    }
  }
  opening.delete(me);
  return file(reader ? 'read' : 'write');
}
