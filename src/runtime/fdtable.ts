// The guest's file descriptor table. Guest fds map to "open files" (Linux's open file
// descriptions: shared by dup'd fds, holding offset-independent state such as status flags and
// directory listings); open files are backed by a WASI fd, an in-memory pipe or an anonymous
// kernel object (anon-files.ts, epoll.ts).
import { E, fail } from './errno.ts';
import type { Guest } from './guest.ts';
import type { ProcNode } from './procfs.ts';
import type { Terminal } from './terminal.ts';

export interface DirEntry {
  name: Uint8Array;
  ino: bigint;
  /** Linux DT_* type */
  type: number;
}

/** An in-memory pipe with Linux's default capacity: a writer finding it full waits for a reader
 *  (or gets EAGAIN with O_NONBLOCK), a reader finding it empty waits for a writer (see Kernel.wait). */
export class Pipe {
  static readonly CAPACITY = 65536;
  /** writes of at most this many bytes are atomic (never interleaved with other writers') */
  static readonly ATOMIC = 4096;
  private chunks: Uint8Array[] = [];
  size = 0;
  readers = 0;
  writers = 0;
  /** writes, reads and closes of an end so far: the wake-ups edge-triggered epoll counts (poll.ts wakeups) */
  pushes = 0;
  takes = 0;
  hangups = 0;
  readonly id: number;
  private static nextId = 1000;

  constructor() {
    this.id = Pipe.nextId++;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data.slice());
    this.size += data.length;
    this.pushes++;
  }

  /** Removes up to `max` bytes. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.size);
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    if (n) this.takes++;
    return out;
  }
}

/**
 * A file with no path behind it, as Linux's anon_inode files (eventfd, timerfd, signalfd, epoll)
 * and sockets: an object of the kernel with its own reads, writes and readiness.
 */
export interface AnonFile {
  /** what /proc/self/fd links show for it: anon_inode:[eventfd], socket:[1234] */
  readonly link: string;
  /** its st_mode (Linux's anon inodes: 0600, no file type) and inode number */
  readonly mode?: number;
  readonly ino?: bigint;
  /** (none: EINVAL, as Linux for a file without read or write) */
  read?(g: Guest, f: OpenFile, iovs: [number, number][]): number;
  write?(g: Guest, f: OpenFile, iovs: [number, number][]): number;
  /** the poll events ready now for the process of `g` (poll.ts POLL bits) */
  poll(g: Guest): number;
  /** see poll.ts wakeups */
  wakeups?(g: Guest): readonly [number, number];
  /** bytes a read would find now (FIONREAD) */
  available?(): number;
  /** its last fd is closed; `g` is a guest of the run, whose fd table lets go of files it held */
  release?(g: Guest): void;
}

export interface OpenFile {
  /** WASI fd, or -1 (pipes, anonymous files, /proc entries) */
  wasiFd: number;
  /** absolute guest path ('' for stdio and pipes), used for dirfd-relative lookups and fchdir */
  path: string;
  /** Linux O_ACCMODE plus status flags (O_APPEND, O_NONBLOCK, ...) */
  flags: number;
  isDir: boolean;
  /** fds in the guest table referring to this open file */
  refs: number;
  /** never fd_close the WASI fd (the host's stdio: closing it would close the host's stream) */
  keepOpen: boolean;
  tty: boolean;
  /** a terminal the host drives (terminal.ts), for this open file of it; tty is set too */
  terminal?: Terminal;
  pipe?: Pipe;
  /** which end of `pipe` (a FIFO opened O_RDWR: both) */
  pipeEnd?: 'read' | 'write' | 'both';
  anon?: AnonFile;
  /** the description's own file position where it shares its WASI fd with another description
   *  (stdio reopened through /dev/stdin): reads and writes are positioned there */
  position?: bigint;
  /** a /proc entry of procfs.ts (no WASI fd): a directory, or a file whose content is `data` */
  proc?: ProcNode;
  data?: Uint8Array;
  /** directory listing snapshot taken by the first getdents64, and the position in it */
  dir?: DirEntry[];
  dirPos: number;
}

