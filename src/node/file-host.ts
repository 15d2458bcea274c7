// Linux file metadata for guests run by Node, straight from the host (node:fs): modes with their
// type and setuid/setgid/sticky bits, owners, link counts, inode and device numbers, rdev, blocks
// and nanosecond times, symlink metadata (lstat), and real permission checks and changes.
// node:wasi (uvwasi) keeps doing the I/O; WASI preview1 cannot express any of this.
import { accessSync, chmodSync, chownSync, fstatSync, lchownSync, lstatSync, lutimesSync, statfsSync, statSync, symlinkSync, utimesSync, type BigIntStats } from 'node:fs';
import { Errno } from '../runtime/errno.ts';
import type { FileHost, FsStats } from '../runtime/file-host.ts';
import { FILETYPE, FSTFLAGS, type Filestat } from '../runtime/wasi.ts';

const S_IFMT = 0o170000n;
const S_ISGID = 0o2000;
const TYPES = new Map<bigint, number>([
  [0o040000n, FILETYPE.DIRECTORY], [0o100000n, FILETYPE.REGULAR_FILE], [0o120000n, FILETYPE.SYMBOLIC_LINK],
  [0o020000n, FILETYPE.CHARACTER_DEVICE], [0o060000n, FILETYPE.BLOCK_DEVICE], [0o140000n, FILETYPE.SOCKET_STREAM],
]);

/** Runs a node:fs call; its failures become the Linux errno (libuv's errno on Linux is -errno). */
export function hostCall<T>(op: () => T): T {
  try {
    return op();
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).errno;
    if (typeof errno === 'number' && errno < 0) throw new Errno(-errno);
    throw e;
  }
}

export function toFilestat(st: BigIntStats): Filestat {
  return {
    dev: st.dev,
    ino: st.ino,
    filetype: TYPES.get(st.mode & S_IFMT) ?? FILETYPE.UNKNOWN,
    nlink: st.nlink,
    size: st.size,
    atim: st.atimeNs,
    mtim: st.mtimeNs,
    ctim: st.ctimeNs,
    linux: {
      mode: Number(st.mode),
      uid: Number(st.uid),
      gid: Number(st.gid),
      rdev: st.rdev,
      blksize: Number(st.blksize),
      blocks: st.blocks,
      btim: st.birthtimeNs > 0n ? st.birthtimeNs : undefined,
    },
  };
}

/** The host path of a WASI path under node:wasi's preopen of the host's "/". */
export function hostPathOf(path: string): string {
  return path === '.' ? '/' : `/${path}`;
}

export class NodeFileHost implements FileHost {
  /** host fds behind WASI fds 0, 1, 2 */
  private readonly stdio: readonly number[];
  readonly mapPath?: FileHost['mapPath'];

  constructor(stdio: readonly number[], mapPath?: FileHost['mapPath']) {
    this.stdio = stdio;
    this.mapPath = mapPath;
  }

  stat(path: string, follow: boolean): Filestat {
    return toFilestat(hostCall(() => (follow ? statSync : lstatSync)(hostPathOf(path), { bigint: true })));
  }

  fstat(fd: number, path: string | undefined, wasi: Filestat): Filestat | undefined {
    const stdio = this.stdio[fd];
    if (stdio !== undefined) return toFilestat(hostCall(() => fstatSync(stdio, { bigint: true })));
    if (path === undefined) return undefined;
    // The fd was opened on `path`; the file there now is the same one only if it still has the
    // fd's device and inode (it may have been renamed, unlinked or replaced since).
    for (const follow of [true, false]) {
      try {
        const st = (follow ? statSync : lstatSync)(hostPathOf(path), { bigint: true });
        if (st.ino === wasi.ino && st.dev === wasi.dev) return toFilestat(st);
      } catch {
        // gone: WASI's own metadata is all there is
      }
    }
    return undefined;
  }

  statfs(path: string): FsStats {
    const s = hostCall(() => statfsSync(hostPathOf(path), { bigint: true }));
    return { type: s.type, bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
  }

  chmod(path: string, mode: number): void {
    hostCall(() => chmodSync(hostPathOf(path), mode));
  }

  chown(path: string, uid: number, gid: number, follow: boolean): void {
    hostCall(() => (follow ? chownSync : lchownSync)(hostPathOf(path), uid, gid));
  }

  access(path: string, mode: number): void {
    hostCall(() => accessSync(hostPathOf(path), mode));
  }

  /** uvwasi sets times in whole seconds; Node's utimes keeps microseconds (Linux keeps ns). */
  setTimes(path: string, follow: boolean, atim: bigint, mtim: bigint, flags: number): void {
    const keep = flags & (FSTFLAGS.ATIM | FSTFLAGS.ATIM_NOW) && flags & (FSTFLAGS.MTIM | FSTFLAGS.MTIM_NOW) ? undefined : this.stat(path, follow);
    const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
    const a = flags & FSTFLAGS.ATIM ? atim : flags & FSTFLAGS.ATIM_NOW ? now : keep!.atim;
    const m = flags & FSTFLAGS.MTIM ? mtim : flags & FSTFLAGS.MTIM_NOW ? now : keep!.mtim;
    // whole microseconds plus half of one: Node truncates the double it is given to microseconds
    const seconds = (ns: bigint): number => (Number(ns / 1000n) + 0.5) / 1e6;
    hostCall(() => (follow ? utimesSync : lutimesSync)(hostPathOf(path), seconds(a), seconds(m)));
  }

  /** uvwasi refuses absolute targets; Linux stores any bytes (they are resolved when followed,
   *  in the guest's namespace when it is confined: see namespace.ts) */
  symlink(target: Uint8Array, path: string): void {
    hostCall(() => symlinkSync(Buffer.from(target), hostPathOf(path)));
  }

  created(path: string, mode: number): void {
    const st = this.stat(path, false);
    const now = st.linux!.mode & 0o7777;
    // a directory created in a setgid directory keeps its inherited S_ISGID, as mkdir(2) does
    const want = mode | (st.filetype === FILETYPE.DIRECTORY ? now & S_ISGID : 0);
    if (now !== want) this.chmod(path, want);
  }
}
