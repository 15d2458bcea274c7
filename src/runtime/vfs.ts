// Glue between guest file syscalls and WASI: path resolution against the emulated cwd or a
// dirfd, opening with Linux flag semantics, I/O on WASI fds and in-memory pipes, and the
// conversion of WASI file metadata to Linux's struct stat / statx.
import { E, Errno, fail } from './errno.ts';
import { makeOpenFile, Pipe, type DirEntry, type OpenFile } from './fdtable.ts';
import type { Terminal } from './terminal.ts';
import type { Guest } from './guest.ts';
import { hasTrailingSlash, resolvePath, toWasiPath } from './paths.ts';
import { SIGNAL } from './errors.ts';
import { ownFdOf, reopenOwnFd } from './own-fds.ts';
import { hostProcPath, procFdStat, procListing, procNode, procRootListing, procStat, resolveProc, type ProcNode } from './procfs.ts';
import { sleepMs } from './sleep.ts';
import { FDFLAGS, FILETYPE, LOOKUP_SYMLINK_FOLLOW, OFLAGS, RIGHTS_ALL, RIGHTS_READ, RIGHTS_WRITE, type Filestat } from './wasi.ts';
import { fromUtf8, utf8 } from './guest-mem.ts';
import { firstOfIovs, gatherIovs, iovTotal } from './iovecs.ts';
import { openFifo, specialOf, withSpecialType } from './special-files.ts';
import { readTerminal, TERMINAL_STAT, writeTerminal } from './terminal-io.ts';

/** Linux open(2) flags as on arm64 (O_DIRECTORY/O_NOFOLLOW/O_DIRECT/O_LARGEFILE differ from
 *  the asm-generic values). */
export const O = {
  RDONLY: 0, WRONLY: 1, RDWR: 2, ACCMODE: 3, CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400,
  TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000, DSYNC: 0o10000, DIRECTORY: 0o40000,
  NOFOLLOW: 0o100000, DIRECT: 0o200000, LARGEFILE: 0o400000, NOATIME: 0o1000000,
  CLOEXEC: 0o2000000, SYNC: 0o4010000, PATH: 0o10000000, TMPFILE: 0o20000000,
} as const;

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

export const S_IFMT = 0o170000;
export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFDIR = 0o040000;
export const S_IFBLK = 0o060000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFSOCK = 0o140000;

/** Linux's limit on one read/write transfer (MAX_RW_COUNT). */
export const MAX_RW = 0x7ffff000;

/** Open files the runtime reports for fds whose backing is a pipe, not WASI. */
const PIPE_STAT: Filestat = { dev: 0xcn, ino: 0n, filetype: FILETYPE.UNKNOWN, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };

export interface GuestPath {
  /** absolute normalised guest path; for AT_EMPTY_PATH with an empty string, the dirfd's file */
  abs: string;
  trailingSlash: boolean;
  /** set when the path was empty and AT_EMPTY_PATH allowed it: operate on this open file */
  file?: OpenFile;
  /** the /proc entry of a process of the run that `abs` names (procfs.ts): no host path */
  proc?: ProcNode;
}

/** Reads a path argument and resolves it against AT_FDCWD (the cwd) or a directory fd. */
export function guestPath(g: Guest, dirfd: number, pathAddr: bigint, flags = 0): GuestPath {
  const raw = g.mem.cstring(pathAddr);
  if (raw === '') {
    if (!(flags & AT_EMPTY_PATH)) fail(E.ENOENT);
    if (dirfd === AT_FDCWD) return { abs: g.cwd, trailingSlash: false };
    const file = g.fds.get(dirfd);
    return { abs: file.path, trailingSlash: false, file };
  }
  let base = g.cwd;
  if (!raw.startsWith('/') && dirfd !== AT_FDCWD) {
    const dir = g.fds.get(dirfd);
    if (!dir.isDir) fail(E.ENOTDIR);
    base = dir.path;
  }
  // /proc/self is the host's JS engine: the run's own processes have /proc entries of their own
  let abs = resolveProc(g, walkPath(g, base, raw, base === g.cwd), hasTrailingSlash(raw)); // a trailing slash follows a last link
  abs = hostProcPath(g, abs) ?? abs;
  const proc = procNode(g, abs);
  return { abs, trailingSlash: hasTrailingSlash(raw), ...(proc ? { proc } : {}) };
}

