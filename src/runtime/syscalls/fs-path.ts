// Syscalls on paths: open, create/remove/rename, links, access checks, cwd, times, statfs.
import { E, Errno, fail } from '../errno.ts';
import { unseekable } from '../fdtable.ts';
import { ownFdLink, ownFdOf } from '../own-fds.ts';
import { hostFdLink, resolveProc } from '../procfs.ts';
import type { Guest, Handler } from '../guest.ts';
import { toWasiPath } from '../paths.ts';
import { FILETYPE, FSTFLAGS } from '../wasi.ts';
import type { FsStats } from '../file-host.ts';
import { markSpecial, unmarkSpecial } from '../special-files.ts';
import { AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, followed, growWithinLimit, guestPath, O, openPath, walkPath, S_IFBLK, S_IFCHR, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK, statPath, type GuestPath } from '../vfs.ts';
import { i64, int, uint } from './args.ts';
import { utf8 } from '../guest-mem.ts';

const UTIME_NOW = (1n << 30n) - 1n;
const UTIME_OMIT = (1n << 30n) - 2n;
const RENAME_NOREPLACE = 1;

function openat(g: Guest, dirfd: number, pathAddr: bigint, flags: number, mode: number): number {
  const p = guestPath(g, dirfd, pathAddr);
  const file = openPath(g, p, flags, mode);
  try {
    return g.fds.install(file, (flags & O.CLOEXEC) !== 0);
  } catch (e) {
    g.wasi.close(file.wasiFd);
    throw e;
  }
}

function exists(g: Guest, p: GuestPath): boolean {
  try {
    statPath(g, p, false);
    return true;
  } catch (e) {
    if (e instanceof Errno && e.errno === E.ENOENT) return false;
    throw e;
  }
}

function sameFile(g: Guest, a: GuestPath, b: GuestPath): boolean {
  try {
    const x = statPath(g, a, false);
    const y = statPath(g, b, false);
    return x.ino === y.ino && x.dev === y.dev && x.ino !== 0n;
  } catch (e) {
    if (e instanceof Errno) return false;
    throw e;
  }
}

function access(g: Guest, dirfd: number, pathAddr: bigint, mode: number, flags: number): number {
  if (mode & ~7 || flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x200 /* AT_EACCESS */)) fail(E.EINVAL);
  let p = guestPath(g, dirfd, pathAddr, flags);
  if (!(flags & AT_SYMLINK_NOFOLLOW)) p = followed(g, p);
  if (p.proc) {
    // owned by the process's user: the owner's bits of procfs.ts's modes
    const m = statPath(g, p, false).linux!.mode;
    if ((mode & 4 && !(m & 0o400)) || (mode & 2 && !(m & 0o200)) || (mode & 1 && !(m & 0o100))) fail(E.EACCES);
    return 0;
  }
  if (!p.file && g.wasi.access(toWasiPath(p.abs), mode, !(flags & AT_SYMLINK_NOFOLLOW))) return 0;
  const st = statPath(g, p, !(flags & AT_SYMLINK_NOFOLLOW));
  // Without a host that knows permissions: consistent with the modes fstat reports (0644 files,
  // 0755 directories), files are not executable. WASI cannot tell whether writes would be permitted; they are assumed to be.
  if (mode & 1 && st.filetype !== FILETYPE.DIRECTORY && st.filetype !== FILETYPE.SYMBOLIC_LINK) fail(E.EACCES);
  return 0;
}

/** readlink target of /dev/stdin and the like and of /proc/<pid>/fd entries (own-fds.ts) */
function procLink(g: Guest, abs: string): Uint8Array | undefined {
  const own = ownFdLink(g, abs);
  if (own !== undefined) return utf8(own);
  const fd = ownFdOf(g, abs);
  // stdio the process started with: what the host links the WASI fd behind it to
  return fd === undefined ? undefined : utf8(hostFdLink(g, g.fds.get(fd).wasiFd));
}

function setTimes(g: Guest, dirfd: number, pathAddr: bigint, timesAddr: bigint, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(E.EINVAL);
  let fst = FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM_NOW;
  let atim = 0n;
  let mtim = 0n;
  if (timesAddr !== 0n) {
    fst = 0;
    const one = (off: bigint, set: number, now: number): bigint => {
      const sec = g.mem.i64(timesAddr + off);
      const nsec = g.mem.i64(timesAddr + off + 8n);
      if (nsec === UTIME_OMIT) return 0n;
      if (nsec === UTIME_NOW) {
        fst |= now;
        return 0n;
      }
      if (nsec < 0n || nsec >= 1_000_000_000n) fail(E.EINVAL);
      fst |= set;
      return sec * 1_000_000_000n + nsec;
    };
    atim = one(0n, FSTFLAGS.ATIM, FSTFLAGS.ATIM_NOW);
    mtim = one(16n, FSTFLAGS.MTIM, FSTFLAGS.MTIM_NOW);
    if (fst === 0) return 0;
  }
  if (pathAddr === 0n) {
    // utimensat(fd, NULL, ...) is futimens(fd)
    const f = g.fds.get(dirfd);
    g.wasi.setTimes(f.wasiFd, undefined, false, atim, mtim, fst);
    return 0;
  }
  const p = guestPath(g, dirfd, pathAddr, flags);
  if (p.file) g.wasi.setTimes(p.file.wasiFd, undefined, false, atim, mtim, fst);
  else g.wasi.setTimes(undefined, toWasiPath(p.abs), !(flags & AT_SYMLINK_NOFOLLOW), atim, mtim, fst);
  return 0;
}

