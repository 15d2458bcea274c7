// flock(2): advisory whole-file locks between the processes of a run. A lock belongs to an open
// file description (shared by dup and fork) and goes when its last fd closes (Guest.release).
import { E, fail } from './errno.ts';
import type { OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import { statFile } from './vfs.ts';

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

interface FileLocks { exclusive?: OpenFile; shared: Set<OpenFile> }

/** the locks of a run (Kernel.flocks), or of a lone process */
export class Flocks {
  /** by file: its device and inode, or the pipe or anonymous file itself */
  private readonly files = new Map<unknown, FileLocks>();
  /** the file each description holds a lock on */
  private readonly held = new Map<OpenFile, unknown>();

  /** whether `f` could take a `mode` lock on `file` now */
  grantable(file: unknown, f: OpenFile, mode: number): boolean {
    const locks = this.files.get(file);
    if (!locks) return true;
    if (locks.exclusive && locks.exclusive !== f) return false;
    return mode === LOCK_SH || [...locks.shared].every((o) => o === f);
  }

  /** `f` (holding no lock: released first) takes a `mode` lock on `file` */
  take(file: unknown, f: OpenFile, mode: number): void {
    let locks = this.files.get(file);
    if (!locks) this.files.set(file, (locks = { shared: new Set() }));
    if (mode === LOCK_EX) locks.exclusive = f;
    else locks.shared.add(f);
    this.held.set(f, file);
  }

  /** the lock `f` holds, if any, goes */
  release(f: OpenFile): void {
    const file = this.held.get(f);
    if (file === undefined) return;
    this.held.delete(f);
    const locks = this.files.get(file)!;
    if (locks.exclusive === f) locks.exclusive = undefined;
    locks.shared.delete(f);
    if (!locks.exclusive && !locks.shared.size) this.files.delete(file);
  }
}

const alone = new WeakMap<Guest, Flocks>();

/** the lock table `g` shares with the other processes of its run */
export function flocksOf(g: Guest): Flocks {
  if (g.kernel) return g.kernel.flocks;
  let t = alone.get(g);
  if (!t) alone.set(g, (t = new Flocks()));
  return t;
}

export function flock(g: Guest, f: OpenFile, op: number): number {
  const mode = op & ~LOCK_NB, table = flocksOf(g);
  if (mode === LOCK_UN) {
    table.release(f);
    return 0;
  }
  if (mode !== LOCK_SH && mode !== LOCK_EX) fail(E.EINVAL);
  const file = f.pipe ?? f.anon ?? (({ dev, ino }) => `${dev}:${ino}`)(statFile(g, f));
  // a conversion gives up the lock held first, as Linux's does (not atomically)
  table.release(f);
  const free = () => table.grantable(file, f, mode);
  if (!free()) {
    if (op & LOCK_NB) fail(E.EAGAIN);
    // nothing could ever free it (a lone process, or every process waiting): where Linux waits for ever
    if (!g.kernel?.wait(g, free, { restart: true })) fail(E.EDEADLK);
  }
  table.take(file, f, mode);
  return 0;
}
