// Typed access to a host's WASI preview1 functions. WASI functions take pointers into the Wasm
// memory they are bound to: small arguments (paths, iovec arrays, result cells) are marshalled
// through the scratch area there. That memory is an I/O memory of the runtime's own, shared by
// every process of a tree (one WASI fd table, so forked processes share open files and their
// offsets), and file data is copied between it and the guest's memory; or, where a host binds
// WASI to the guest's memory itself, data buffers are passed in place. Failures throw Errno with
// the Linux errno.
import { E, Errno, fail, wasiToLinuxErrno } from './errno.ts';
import type { GuestMem } from './guest-mem.ts';
import { SCRATCH_BASE, SCRATCH_END, WASM_PAGE } from './layout.ts';
import { fromUtf8, utf8 } from './guest-mem.ts';
import type { FileHost, FsStats, LinuxMeta } from './file-host.ts';

/** WASI preview1 imports, e.g. node:wasi's `wasi.wasiImport` (after `wasi.initialize(instance)`)
 *  or browser_wasi_shim's `wasi.wasiImport` (after `wasi.inst = instance`). */
export type WasiImports = Record<string, Function>;

export const FILETYPE = { UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4, SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7 } as const;
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const LOOKUP_SYMLINK_FOLLOW = 1;
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;

/** All 28 filesystem rights (what node:wasi grants its preopens as inheritable rights). */
export const RIGHTS_ALL = 0x0fffffffn;
/** Rights that make uvwasi open the host file for writing (FD_DATASYNC, FD_WRITE, FD_ALLOCATE,
 *  FD_FILESTAT_SET_SIZE): left out for O_RDONLY, or read-only files could not be opened. */
export const RIGHTS_WRITE = (1n << 0n) | (1n << 6n) | (1n << 8n) | (1n << 22n);
/** Rights that make uvwasi open for reading (FD_READ, FD_READDIR). */
export const RIGHTS_READ = (1n << 1n) | (1n << 14n);

export interface Filestat {
  dev: bigint;
  ino: bigint;
  filetype: number;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  /** mode, owner, device and block figures when a FileHost knows them */
  linux?: LinuxMeta;
}

export interface WasiDirent {
  name: Uint8Array;
  ino: bigint;
  type: number;
}

const READDIR_BUF = 16384;

type Iovecs = readonly (readonly [number, number])[];

/** the bounce buffer of an I/O memory (after its scratch area), and the most one WASI call moves */
const IO_DATA = SCRATCH_END;
const IO_CHUNK = 16 << 20;

/** copies `n` bytes at position `pos` of the data the guest iovecs describe from (or, `toGuest`, to) `buf` at `at` */
function copyIovecs(guest: Uint8Array, iovs: Iovecs, pos: number, n: number, buf: Uint8Array, at: number, toGuest: boolean): void {
  for (const [base, len] of iovs) {
    if (n === 0) return;
    if (pos >= len) { pos -= len; continue; }
    const k = Math.min(len - pos, n);
    if (toGuest) guest.set(buf.subarray(at, at + k), base + pos);
    else buf.set(guest.subarray(base + pos, base + pos + k), at);
    at += k;
    n -= k;
    pos = 0;
  }
}

/** A memory for WASI to work in, apart from any guest's (see WasiFs.transfer). */
export function ioMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: IO_DATA / WASM_PAGE + 1 });
}

export class WasiFs {
  readonly imports: WasiImports;
  private readonly mem: GuestMem;
  /** the WASI fd of the preopened directory that is the guest's "/" */
  readonly rootFd: number;
  /** called with a description when a WASI function throws instead of returning an errno */
  onHostError?: (message: string) => void;
  /** Linux metadata and path mapping beyond WASI (see file-host.ts) */
  host?: FileHost;
  /** the (mapped) path each WASI fd was opened on, for the host's fstat/fchmod */
  private readonly fdPaths = new Map<number, { path: string; mount: number; readonly?: boolean }>();
  private top = SCRATCH_BASE;

  constructor(imports: WasiImports, mem: GuestMem, rootFd?: number) {
    this.imports = imports;
    this.mem = mem;
    this.rootFd = rootFd ?? this.findRoot();
  }