export function makeOpenFile(init: Partial<OpenFile> & Pick<OpenFile, 'wasiFd' | 'flags'>): OpenFile {
  return { path: '', isDir: false, refs: 0, keepOpen: false, tty: false, dirPos: 0, ...init };
}

/** a pipe or an anonymous file: no WASI fd, no file position, no path */
export const unseekable = (f: OpenFile): boolean => f.pipe !== undefined || f.anon !== undefined;

/** what /proc/self/fd links to for an open file with no path (Linux's names), else undefined */
export function pathlessName(f: OpenFile): string | undefined {
  if (f.pipe && !f.path) return `pipe:[${f.pipe.id}]`; // (a FIFO's is its path)
  if (f.anon) return f.anon.link;
  return undefined;
}

interface Slot {
  file: OpenFile;
  cloexec: boolean;
}

/** the resource limit a table's size follows */
export const RLIMIT_NOFILE = 7;

export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];
  /** RLIMIT_NOFILE */
  limit = 1024;
  /** called when the last fd of an open file is closed */
  private readonly release: (file: OpenFile) => void;

  constructor(release: (file: OpenFile) => void) {
    this.release = release;
  }

  /** RLIMIT_NOFILE's soft limit is `soft` (a table of more than 2^20 fds is not kept) */
  setLimit(soft: bigint): void {
    this.limit = Number(soft > 1n << 20n ? 1n << 20n : soft);
  }

  get(fd: number): OpenFile {
    const s = fd >= 0 ? this.slots[fd] : undefined;
    if (!s) fail(E.EBADF);
    return s.file;
  }

  has(fd: number): boolean {
    return fd >= 0 && this.slots[fd] !== undefined;
  }

  getCloexec(fd: number): boolean {
    this.get(fd);
    return this.slots[fd]!.cloexec;
  }

  setCloexec(fd: number, on: boolean): void {
    this.get(fd);
    this.slots[fd]!.cloexec = on;
  }

  /** Installs at the lowest free fd >= minFd, as open/dup/F_DUPFD do. */
  install(file: OpenFile, cloexec: boolean, minFd = 0): number {
    let fd = minFd;
    while (fd < this.slots.length && this.slots[fd]) fd++;
    if (fd >= this.limit) fail(E.EMFILE);
    this.slots[fd] = { file, cloexec };
    file.refs++;
    return fd;
  }

  /** Installs two files at the lowest free fds, both or neither (pipe2, socketpair). */
  installPair(a: OpenFile, b: OpenFile, cloexec: boolean): [number, number] {
    const fa = this.install(a, cloexec);
    try {
      return [fa, this.install(b, cloexec)];
    } catch (e) {
      this.close(fa);
      throw e;
    }
  }

  /** Installs at exactly `fd`, closing what was there (dup2/dup3). */
  installAt(fd: number, file: OpenFile, cloexec: boolean): void {
    if (fd < 0 || fd >= this.limit) fail(E.EBADF);
    file.refs++;
    if (this.slots[fd]) this.close(fd);
    this.slots[fd] = { file, cloexec };
  }

  /** Keeps `file` open without an fd (a MAP_SHARED mapping holds its file, as a VMA does). */
  hold(file: OpenFile): void {
    file.refs++;
  }

  /** Lets go of a hold(); the file is released when nothing else refers to it. */
  drop(file: OpenFile): void {
    if (--file.refs === 0) this.release(file);
  }

  close(fd: number): void {
    const file = this.get(fd);
    this.slots[fd] = undefined;
    if (--file.refs === 0) this.release(file);
  }

  /** a copy for a forked process: the same open files (shared offsets and status flags) */
  copy(): FdTable {
    const t = new FdTable(this.release);
    t.limit = this.limit;
    this.slots.forEach((s, fd) => {
      if (!s) return;
      t.slots[fd] = { ...s };
      s.file.refs++;
    });
    return t;
  }

  /** execve: closes the close-on-exec fds */
  closeOnExec(): void {
    this.slots.forEach((s, fd) => { if (s?.cloexec) this.close(fd); });
  }

  /** All open fds, ascending. */
  fds(): number[] {
    const out: number[] = [];
    this.slots.forEach((s, i) => s && out.push(i));
    return out;
  }
}