/** the most symlinks one lookup follows (Linux's MAXSYMLINKS) */
const MAX_LINKS = 40;

/**
 * `raw` resolved against the absolute directory `base` as the kernel walks it: a ".." leaves the
 * directory a symlink led to, where lexical resolution (paths.ts) would leave the link's parent,
 * and a "." or ".." after a file is ENOTDIR. Only a path with a "..", or a "." after its first
 * component, pays (a stat per component before it, but those of a `base` the
 * caller knows holds no link: the cwd, which chdir keeps physical); `all`: every link on the path
 * is resolved, the last component's too (chdir). /proc paths stay lexical (procfs.ts links).
 */
export function walkPath(g: Guest, base: string, raw: string, cleanBase: boolean, all = false): string {
  if (!all && !/(^|\/)\.\.(\/|$)|\/\.(\/|$)/.test(raw)) return resolvePath(base, raw);
  const absolute = raw.startsWith('/');
  const parts = absolute || !cleanBase ? [] : base.split('/').filter((c) => c !== '');
  // components still to walk, the next one last
  const todo = (absolute ? raw : cleanBase ? raw : `${base}/${raw}`).split('/').reverse();
  let clean = parts.length, links = 0;
  // makes parts[0, clean) link-free: false when a link was found and its target queued instead
  const resolved = (): boolean => {
    for (; clean < parts.length && parts[0] !== 'proc'; clean++) {
      const target = linkTarget(g, `/${parts.slice(0, clean + 1).join('/')}`);
      if (target === undefined) continue;
      if (++links > MAX_LINKS) fail(E.ELOOP);
      todo.push(...parts.splice(clean).slice(1).reverse(), ...target.split('/').reverse());
      if (target.startsWith('/')) parts.length = clean = 0;
      return false;
    }
    clean = parts.length;
    return true;
  };
  for (;;) {
    while (todo.length) {
      const c = todo.pop()!;
      if (c === '') continue;
      if (c !== '.' && c !== '..') {
        parts.push(c);
        continue;
      }
      // what precedes a "." or ".." must be a directory, and ".." leaves it
      todo.push(c); // walked again after what a link on the way expands to
      if (resolved()) {
        todo.pop();
        if (c === '..') parts.pop();
        clean = parts.length;
      }
    }
    if (!all || resolved()) break;
  }
  return `/${parts.join('/')}`;
}

/** the target of the symlink at `abs`, undefined if it is a directory; a lookup through anything else fails as Linux's does */
function linkTarget(g: Guest, abs: string): string | undefined {
  const type = g.wasi.pathFilestat(toWasiPath(abs), false).filetype;
  if (type === FILETYPE.SYMBOLIC_LINK) return fromUtf8(g.wasi.readlink(toWasiPath(abs)));
  if (type !== FILETYPE.DIRECTORY) fail(E.ENOTDIR);
  return undefined;
}

/** `p` with a last component that is a link of procfs.ts followed (a host symlink the host follows) */
export function followed(g: Guest, p: GuestPath): GuestPath {
  if (p.proc?.kind !== 'link') return p;
  const abs = resolveProc(g, p.abs, true), proc = procNode(g, abs);
  return { abs, trailingSlash: p.trailingSlash, ...(proc ? { proc } : {}) };
}