  /** The preopen named "/" (node:wasi and browser_wasi_shim number preopens from 3). */
  private findRoot(): number {
    for (let fd = 3; fd < 64; fd++) {
      this.top = SCRATCH_BASE;
      const st = this.alloc(8);
      const r = this.raw('fd_prestat_get', fd, st);
      if (r === 8) break; // EBADF: no more preopens
      if (r !== 0) continue;
      const len = this.mem.view().getUint32(st + 4, true);
      const name = this.alloc(len);
      if (this.raw('fd_prestat_dir_name', fd, name, len) !== 0) continue;
      const s = fromUtf8(this.mem.bytes().subarray(name, name + len)).replace(/\0+$/, '');
      if (s === '/' || s === '' || s === '.') return fd;
    }
    return 3;
  }

  private alloc(size: number, align = 8): number {
    const at = Math.ceil(this.top / align) * align;
    if (at + size > SCRATCH_END) fail(E.ENAMETOOLONG);
    this.top = at + size;
    return at;
  }

  private cstr(s: string | Uint8Array): [number, number] {
    const b = typeof s === 'string' ? utf8(s) : s;
    const at = this.alloc(b.length + 1, 1);
    this.mem.bytes().set(b, at);
    return [at, b.length];
  }

  /** Calls a WASI function and returns its WASI errno (0 for hosts that return undefined). */
  private raw(name: string, ...args: (number | bigint)[]): number {
    const f = this.imports[name];
    if (typeof f !== 'function') return 52; // NOSYS
    try {
      const r = f(...args);
      return typeof r === 'number' ? r : 0;
    } catch (e) {
      this.onHostError?.(`WASI ${name} threw: ${e instanceof Error ? e.message : String(e)}`);
      return 29; // EIO
    }
  }

  /** Calls a WASI function with a fresh scratch area; throws Errno on failure. */
  private call(name: string, ...args: (number | bigint)[]): void {
    const r = this.raw(name, ...args);
    if (r !== 0) throw new Errno(wasiToLinuxErrno(r));
  }

  private begin(): DataView {
    this.top = SCRATCH_BASE;
    return this.mem.view();
  }

  private iovecs(iovs: readonly (readonly [number, number])[]): number {
    const at = this.alloc(8 * iovs.length);
    const dv = this.mem.view();
    iovs.forEach(([base, len], i) => {
      dv.setUint32(at + 8 * i, base, true);
      dv.setUint32(at + 8 * i + 4, len, true);
    });
    return at;
  }

  /** The WASI path to ask about for a guest path, and the mount it lies on (see FileHost). */
  private map(path: string, follow: boolean, write: boolean): { path: string; mount: number; readonly?: boolean } {
    return this.host?.mapPath?.(path, follow, write) ?? { path, mount: 0 };
  }

  /** Maps two paths that one operation links together: across mounts that is EXDEV, as on Linux. */
  private mapPair(from: string, to: string, follow: boolean): [string, string] {
    const a = this.map(from, follow, true);
    const b = this.map(to, false, true);
    if (a.mount !== b.mount) fail(E.EXDEV);
    return [a.path, b.path];
  }

  /** `createMode`: the mode (umask applied) a file created by O_CREAT gets, where the host can set it. */
  open(path: string, lookup: number, oflags: number, rights: bigint, fdflags: number, createMode?: number): number {
    const write = (oflags & (OFLAGS.CREAT | OFLAGS.TRUNC)) !== 0 || (rights & RIGHTS_WRITE) !== 0n;
    const mapped = this.map(path, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0, write);
    const creating = this.host && createMode !== undefined && oflags & OFLAGS.CREAT && !this.exists(mapped.path);
    this.begin();
    const [p, n] = this.cstr(mapped.path);
    const out = this.alloc(4);
    this.call('path_open', this.rootFd, lookup, p, n, oflags, rights, RIGHTS_ALL, fdflags, out);
    const fd = this.mem.view().getUint32(out, true);
    if (this.host) this.fdPaths.set(fd, mapped);
    if (creating) this.host!.created(mapped.path, createMode!);
    return fd;
  }

  private exists(mapped: string): boolean {
    try {
      this.host!.stat(mapped, false);
      return true;
    } catch (e) {
      if (e instanceof Errno) return false;
      throw e;
    }
  }

  close(fd: number): void {
    this.fdPaths.delete(fd);
    this.begin();
    this.call('fd_close', fd);
  }