/** A plausible ext4-like file system, for hosts that cannot tell (WASI has no statistics). */
const TYPICAL_FS: FsStats = { type: 0xef53n, bsize: 4096n, blocks: 1n << 24n, bfree: 1n << 23n, bavail: 1n << 23n, files: 1n << 22n, ffree: 1n << 21n };

/** Writes struct statfs (120 bytes). */
function writeStatfs(g: Guest, addr: bigint, fs = TYPICAL_FS): void {
  const m = g.mem;
  m.check(addr, 120);
  m.zero(addr, 120);
  m.setU64(addr, fs.type); // f_type
  m.setU64(addr + 8n, fs.bsize); // f_bsize
  m.setU64(addr + 16n, fs.blocks); // f_blocks
  m.setU64(addr + 24n, fs.bfree); // f_bfree
  m.setU64(addr + 32n, fs.bavail); // f_bavail
  m.setU64(addr + 40n, fs.files); // f_files
  m.setU64(addr + 48n, fs.ffree); // f_ffree
  m.setI64(addr + 64n, 255); // f_namelen
  m.setU64(addr + 72n, fs.bsize); // f_frsize
}

/** The WASI fd behind a guest fd that names a file (pipes and anonymous files have none, -1:
 *  EINVAL is not right for every caller, but no host operation applies). */
function fdOf(g: Guest, fd: bigint): number {
  const f = g.fds.get(int(fd));
  return f.wasiFd;
}