/** openat(2) on a resolved path; `mode`: permission bits of a file O_CREAT makes. */
export function openPath(g: Guest, p: GuestPath, flags: number, mode = 0o666): OpenFile {
  if (p.proc) return openProc(g, p, flags, mode);
  const terminal = p.abs === '/dev/tty' ? controllingTerminal(g) : undefined;
  if (terminal) {
    terminal.holders++;
    return makeOpenFile({ wasiFd: -1, flags: (flags & (O.ACCMODE | O.NONBLOCK)) | O.LARGEFILE, path: p.abs, tty: true, terminal });
  }
  const own = p.file ? undefined : ownFdOf(g, p.abs);
  if (own !== undefined) return reopenOwnFd(g, own, flags, (abs) => openPath(g, { abs, trailingSlash: false }, flags, mode));
  if ((flags & O.TMPFILE) === O.TMPFILE) fail(E.EOPNOTSUPP);
  const acc = flags & O.ACCMODE;
  if (acc === 3) fail(E.EINVAL);
  if (flags & O.CREAT && (flags & O.DIRECTORY || p.trailingSlash)) fail(flags & O.DIRECTORY ? E.EINVAL : E.EISDIR);
  let oflags = 0;
  if (flags & O.CREAT) oflags |= OFLAGS.CREAT;
  if (flags & O.EXCL && flags & O.CREAT) oflags |= OFLAGS.EXCL;
  if (flags & O.TRUNC && acc !== O.RDONLY) oflags |= OFLAGS.TRUNC;
  if (flags & O.DIRECTORY || p.trailingSlash) oflags |= OFLAGS.DIRECTORY;
  let fdflags = 0;
  if (flags & O.APPEND) fdflags |= FDFLAGS.APPEND;
  if (flags & O.NONBLOCK) fdflags |= FDFLAGS.NONBLOCK;
  if (flags & O.DSYNC) fdflags |= FDFLAGS.DSYNC;
  // Rights decide the host open mode: asking for write rights on O_RDONLY would fail for
  // read-only files; asking for read rights on O_WRONLY would fail for write-only ones.
  let rights = RIGHTS_ALL;
  if (acc === O.RDONLY || flags & O.PATH) rights &= ~RIGHTS_WRITE;
  if (acc === O.WRONLY) rights &= ~RIGHTS_READ;
  const lookup = flags & O.NOFOLLOW ? 0 : LOOKUP_SYMLINK_FOLLOW;
  const wasiFd = g.wasi.open(toWasiPath(p.abs), lookup, oflags, rights, fdflags, mode & 0o7777 & ~g.umask);
  let filetype: number = FILETYPE.REGULAR_FILE;
  try {
    filetype = g.wasi.fdstat(wasiFd).filetype;
  } catch {
    // A host without fdstat: assume a regular file.
  }
  const isDir = filetype === FILETYPE.DIRECTORY;
  // WASI cannot ask isatty() of an opened file; terminal devices are known by name.
  const tty = filetype === FILETYPE.CHARACTER_DEVICE && /^\/dev\/(tty|pts\/|console$)/.test(p.abs);
  if (oflags & OFLAGS.DIRECTORY && !isDir) {
    g.wasi.close(wasiFd);
    fail(E.ENOTDIR);
  }
  const statusFlags = flags & (O.ACCMODE | O.APPEND | O.NONBLOCK | O.DSYNC | O.SYNC | O.DIRECT | O.NOATIME | O.PATH);
  const fifo = flags & O.PATH ? undefined : specialOf(g, wasiFd);
  if (fifo?.type === S_IFIFO) {
    g.wasi.close(wasiFd);
    return openFifo(g, fifo, statusFlags | O.LARGEFILE, p.abs);
  }
  if (fifo) {
    g.wasi.close(wasiFd);
    fail(E.ENXIO); // a socket's name
  }
  return makeOpenFile({ wasiFd, flags: statusFlags | O.LARGEFILE, path: p.abs, isDir, tty });
}

/** open(2) of a /proc entry of procfs.ts: its content as of now, read-only */
function openProc(g: Guest, p: GuestPath, flags: number, mode: number): OpenFile {
  const node = p.proc!;
  if (node.kind === 'link') {
    if (flags & O.NOFOLLOW && !(flags & O.PATH)) fail(E.ELOOP);
    return openPath(g, followed(g, p), flags, mode);
  }
  if (flags & O.CREAT && flags & O.EXCL) fail(E.EEXIST);
  if (((flags & O.ACCMODE) !== O.RDONLY || flags & O.TRUNC) && !(node.kind === 'file' && node.write)) fail(E.EACCES);
  if (node.kind === 'dir') return makeOpenFile({ wasiFd: -1, flags, path: p.abs, isDir: true, proc: node }); // listed by getdents64, as Linux does
  if (flags & O.DIRECTORY || p.trailingSlash) fail(E.ENOTDIR);
  return makeOpenFile({ wasiFd: -1, flags, path: p.abs, proc: node, data: node.data(), position: 0n });
}

/** the terminal the host drives, if it is the controlling tty of `g`'s session (else /dev/tty is the file system's: ENXIO) */
function controllingTerminal(g: Guest): Terminal | undefined {
  const t = g.kernel?.opts.terminal;
  return t && g.kernel!.of(g).sid === t.session ? t : undefined;
}