  read(fd: number, guest: GuestMem, iovs: Iovecs): number {
    return this.transfer(guest, iovs, true, (v, n) => this.count('fd_read', fd, v, n));
  }

  write(fd: number, guest: GuestMem, iovs: Iovecs): number {
    return this.transfer(guest, iovs, false, (v, n) => this.count('fd_write', fd, v, n));
  }

  /** Writes bytes that live outside guest memory (runtime messages) via the scratch area. */
  writeBytes(fd: number, data: Uint8Array): number {
    this.begin();
    const buf = this.alloc(data.length, 1);
    this.mem.bytes().set(data, buf);
    return this.count('fd_write', fd, this.iovecs([[buf, data.length]]), 1);
  }

  pread(fd: number, guest: GuestMem, iovs: Iovecs, offset: bigint): number {
    return this.transfer(guest, iovs, true, (v, n, done) => this.count('fd_pread', fd, v, n, offset + BigInt(done)));
  }

  pwrite(fd: number, guest: GuestMem, iovs: Iovecs, offset: bigint): number {
    return this.transfer(guest, iovs, false, (v, n, done) => this.count('fd_pwrite', fd, v, n, offset + BigInt(done)));
  }

  /** the first `size` bytes of the file at `fd`, read at offsets (its position stays), through the scratch area */
  readAll(fd: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      this.begin();
      const n = Math.min(size - done, 32768), buf = this.alloc(n, 1);
      const got = this.count('fd_pread', fd, this.iovecs([[buf, n]]), 1, BigInt(done));
      if (got === 0) break;
      out.set(this.mem.bytes().subarray(buf, buf + got), done);
      done += got;
    }
    return out.subarray(0, done);
  }

  /** calls an fd_read/fd_write-like function (its last argument the count cell) with a fresh scratch area */
  private count(name: string, fd: number, iovs: number, n: number, ...rest: bigint[]): number {
    const out = this.alloc(4);
    this.call(name, fd, iovs, n, ...rest, out);
    return this.mem.view().getUint32(out, true);
  }

  /**
   * Moves data between `guest` and a host file. WASI functions see only the memory they are bound
   * to: when that is the guest's own memory the buffers go in place; otherwise (the I/O memory of
   * a process tree, see Kernel) through a bounce buffer there, in chunks: a chunk that comes back
   * short ends the transfer, as a short read or write would.
   */
  private transfer(guest: GuestMem, iovs: Iovecs, into: boolean, op: (iovs: number, n: number, done: number) => number): number {
    if (guest.memory === this.mem.memory) {
      this.begin();
      return op(this.iovecs(iovs), iovs.length, 0);
    }
    const total = iovs.reduce((n, [, len]) => n + len, 0);
    let done = 0;
    while (done < total) {
      const n = Math.min(total - done, IO_CHUNK);
      this.reserve(IO_DATA + n);
      if (!into) copyIovecs(guest.bytes(), iovs, done, n, this.mem.bytes(), IO_DATA, false);
      this.begin();
      let got: number;
      try {
        got = op(this.iovecs([[IO_DATA, n]]), 1, done);
      } catch (e) {
        if (done === 0) throw e;
        break; // what moved before the error counts, as with a short transfer
      }
      if (into) copyIovecs(guest.bytes(), iovs, done, got, this.mem.bytes(), IO_DATA, true);
      done += got;
      if (got < n) break;
    }
    return done;
  }

  /** grows the I/O memory to at least `end` bytes */
  private reserve(end: number): void {
    const have = this.mem.memory.buffer.byteLength;
    if (end > have) this.mem.memory.grow(Math.ceil((end - have) / WASM_PAGE));
  }

  seek(fd: number, offset: bigint, whence: number): bigint {
    this.begin();
    const out = this.alloc(8);
    this.call('fd_seek', fd, offset, whence, out);
    return this.mem.view().getBigUint64(out, true);
  }

  private readFilestat(at: number): Filestat {
    const dv = this.mem.view();
    return {
      dev: dv.getBigUint64(at, true),
      ino: dv.getBigUint64(at + 8, true),
      filetype: dv.getUint8(at + 16),
      nlink: dv.getBigUint64(at + 24, true),
      size: dv.getBigUint64(at + 32, true),
      atim: dv.getBigUint64(at + 40, true),
      mtim: dv.getBigUint64(at + 48, true),
      ctim: dv.getBigUint64(at + 56, true),
    };
  }

  fdFilestat(fd: number): Filestat {
    this.begin();
    const out = this.alloc(64);
    this.call('fd_filestat_get', fd, out);
    const st = this.readFilestat(out);
    return this.host?.fstat(fd, this.fdPaths.get(fd)?.path, st) ?? st;
  }

  pathFilestat(guestPath: string, follow: boolean): Filestat {
    const path = this.map(guestPath, follow, false).path;
    if (this.host) return this.host.stat(path, follow);
    this.begin();
    const [p, n] = this.cstr(path);
    const out = this.alloc(64);
    this.call('path_filestat_get', this.rootFd, follow ? LOOKUP_SYMLINK_FOLLOW : 0, p, n, out);
    return this.readFilestat(out);
  }

  fdstat(fd: number): { filetype: number; flags: number; rights: bigint } {
    this.begin();
    const out = this.alloc(24);
    this.call('fd_fdstat_get', fd, out);
    const dv = this.mem.view();
    return { filetype: dv.getUint8(out), flags: dv.getUint16(out + 2, true), rights: dv.getBigUint64(out + 8, true) };
  }

  setFdFlags(fd: number, flags: number): void {
    this.begin();
    this.call('fd_fdstat_set_flags', fd, flags);
  }

  setSize(fd: number, size: bigint): void {
    this.begin();
    this.call('fd_filestat_set_size', fd, size);
  }

  setTimes(fd: number | undefined, path: string | undefined, follow: boolean, atim: bigint, mtim: bigint, fstflags: number): void {
    if (path !== undefined) path = this.map(path, follow, true).path;
    const hostPath = path ?? this.writableFdPath(fd!);
    if (this.host?.setTimes && hostPath !== undefined) {
      this.host.setTimes(hostPath, follow || path === undefined, atim, mtim, fstflags);
      return;
    }
    this.begin();
    if (path === undefined) {
      this.call('fd_filestat_set_times', fd!, atim, mtim, fstflags);
    } else {
      const [p, n] = this.cstr(path);
      this.call('path_filestat_set_times', this.rootFd, follow ? LOOKUP_SYMLINK_FOLLOW : 0, p, n, atim, mtim, fstflags);
    }
  }

  sync(fd: number): void {
    this.begin();
    this.call('fd_sync', fd);
  }

  /** All entries of a directory (WASI hosts differ on whether "." and ".." are included). */
  readdirAll(fd: number): WasiDirent[] {
    const entries: WasiDirent[] = [];
    let cookie = 0n;
    for (let rounds = 0; rounds < 1_000_000; rounds++) {
      this.begin();
      const buf = this.alloc(READDIR_BUF);
      const out = this.alloc(4);
      this.call('fd_readdir', fd, buf, READDIR_BUF, cookie, out);
      const dv = this.mem.view();
      const used = Math.min(dv.getUint32(out, true), READDIR_BUF);
      let off = 0;
      let complete = 0;
      while (off + 24 <= used) {
        const next = dv.getBigUint64(buf + off, true);
        const ino = dv.getBigUint64(buf + off + 8, true);
        const namlen = dv.getUint32(buf + off + 16, true);
        const type = dv.getUint8(buf + off + 20);
        if (off + 24 + namlen > used) break; // truncated: fetch again from `cookie`
        entries.push({ name: this.mem.bytes().slice(buf + off + 24, buf + off + 24 + namlen), ino, type });
        cookie = next;
        off += 24 + namlen;
        complete++;
      }
      if (used < READDIR_BUF) return entries;
      if (complete === 0) fail(E.EIO); // one entry larger than the buffer: not a real name
    }
    return entries;
  }

  unlink(guestPath: string): void {
    const path = this.map(guestPath, false, true).path;
    this.begin();
    const [p, n] = this.cstr(path);
    this.call('path_unlink_file', this.rootFd, p, n);
  }

  rmdir(guestPath: string): void {
    const path = this.map(guestPath, false, true).path;
    this.begin();
    const [p, n] = this.cstr(path);
    this.call('path_remove_directory', this.rootFd, p, n);
  }

  /** `mode`: the new directory's mode (umask applied), where the host can set it */
  mkdir(guestPath: string, mode?: number): void {
    const path = this.map(guestPath, false, true).path;
    this.begin();
    const [p, n] = this.cstr(path);
    this.call('path_create_directory', this.rootFd, p, n);
    if (mode !== undefined) this.host?.created(path, mode);
  }

  rename(guestFrom: string, guestTo: string): void {
    const [from, to] = this.mapPair(guestFrom, guestTo, false);
    this.begin();
    const [p, n] = this.cstr(from);
    const [q, m] = this.cstr(to);
    this.call('path_rename', this.rootFd, p, n, this.rootFd, q, m);
  }

  symlink(target: Uint8Array, guestPath: string): void {
    const path = this.map(guestPath, false, true).path;
    if (this.host?.symlink) return this.host.symlink(target, path);
    this.begin();
    const [t, tn] = this.cstr(target);
    const [p, n] = this.cstr(path);
    this.call('path_symlink', t, tn, this.rootFd, p, n);
  }

  link(guestFrom: string, guestTo: string, follow: boolean): void {
    const [from, to] = this.mapPair(guestFrom, guestTo, follow);
    this.begin();
    const [p, n] = this.cstr(from);
    const [q, m] = this.cstr(to);
    this.call('path_link', this.rootFd, follow ? LOOKUP_SYMLINK_FOLLOW : 0, p, n, this.rootFd, q, m);
  }

  /** chmod(2)/lchmod: without a host, WASI has no modes and the change is accepted if the file exists. */
  chmod(guestPath: string, mode: number, follow: boolean): void {
    const path = this.map(guestPath, follow, true).path;
    if (this.host) this.host.chmod(path, mode, follow);
    else this.pathFilestat(guestPath, follow);
  }

  chown(guestPath: string, uid: number, gid: number, follow: boolean): void {
    const path = this.map(guestPath, follow, true).path;
    if (this.host) this.host.chown(path, uid, gid, follow);
    else this.pathFilestat(guestPath, follow);
  }

  /** fchmod/fchown act on the path the fd was opened on (WASI does not expose the host's fd);
   *  without a host, or for an fd the runtime did not open (stdio), they are accepted. */
  fchmod(fd: number, mode: number): void {
    const p = this.writableFdPath(fd);
    if (this.host && p) this.host.chmod(p, mode, true);
  }

  fchown(fd: number, uid: number, gid: number): void {
    const p = this.writableFdPath(fd);
    if (this.host && p) this.host.chown(p, uid, gid, true);
  }

  /** the path an fd was opened on, for a change made through it: EROFS on a read-only mount */
  private writableFdPath(fd: number): string | undefined {
    const p = this.fdPaths.get(fd);
    if (p?.readonly) fail(E.EROFS);
    return p?.path;
  }

  /** statfs(2) of a guest path or of an open fd's file, when the host can tell */
  statfs(guestPath: string | undefined, fd?: number): FsStats | undefined {
    if (!this.host?.statfs) return undefined;
    const path = guestPath === undefined ? this.fdPaths.get(fd!)?.path : this.map(guestPath, true, false).path;
    return path === undefined ? undefined : this.host.statfs(path);
  }

  /** access(2); false when there is no host to ask (the caller decides from WASI's metadata) */
  access(guestPath: string, mode: number, follow: boolean): boolean {
    if (!this.host) return false;
    const path = this.map(guestPath, follow, (mode & 2) !== 0).path;
    this.host.access(path, mode);
    return true;
  }

  readlink(guestPath: string): Uint8Array {
    const path = this.map(guestPath, false, false).path;
    this.begin();
    const [p, n] = this.cstr(path);
    const size = 4096;
    const buf = this.alloc(size, 1);
    const out = this.alloc(4);
    this.call('path_readlink', this.rootFd, p, n, buf, size, out);
    const used = Math.min(this.mem.view().getUint32(out, true), size);
    return this.mem.bytes().slice(buf, buf + used);
  }

  /** Nanoseconds on a WASI clock (0 realtime, 1 monotonic, 2 process CPU), or undefined. */
  clock(id: number): bigint | undefined {
    this.begin();
    const out = this.alloc(8);
    this.mem.view().setBigUint64(out, 0n, true);
    if (this.raw('clock_time_get', id, 1000n, out) !== 0) return undefined;
    return this.mem.view().getBigUint64(out, true);
  }
}
