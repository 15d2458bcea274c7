// What a host adds to WASI for Linux file semantics. WASI preview1 has no permission bits, owners,
// device numbers or symlink metadata, and resolves paths against a preopen of its own; a FileHost
// (the Node host over node:fs, the program API over its in-memory tree) supplies the metadata and
// maps guest paths to the paths WASI is asked about (confinement, mounts). Paths here are WASI
// paths: relative to the root preopen, "." for the root (see paths.ts).
import type { Filestat } from './wasi.ts';

/** Linux struct stat fields beyond WASI's Filestat. */
export interface LinuxMeta {
  mode: number;
  uid: number;
  gid: number;
  rdev: bigint;
  blksize: number;
  blocks: bigint;
  /** birth time in ns, when the host knows it (statx STATX_BTIME) */
  btim?: bigint;
}

/** struct statfs fields a host can tell (f_fsid and f_flags it cannot: Node does not report them) */
export interface FsStats {
  type: bigint;
  bsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
}

export interface FileHost {
  /**
   * The WASI path to use for guest path `path` (a WASI path of the guest's namespace). `follow`:
   * whether a symlink in the last component is followed; `write`: the operation changes the file
   * system (a read-only mount refuses it with EROFS). `mount` numbers the mount the result lies
   * on: operations that link two paths (rename, link) across mounts fail with EXDEV. Throws Errno.
   * Absent: the identity. `readonly`: the mount refuses changes (then also through fds opened there).
   */
  mapPath?(path: string, follow: boolean, write: boolean): { path: string; mount: number; readonly?: boolean };
  /** Linux metadata of a (mapped) path; throws Errno like stat(2)/lstat(2) */
  stat(path: string, follow: boolean): Filestat;
  /** Linux metadata of the open WASI fd `fd` (opened on the mapped `path`, if known), or
   *  undefined when the host cannot tell: then the runtime uses WASI's and typical defaults */
  fstat(fd: number, path: string | undefined, wasi: Filestat): Filestat | undefined;
  chmod(path: string, mode: number, follow: boolean): void;
  chown(path: string, uid: number, gid: number, follow: boolean): void;
  /** access(2) with R_OK/W_OK/X_OK bits (0: existence) */
  access(path: string, mode: number): void;
  /** a file or directory the guest just created at `path`: give it `mode` (the umask applied) */
  created(path: string, mode: number): void;
  /** utimensat(2) with WASI's FSTFLAGS (times in ns), where the host is more exact than WASI */
  setTimes?(path: string, follow: boolean, atim: bigint, mtim: bigint, flags: number): void;
  /** statfs(2) figures of the file system holding `path` (WASI has none) */
  statfs?(path: string): FsStats;
  /** symlink(2), where WASI refuses what Linux allows (uvwasi: absolute targets) */
  symlink?(target: Uint8Array, path: string): void;
}