export const fsPath: Record<string, Handler> = {
  openat: (g, dirfd, path, flags, mode) => openat(g, int(dirfd), path, int(flags), int(mode)),
  unlinkat: (g, dirfd, path, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~AT_REMOVEDIR) fail(E.EINVAL);
    const p = guestPath(g, int(dirfd), path);
    if (flags & AT_REMOVEDIR) {
      // rmdir("x/.") would leave the directory it names open: Linux refuses it by name
      if (g.mem.cstring(path).replace(/\/+$/, '').split('/').pop() === '.') fail(E.EINVAL);
      if (p.abs === '/') fail(E.EBUSY);
      g.wasi.rmdir(toWasiPath(p.abs));
    } else {
      if (p.trailingSlash) fail(exists(g, p) ? E.EISDIR : E.ENOENT);
      const special = unmarkSpecial(g, p); // (its inode may be another file's later)
      g.wasi.unlink(toWasiPath(p.abs));
      special?.();
    }
    return 0;
  },
  // FIFOs and sockets' names are plain files the kernel knows (special-files.ts); no devices
  mknodat: (g, dirfd, path, modeArg) => {
    const mode = uint(modeArg), type = mode & S_IFMT;
    if (type === S_IFCHR || type === S_IFBLK) fail(E.EPERM);
    if (type !== 0 && type !== S_IFREG && type !== S_IFIFO && type !== S_IFSOCK) fail(E.EINVAL);
    const f = openPath(g, guestPath(g, int(dirfd), path), O.CREAT | O.EXCL | O.WRONLY, mode & 0o7777);
    try {
      if (type === S_IFIFO || type === S_IFSOCK) markSpecial(g, g.wasi.fdFilestat(f.wasiFd), type);
    } finally {
      g.wasi.close(f.wasiFd);
    }
    return 0;
  },
  mkdirat: (g, dirfd, path, mode) => {
    const p = guestPath(g, int(dirfd), path);
    g.wasi.mkdir(toWasiPath(p.abs), int(mode) & 0o7777 & ~g.umask);
    return 0;
  },
  renameat: (g, olddir, oldpath, newdir, newpath) => fsPath.renameat2!(g, olddir, oldpath, newdir, newpath, 0n, 0n),
  renameat2: (g, olddir, oldpath, newdir, newpath, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~RENAME_NOREPLACE) fail(E.EINVAL); // RENAME_EXCHANGE/WHITEOUT need host support
    const from = guestPath(g, int(olddir), oldpath);
    const to = guestPath(g, int(newdir), newpath);
    // a trailing slash on either name asks for a directory
    if ((from.trailingSlash || to.trailingSlash) && statPath(g, from, false).filetype !== FILETYPE.DIRECTORY) fail(E.ENOTDIR);
    if (flags & RENAME_NOREPLACE && exists(g, to)) fail(E.EEXIST);
    // two links to one file: rename(2) does nothing (a WASI host may not know; the in-memory one does not)
    if (sameFile(g, from, to)) return 0;
    g.wasi.rename(toWasiPath(from.abs), toWasiPath(to.abs));
    return 0;
  },
  faccessat: (g, dirfd, path, mode) => access(g, int(dirfd), path, int(mode), 0),
  faccessat2: (g, dirfd, path, mode, flags) => access(g, int(dirfd), path, int(mode), int(flags)),
  readlinkat: (g, dirfd, pathAddr, buf, sizeArg) => {
    const size = int(sizeArg);
    if (size <= 0) fail(E.EINVAL);
    if (g.mem.cstring(pathAddr) === '') fail(E.ENOENT);
    const p = guestPath(g, int(dirfd), pathAddr);
    if (p.proc && p.proc.kind !== 'link') fail(E.EINVAL);
    const target = p.proc?.kind === 'link' ? utf8(p.proc.target) : procLink(g, p.abs) ?? g.wasi.readlink(toWasiPath(p.abs));
    const n = Math.min(size, target.length);
    g.mem.write(buf, target.subarray(0, n));
    return n;
  },
  symlinkat: (g, targetAddr, dirfd, path) => {
    const target = g.mem.cstringBytes(targetAddr);
    if (target.length === 0) fail(E.ENOENT);
    const p = guestPath(g, int(dirfd), path);
    g.wasi.symlink(target, toWasiPath(p.abs));
    return 0;
  },
  linkat: (g, olddir, oldpath, newdir, newpath, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) fail(E.EINVAL);
    const from = guestPath(g, int(olddir), oldpath, flags);
    const to = guestPath(g, int(newdir), newpath);
    g.wasi.link(toWasiPath(from.abs), toWasiPath(to.abs), (flags & AT_SYMLINK_FOLLOW) !== 0);
    return 0;
  },
  getcwd: (g, buf, size) => {
    const bytes = utf8(g.cwd);
    if (BigInt(bytes.length + 1) > size) fail(E.ERANGE);
    return g.mem.writeCString(buf, bytes);
  },
  chdir: (g, path) => {
    const p = followed(g, guestPath(g, AT_FDCWD, path));
    if (statPath(g, p, true).filetype !== FILETYPE.DIRECTORY) fail(E.ENOTDIR);
    g.cwd = physicalDir(g, p.abs);
    return 0;
  },
  fchdir: (g, fd) => {
    const f = g.fds.get(int(fd));
    if (!f.isDir) fail(E.ENOTDIR);
    g.cwd = physicalDir(g, f.path);
    return 0;
  },
  utimensat: (g, dirfd, path, times, flags) => setTimes(g, int(dirfd), path, times, int(flags)),
  truncate: (g, path, len) => {
    if (i64(len) < 0n) fail(E.EINVAL);
    const file = openPath(g, guestPath(g, AT_FDCWD, path), O.WRONLY);
    try {
      growWithinLimit(g, file, i64(len));
      g.wasi.setSize(file.wasiFd, i64(len));
    } finally {
      g.wasi.close(file.wasiFd);
    }
    return 0;
  },
  // Without a FileHost, WASI has no ownership or permission bits: changes are accepted if the
  // file exists.
  fchmod: (g, fd, mode) => (g.wasi.fchmod(fdOf(g, fd), int(mode) & 0o7777), 0),
  fchown: (g, fd, uid, gid) => (g.wasi.fchown(fdOf(g, fd), int(uid), int(gid)), 0),
  fchmodat: (g, dirfd, path, mode) => {
    const p = guestPath(g, int(dirfd), path);
    g.wasi.chmod(toWasiPath(p.abs), int(mode) & 0o7777, true);
    return 0;
  },
  fchownat: (g, dirfd, path, uid, gid, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(E.EINVAL);
    const p = guestPath(g, int(dirfd), path, flags);
    if (p.file) g.wasi.fchown(p.file.wasiFd, int(uid), int(gid));
    else g.wasi.chown(toWasiPath(p.abs), int(uid), int(gid), !(flags & AT_SYMLINK_NOFOLLOW));
    return 0;
  },
  statfs: (g, path, buf) => {
    const p = guestPath(g, AT_FDCWD, path);
    statPath(g, p, true);
    writeStatfs(g, buf, g.wasi.statfs(toWasiPath(p.proc ? '/proc' : p.abs))); // procfs.ts's entries are in the host's /proc
    return 0;
  },
  fstatfs: (g, fd, buf) => {
    const f = g.fds.get(int(fd));
    writeStatfs(g, buf, unseekable(f) ? undefined : f.proc ? g.wasi.statfs(toWasiPath('/proc')) : g.wasi.statfs(undefined, f.wasiFd));
    return 0;
  },
};

/** the cwd as the kernel keeps it, a directory rather than a path: no symlink on it (getcwd, ".." from it) */
function physicalDir(g: Guest, abs: string): string {
  if (abs.startsWith('/proc/')) return abs;
  // a link into /proc (/dev/fd): its self and thread-self are the caller's own entries, as guestPath makes them
  const walked = walkPath(g, '/', abs, false, true);
  return walked.startsWith('/proc/') ? resolveProc(g, walked, true) : walked;
}