/** Reads a guest iovec array ({u64 base, u64 len}[]) and bounds-checks every buffer. */
export function guestIovecs(g: Guest, addr: bigint, count: number): [number, number][] {
  if (count < 0 || count > 1024) fail(E.EINVAL);
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = g.mem.u64(addr + BigInt(16 * i));
    const len = g.mem.u64(addr + BigInt(16 * i + 8));
    if (len > BigInt(MAX_RW)) fail(E.EINVAL);
    const n = Number(len);
    if (n === 0) continue;
    out.push([g.mem.check(base, n), n]);
    total += n;
    if (total > MAX_RW) fail(E.EINVAL);
  }
  return out;
}

function checkReadable(f: OpenFile): void {
  if (f.flags & O.PATH || (f.flags & O.ACCMODE) === O.WRONLY) fail(E.EBADF);
  if (f.isDir) fail(E.EISDIR);
}

function checkWritable(f: OpenFile): void {
  if (f.flags & O.PATH || (f.flags & O.ACCMODE) === O.RDONLY) fail(E.EBADF);
}

/** Runs a host I/O operation with blocking semantics for fds the guest did not make
 *  non-blocking: the host's fd may be non-blocking behind our back (Node puts its stdio pipes
 *  in O_NONBLOCK mode), so EAGAIN means "wait and retry", not an error the guest expects. */
function blocking<T>(f: OpenFile, op: () => T): T {
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return op();
    } catch (e) {
      if (!(e instanceof Errno) || e.errno !== E.EAGAIN || f.flags & O.NONBLOCK) throw e;
      sleepMs(delay);
    }
  }
}

export function readFile(g: Guest, f: OpenFile, iovs: [number, number][], offset?: bigint): number {
  checkReadable(f);
  if (f.anon) {
    if (offset !== undefined) fail(E.ESPIPE);
    return f.anon.read ? f.anon.read(g, f, iovs) : fail(E.EINVAL);
  }
  if (iovs.length === 0) return 0;
  if (offset === undefined && f.position !== undefined) {
    const n = readFile(g, f, iovs, f.position);
    f.position += BigInt(n);
    return n;
  }
  if (f.data) {
    let done = 0, at = Number(offset ?? 0n);
    for (const [base, len] of iovs) {
      const chunk = f.data.subarray(Math.min(at, f.data.length), Math.min(at + len, f.data.length));
      g.mem.bytes().set(chunk, base);
      done += chunk.length;
      at += chunk.length;
      if (chunk.length < len) break;
    }
    return done;
  }
  if (f.terminal) {
    if (offset !== undefined) fail(E.ESPIPE);
    return readTerminal(g, f, f.terminal, iovs);
  }
  if (f.pipe) {
    if (offset !== undefined) fail(E.ESPIPE);
    const pipe = f.pipe;
    if (pipe.size === 0 && pipe.writers > 0) {
      // a lone process would wait for itself forever: EAGAIN rather than a hang
      if (f.flags & O.NONBLOCK || !g.kernel?.wait(g, () => pipe.size > 0 || pipe.writers === 0, { restart: true })) fail(E.EAGAIN);
    }
    let done = 0;
    for (const [base, len] of iovs) {
      const chunk = f.pipe.take(len);
      g.mem.bytes().set(chunk, base);
      done += chunk.length;
      if (chunk.length < len) break;
    }
    return done;
  }
  g.sharedMaps.beforeRead(f, offset, iovTotal(iovs)); // MAP_SHARED pages of this file are its content
  return blocking(f, () => (offset === undefined ? g.wasi.read(f.wasiFd, g.mem, iovs) : g.wasi.pread(f.wasiFd, g.mem, iovs, offset)));
}

const RLIMIT_FSIZE = 1;

/** RLIMIT_FSIZE's soft limit, undefined when there is none */
function fileSizeLimit(g: Guest): bigint | undefined {
  const limit = g.limits.get(RLIMIT_FSIZE)?.[0];
  return limit === undefined || limit >= 0xffffffffffffffffn ? undefined : limit;
}

/**
 * How many of `want` bytes written at `pos` RLIMIT_FSIZE lets through; none left: SIGXFSZ (whose
 * default action ends the process) and EFBIG, as Linux's generic_write_check_limits.
 */
