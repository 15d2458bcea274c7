// Linux metadata for the program API's in-memory file system (browser_wasi_shim inodes, which
// have none): modes, owners, link counts and times, kept beside the inodes and updated by the
// tree's operations (fs.ts), and the runtime's FileHost over them.
import { ConsoleStdout, Directory, File, type Fd, type Inode, OpenDirectory, OpenFile, type PreopenDirectory } from '@bjorn3/browser_wasi_shim';
import { E, Errno, wasiToLinuxErrno } from '../runtime/errno.ts';
import type { FileHost } from '../runtime/file-host.ts';
import { FILETYPE, FSTFLAGS, type Filestat } from '../runtime/wasi.ts';
import { CharDevice } from './devices.ts';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const BLOCK = 4096n;
/** st_dev of the in-memory file system (major 0, like Linux's tmpfs and other virtual ones) */
const DEV = 0x2an;

export interface Owner { uid: number; gid: number }

interface Meta {
  mode: number;
  uid: number;
  gid: number;
  /** directory entries naming a regular file (directories count theirs: 2 + subdirectories) */
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

/** Wall-clock time in nanoseconds. */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

/** The metadata of every inode of one tree. */
export class MetaTable {
  private readonly meta = new WeakMap<Inode, Meta>();
  /** owner of what the guest creates and of the initial files */
  readonly owner: Owner;
  /** when the run started (the time of everything the tree starts with) */
  readonly startTime = nowNs();

  constructor(owner: Owner) {
    this.owner = owner;
  }

  /** Metadata of a new inode: a guest's creation or, at run start, a file it was given. */
  add(inode: Inode, time = nowNs()): void {
    const mode = inode instanceof Directory ? S_IFDIR | 0o755 : inode instanceof CharDevice ? inode.mode : S_IFREG | 0o644;
    // devices are root's, as udev makes them
    const owner = inode instanceof CharDevice ? { uid: 0, gid: 0 } : this.owner;
    this.meta.set(inode, { mode, ...owner, nlink: 1, atim: time, mtim: time, ctim: time });
  }

  get(inode: Inode): Meta {
    let m = this.meta.get(inode);
    if (!m) {
      // made by the shim behind our back (never expected): created now
      this.add(inode);
      m = this.meta.get(inode)!;
    }
    return m;
  }

  /** contents changed (write, truncate, entries added or removed): mtime and ctime */
  modified(inode: Inode): void {
    const m = this.get(inode);
    m.mtim = m.ctim = nowNs();
  }

  /** metadata changed (mode, owner, links): ctime */
  changed(inode: Inode): void {
    this.get(inode).ctim = nowNs();
  }

  setTimes(inode: Inode, atim: bigint, mtim: bigint, flags: number): void {
    const m = this.get(inode);
    const now = nowNs();
    if (flags & FSTFLAGS.ATIM) m.atim = atim;
    else if (flags & FSTFLAGS.ATIM_NOW) m.atim = now;
    if (flags & FSTFLAGS.MTIM) m.mtim = mtim;
    else if (flags & FSTFLAGS.MTIM_NOW) m.mtim = now;
    m.ctim = now;
  }

  stat(inode: Inode): Filestat {
    const m = this.get(inode);
    const dir = inode instanceof Directory;
    const size = inode instanceof File ? inode.size : dir ? BLOCK : 0n;
    let nlink = m.nlink;
    if (dir) {
      nlink = 2;
      for (const child of inode.contents.values()) if (child instanceof Directory) nlink++;
    }
    const device = inode instanceof CharDevice;
    return {
      dev: DEV,
      ino: inode.ino,
      filetype: dir ? FILETYPE.DIRECTORY : device ? FILETYPE.CHARACTER_DEVICE : FILETYPE.REGULAR_FILE,
      nlink: BigInt(nlink),
      size,
      atim: m.atim,
      mtim: m.mtim,
      ctim: m.ctim,
      // blocks: whole 4 KiB pages, counted in 512-byte units (as tmpfs does)
      linux: { mode: m.mode, uid: m.uid, gid: m.gid, rdev: device ? inode.rdev : 0n, blksize: Number(BLOCK), blocks: ((size + BLOCK - 1n) / BLOCK) * 8n },
    };
  }
}

/** The inode an open WASI fd of the tree refers to, if any. */
export function inodeOfFd(fd: Fd | undefined): Inode | undefined {
  if (fd instanceof OpenFile) return fd.file;
  if (fd instanceof OpenDirectory) return fd.dir;
  // devices.ts's open devices keep their inode in `dev`
  const dev = (fd as { dev?: unknown } | undefined)?.dev;
  if (dev instanceof CharDevice) return dev;
  return undefined;
}

/** st_dev of pipes on Linux (pipefs, 0:12) */
const PIPE_DEV = 0xcn;

/** The runtime's view of the tree's metadata. */
export class MemFileHost implements FileHost {
  constructor(
    private readonly root: PreopenDirectory,
    private readonly table: MetaTable,
    /** the WASI instance's fd table */
    private readonly fds: readonly (Fd | undefined)[],
  ) {}

  private lookup(path: string): Inode {
    const { ret, inode_obj } = this.root.path_lookup(path, 0);
    if (!inode_obj) throw new Errno(wasiToLinuxErrno(ret));
    return inode_obj;
  }

  stat(path: string): Filestat {
    return this.table.stat(this.lookup(path));
  }

  fstat(fd: number): Filestat | undefined {
    const obj = this.fds[fd];
    const inode = inodeOfFd(obj);
    if (inode) return this.table.stat(inode);
    // captured stdout/stderr: what a program whose output is read by its parent has, a pipe
    if (obj instanceof ConsoleStdout) {
      const t = this.table.startTime;
      const { uid, gid } = this.table.owner;
      return { dev: PIPE_DEV, ino: BigInt(fd + 1), filetype: FILETYPE.UNKNOWN, nlink: 1n, size: 0n, atim: t, mtim: t, ctim: t, linux: { mode: 0o010600, uid, gid, rdev: 0n, blksize: 4096, blocks: 0n } };
    }
    return undefined;
  }

  chmod(path: string, mode: number): void {
    const inode = this.lookup(path);
    const m = this.table.get(inode);
    m.mode = (m.mode & ~0o7777) | (mode & 0o7777);
    this.table.changed(inode);
  }

  chown(path: string, uid: number, gid: number): void {
    const inode = this.lookup(path);
    const m = this.table.get(inode);
    // -1 leaves an id unchanged
    if (uid !== -1 && uid !== 0xffffffff) m.uid = uid;
    if (gid !== -1 && gid !== 0xffffffff) m.gid = gid;
    this.table.changed(inode);
  }

  access(path: string, mode: number): void {
    const inode = this.lookup(path);
    const m = this.table.get(inode);
    const { uid, gid } = this.table.owner;
    let allowed: number;
    if (uid === 0) {
      // root may read and write anything, and execute what anyone may execute (or a directory)
      allowed = 6 | (inode instanceof Directory || m.mode & 0o111 ? 1 : 0);
    } else {
      allowed = m.uid === uid ? (m.mode >> 6) & 7 : m.gid === gid ? (m.mode >> 3) & 7 : m.mode & 7;
    }
    if (mode & ~allowed) throw new Errno(E.EACCES);
  }

  created(path: string, mode: number): void {
    this.chmod(path, mode);
  }
}