export function withinFileSize(g: Guest, pos: bigint, want: number): number {
  const limit = fileSizeLimit(g);
  if (limit === undefined || want === 0 || pos + BigInt(want) <= limit) return want;
  if (pos >= limit) {
    g.signals.raise(SIGNAL.SIGXFSZ);
    fail(E.EFBIG);
  }
  return Number(limit - pos);
}

/** a change of `f`'s size to `size`: past RLIMIT_FSIZE, SIGXFSZ and EFBIG when it grows the file (Linux's inode_newsize_ok) */
export function growWithinLimit(g: Guest, f: OpenFile, size: bigint): void {
  if (fileSizeLimit(g) !== undefined && size > statFile(g, f).size) withinFileSize(g, size - 1n, 1);
}

export function writeFile(g: Guest, f: OpenFile, iovs: [number, number][], offset?: bigint): number {
  checkWritable(f);
  if (f.proc) return f.proc.kind === 'file' && f.proc.write ? f.proc.write(gatherIovs(g, iovs)) : fail(E.EINVAL);
  if (f.anon) {
    if (offset !== undefined) fail(E.ESPIPE);
    return f.anon.write ? f.anon.write(g, f, iovs) : fail(E.EINVAL);
  }
  if (offset === undefined && f.position !== undefined && iovs.length) {
    if (f.flags & O.APPEND) f.position = statFile(g, f).size;
    const n = writeFile(g, f, iovs, f.position);
    f.position += BigInt(n);
    return n;
  }
  if (f.terminal) {
    if (offset !== undefined) fail(E.ESPIPE);
    return writeTerminal(g, f.terminal, iovs);
  }
  if (f.pipe) {
    if (offset !== undefined) fail(E.ESPIPE);
    return writePipe(g, f, f.pipe, iovs);
  }
  if (iovs.length === 0) return 0;
  const st = fileSizeLimit(g) === undefined ? undefined : statFile(g, f);
  if (st?.filetype === FILETYPE.REGULAR_FILE) {
    // where the write goes: the WASI fd's own position unless given (O_APPEND: the end)
    const at = offset ?? (f.flags & O.APPEND ? st.size : g.wasi.seek(f.wasiFd, 0n, 1));
    const total = iovTotal(iovs), allowed = withinFileSize(g, at, total);
    if (allowed < total) iovs = firstOfIovs(iovs, allowed);
  }
  g.sharedMaps.beforeWrite(f); // what another process's MAP_SHARED pages hold reaches the file first
  let n: number;
  try {
    n = blocking(f, () => (offset === undefined ? g.wasi.write(f.wasiFd, g.mem, iovs) : g.wasi.pwrite(f.wasiFd, g.mem, iovs, offset)));
  } catch (e) {
    // a host pipe without readers (the host process ignores SIGPIPE, so its write says EPIPE): the guest's SIGPIPE, as Linux sends it
    if (e instanceof Errno && e.errno === E.EPIPE) g.signals.raise(SIGNAL.SIGPIPE);
    throw e;
  }
  g.sharedMaps.afterWrite(f, offset, n); // and MAP_SHARED mappings of it show the new bytes
  return n;
}

/**
 * A write to a pipe: up to Pipe.ATOMIC bytes go in at once, longer writes as room appears,
 * waiting for readers (Kernel.wait) unless O_NONBLOCK. A lone process never waits: nobody could
 * read, so its pipe grows instead. With no reader left: SIGPIPE, then EPIPE (or the count so far).
 */
function writePipe(g: Guest, f: OpenFile, pipe: Pipe, iovs: [number, number][]): number {
  const total = iovTotal(iovs);
  // a write unwound while waiting runs again from the start: what it wrote before stays written
  let done = g.kernel?.progress(g) ?? 0;
  const need = total <= Pipe.ATOMIC ? total : 1;
  while (done < total || total === 0) {
    if (pipe.readers === 0) {
      if (done > 0) return done;
      g.signals.raise(SIGNAL.SIGPIPE); // kills the process unless ignored/handled
      fail(E.EPIPE);
    }
    if (total === 0) return 0;
    let room = Pipe.CAPACITY - pipe.size;
    if (room < Math.min(need, total - done)) {
      if (f.flags & O.NONBLOCK) {
        if (done > 0) return done;
        fail(E.EAGAIN);
      }
      let waited: boolean;
      try {
        waited = g.kernel?.wait(g, () => Pipe.CAPACITY - pipe.size >= need || pipe.readers === 0, { restart: true, progress: done }) ?? false;
      } catch (e) {
        if (e instanceof Errno && done > 0) return done; // interrupted after a part: a short write
        throw e;
      }
      if (!waited) room = total - done;
      else continue;
    }
    let skip = done, left = Math.min(room, total - done);
    for (const [base, len] of iovs) {
      if (left === 0) break;
      if (skip >= len) { skip -= len; continue; }
      const k = Math.min(len - skip, left);
      pipe.push(g.mem.bytes().subarray(base + skip, base + skip + k));
      skip = 0;
      left -= k;
      done += k;
    }
  }
  return done;
}

export function statFile(g: Guest, f: OpenFile): Filestat {
  if (f.proc) return procStat(g, f.path, f.proc);
  if (f.terminal) return TERMINAL_STAT;
  if (f.pipe) return { ...PIPE_STAT, ino: BigInt(f.pipe.id) };
  // Linux's anon inodes: one inode of no file type, rw for its owner; sockets say what they are
  if (f.anon) return { ...PIPE_STAT, dev: f.anon.mode ? 0x8n : 0xen, ino: f.anon.ino ?? 1n, linux: { mode: f.anon.mode ?? 0o600, uid: g.uid, gid: g.gid, rdev: 0n, blksize: 4096, blocks: 0n } };
  return withSpecialType(g, g.wasi.fdFilestat(f.wasiFd));
}

export function statPath(g: Guest, p: GuestPath, follow: boolean): Filestat {
  if (p.file) return statFile(g, p.file);
  if (p.proc) {
    const q = follow ? followed(g, p) : p;
    if (q !== p) return statPath(g, q, follow);
    if (p.trailingSlash && p.proc.kind !== 'dir') fail(E.ENOTDIR);
    return procStat(g, p.abs, p.proc);
  }
  const own = ownFdOf(g, p.abs);
  // not followed, /dev/stdin and /dev/fd/N are the host's links; a /proc/<pid>/fd entry itself is a
  // link whose owner bits are the fd's access
  if (own !== undefined && (follow || p.abs.startsWith('/proc/'))) {
    const f = g.fds.has(own) ? g.fds.get(own) : fail(E.ENOENT);
    return follow ? statFile(g, f) : procFdStat(g, p.abs, f.flags & O.ACCMODE);
  }
  const st = withSpecialType(g, g.wasi.pathFilestat(toWasiPath(p.abs), follow));
  if (p.trailingSlash && st.filetype !== FILETYPE.DIRECTORY) fail(E.ENOTDIR);
  return st;
}

/** st_mode for WASI metadata: WASI has no permission bits, so these are typical defaults. */
export function modeOf(st: Filestat): number {
  switch (st.filetype) {
    case FILETYPE.DIRECTORY: return S_IFDIR | 0o755;
    case FILETYPE.SYMBOLIC_LINK: return S_IFLNK | 0o777;
    case FILETYPE.CHARACTER_DEVICE: return S_IFCHR | 0o666;
    case FILETYPE.BLOCK_DEVICE: return S_IFBLK | 0o660;
    case FILETYPE.SOCKET_DGRAM:
    case FILETYPE.SOCKET_STREAM: return S_IFSOCK | 0o755;
    case FILETYPE.UNKNOWN: return S_IFIFO | 0o600; // our pipes (PIPE_STAT); uvwasi reports host pipes as unknown
    default: return S_IFREG | 0o644;
  }
}

const NS = 1_000_000_000n;

/** Writes the 128-byte struct stat of AArch64 (asm-generic layout). */
export function writeStat(g: Guest, addr: bigint, st: Filestat): void {
  g.mem.check(addr, 128);
  g.mem.zero(addr, 128);
  const m = g.mem;
  m.setU64(addr, st.dev);
  m.setU64(addr + 8n, st.ino);
  const lx = st.linux;
  m.setU32(addr + 16n, lx?.mode ?? modeOf(st));
  m.setU32(addr + 20n, Number(st.nlink > 0xffffffffn ? 0xffffffffn : st.nlink));
  m.setU32(addr + 24n, lx?.uid ?? g.uid);
  m.setU32(addr + 28n, lx?.gid ?? g.gid);
  m.setU64(addr + 32n, lx?.rdev ?? 0n);
  m.setI64(addr + 48n, st.size);
  m.setI32(addr + 56n, lx?.blksize ?? 4096);
  m.setI64(addr + 64n, lx?.blocks ?? (st.size + 511n) / 512n);
  const times = [st.atim, st.mtim, st.ctim];
  times.forEach((t, i) => {
    m.setI64(addr + BigInt(72 + 16 * i), t / NS);
    m.setU64(addr + BigInt(80 + 16 * i), t % NS);
  });
}

/** Writes a 256-byte struct statx with the basic fields (STATX_BASIC_STATS). */
export function writeStatx(g: Guest, addr: bigint, st: Filestat): void {
  g.mem.check(addr, 256);
  g.mem.zero(addr, 256);
  const m = g.mem;
  const lx = st.linux;
  m.setU32(addr, lx?.btim === undefined ? 0x7ff : 0xfff); // STATX_BASIC_STATS (| STATX_BTIME)
  m.setU32(addr + 4n, lx?.blksize ?? 4096);
  m.setU32(addr + 16n, Number(st.nlink > 0xffffffffn ? 0xffffffffn : st.nlink));
  m.setU32(addr + 20n, lx?.uid ?? g.uid);
  m.setU32(addr + 24n, lx?.gid ?? g.gid);
  m.setU16(addr + 28n, lx?.mode ?? modeOf(st));
  m.setU64(addr + 32n, st.ino);
  m.setU64(addr + 40n, st.size);
  m.setU64(addr + 48n, lx?.blocks ?? (st.size + 511n) / 512n);
  const ts = (off: bigint, t: bigint): void => {
    m.setI64(addr + off, t / NS);
    m.setU32(addr + off + 8n, Number(t % NS));
  };
  ts(64n, st.atim); // stx_atime
  ts(80n, lx?.btim ?? st.ctim); // stx_btime: when unknown, ctime is the closest available
  ts(96n, st.ctim);
  ts(112n, st.mtim);
  const [rdevMajor, rdevMinor] = splitDev(lx?.rdev ?? 0n);
  m.setU32(addr + 128n, rdevMajor);
  m.setU32(addr + 132n, rdevMinor);
  const [devMajor, devMinor] = splitDev(st.dev);
  m.setU32(addr + 136n, devMajor);
  m.setU32(addr + 140n, devMinor);
}

/** major and minor of a dev_t as glibc encodes it (gnu_dev_major/minor; Linux's new_encode_dev
 *  for the 32-bit numbers it uses). */
function splitDev(dev: bigint): [number, number] {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & 0xffffff00n));
  return [major, minor];
}

/** Linux DT_* for a WASI filetype. */
export function direntType(filetype: number): number {
  switch (filetype) {
    case FILETYPE.BLOCK_DEVICE: return 6;
    case FILETYPE.CHARACTER_DEVICE: return 2;
    case FILETYPE.DIRECTORY: return 4;
    case FILETYPE.REGULAR_FILE: return 8;
    case FILETYPE.SOCKET_DGRAM:
    case FILETYPE.SOCKET_STREAM: return 12;
    case FILETYPE.SYMBOLIC_LINK: return 10;
    default: return 0;
  }
}

/** The full listing of a directory, with "." and ".." first (some WASI hosts omit them) and
 *  real inode numbers (glibc's readdir skips entries whose d_ino is 0). */
export function listDirectory(g: Guest, f: OpenFile): DirEntry[] {
  if (f.proc?.kind === 'dir') return procListing(g, f.path, f.proc);
  const raw = g.wasi.readdirAll(f.wasiFd);
  const out: DirEntry[] = [];
  const names = new Set(raw.map((e) => fromUtf8(e.name)));
  for (const dot of ['.', '..']) {
    if (!names.has(dot)) out.push({ name: utf8(dot), ino: 0n, type: 4 });
  }
  for (const e of raw) out.push({ name: e.name, ino: e.ino, type: direntType(e.type) });
  for (const e of out) {
    if (e.ino !== 0n) continue;
    const name = fromUtf8(e.name);
    try {
      e.ino = g.wasi.pathFilestat(toWasiPath(resolvePath(f.path, name)), false).ino;
    } catch (err) {
      if (!(err instanceof Errno)) throw err;
    }
    // Still unknown: any stable non-zero number keeps the entry visible.
    if (e.ino === 0n) e.ino = BigInt(1 + out.indexOf(e));
  }
  return f.path === '/proc' ? procRootListing(g, out) : out;
}
