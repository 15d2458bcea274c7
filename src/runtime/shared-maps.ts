// MAP_SHARED file mappings. Guest memory is one Wasm memory, so a shared mapping is a copy of the
// file's bytes like a private one; what makes it shared is that it stays coherent with the file,
// as Linux's page cache keeps it: its pages are written back on msync, when the range is unmapped
// or mapped over, when the process ends and before the file is read through any fd, and writes
// to the file through any fd are copied into it. Each mapping holds its open file, as a VMA does,
// so closing the fd after mmap is fine.
//
// Between processes (a fork's, or any two mapping the same file), as shared-anon.ts does for
// anonymous memory: the kernel runs one process at a time, and the current bytes of a file's
// mapped pages are in the memory of the process that last ran with it mapped (its holder,
// Kernel.fileHolders; none: the file is current). A process about to run (enter) has the holder
// write its pages back and reads its own from the file; a write to the file through an fd first
// has the holder write back, so that nothing stale is written over it later.
import { unseekable, type OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';

interface SharedMapping {
  start: number;
  end: number;
  file: OpenFile;
  /** file offset of `start` */
  offset: bigint;
  /** the file's identity (device and inode): other fds may name the same file */
  id: string;
  /** opened for writing: its pages are written back (a read-only one only shows the file) */
  writable: boolean;
}

/** key of futexes in file mappings: above anonymous segments' (shared-anon.ts), one range per file */
const FILE_FUTEX_BASE = 1n << 63n;

export class SharedFileMaps {
  private maps: SharedMapping[] = [];

  constructor(private readonly g: Guest) {}

  /** the process holding each file's current pages, for every process of the run (none: a lone guest) */
  private get holders(): Map<string, SharedFileMaps> | undefined {
    return this.g.kernel?.fileHolders;
  }

  /** whether this process's pages of file `id` are current (it may write them back) */
  private holds(id: string): boolean {
    const h = this.holders;
    return h === undefined || h.get(id) === this;
  }

  /** a forked process's: the parent's mappings, each holding its file again */
  adopt(parent: SharedFileMaps): void {
    for (const m of parent.maps) {
      this.g.fds.hold(m.file);
      this.maps.push({ ...m });
    }
  }

  add(start: number, end: number, file: OpenFile, offset: bigint, writable: boolean): void {
    this.forget(start, end); // callers unmap first; this only keeps the list consistent
    this.g.fds.hold(file);
    const id = this.idOf(file) ?? '';
    this.maps.push({ start, end, file, offset, id, writable });
    // its pages were just read from the file (beforeRead made their range current); another
    // holder's other pages reach the file before this process takes over
    const h = this.holders?.get(id);
    if (h && h !== this) h.writeBackAll(id);
    this.holders?.set(id, this);
  }

  /** before this process runs: the pages of files another process held are read again, from the file that process wrote them to */
  enter(): void {
    const holders = this.holders;
    if (this.maps.length === 0 || !holders) return;
    for (const id of new Set(this.maps.map((m) => m.id))) {
      const h = holders.get(id);
      if (h === this) continue;
      h?.writeBackAll(id);
      for (const m of this.maps) if (m.id === id) this.reload(m);
      holders.set(id, this);
    }
  }

  /** Before `len` bytes of `file` at `offset` (undefined: at its position) are read or mapped:
   *  the mappings' writes to them reach the file first. */
  beforeRead(file: OpenFile, offset: bigint | undefined, len: number): void {
    const id = this.sharedId(file);
    const h = id === undefined ? undefined : this.holders?.get(id) ?? this;
    const maps = h ? h.sameFile(file) : [];
    if (maps.length === 0) return;
    const from = offset ?? this.g.wasi.seek(file.wasiFd, 0n, 1 /* WHENCE_CUR */);
    for (const m of maps) {
      const r = h!.overlap(m, from, len);
      if (r) h!.writeBack(m, r[0], r[1]);
    }
  }

  /** Before `file` is written through an fd: the pages another process holds reach it, and it is current */
  beforeWrite(file: OpenFile): void {
    const holders = this.holders, id = this.sharedId(file);
    const h = id === undefined ? undefined : holders?.get(id);
    if (!h || h === this) return;
    h.writeBackAll(id!);
    holders!.delete(id!);
  }

  /** After `n` bytes were written to `file` at `offset` (undefined: at its position, now past
   *  them): the mappings of those bytes show them. */
  afterWrite(file: OpenFile, offset: bigint | undefined, n: number): void {
    if (n <= 0) return;
    const maps = this.sameFile(file);
    if (maps.length === 0) return;
    const g = this.g;
    const from = offset ?? g.wasi.seek(file.wasiFd, 0n, 1 /* WHENCE_CUR */) - BigInt(n);
    for (const m of maps) {
      const r = this.overlap(m, from, n);
      if (!r) continue;
      const [s, e] = r;
      for (let done = 0; done < e - s;) {
        const got = g.wasi.pread(m.file.wasiFd, g.mem, [[s + done, e - s - done]], m.offset + BigInt(s - m.start + done));
        if (got === 0) break;
        done += got;
      }
    }
  }

  /** the guest addresses [s, e) where `m` maps file bytes [from, from + len), if any */
  private overlap(m: SharedMapping, from: bigint, len: number): [number, number] | undefined {
    const lo = from > m.offset ? from : m.offset;
    const mapEnd = m.offset + BigInt(m.end - m.start);
    const hi = from + BigInt(len) < mapEnd ? from + BigInt(len) : mapEnd;
    return lo < hi ? [m.start + Number(lo - m.offset), m.start + Number(hi - m.offset)] : undefined;
  }

  /** the mappings of the file `file` refers to (none without shared mappings: no host call) */
  private sameFile(file: OpenFile): SharedMapping[] {
    if (this.maps.length === 0 || unseekable(file)) return [];
    const id = this.idOf(file);
    return id === undefined ? [] : this.maps.filter((m) => m.id === id);
  }

  /** the identity of `file` if some process maps it shared (no host call while none does) */
  private sharedId(file: OpenFile): string | undefined {
    const holders = this.holders;
    if (unseekable(file) || (holders ? holders.size === 0 : this.maps.length === 0)) return undefined;
    return this.idOf(file);
  }

  /** this process's pages of file `id` to the file (another process is to run with them) */
  private writeBackAll(id: string): void {
    for (const m of this.maps) if (m.id === id) this.writeBack(m, m.start, m.end);
  }

  /** the file's bytes into the pages of `m` (past its end: zeros, as a mapping shows them) */
  private reload(m: SharedMapping): void {
    const g = this.g, len = m.end - m.start;
    let done = 0;
    try {
      while (done < len) {
        const got = g.wasi.pread(m.file.wasiFd, g.mem, [[m.start + done, len - done]], m.offset + BigInt(done));
        if (got === 0) break;
        done += got;
      }
    } catch (err) {
      g.log(`MAP_SHARED read of ${m.file.path || `fd ${m.file.wasiFd}`} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    g.mem.bytes().fill(0, m.start + done, m.end);
  }

  /** a futex key for an address of a shared file mapping (the file and its offset: the same in every process), or undefined */
  futexKey(addr: bigint): bigint | undefined {
    const a = Number(addr);
    const m = this.maps.find((x) => a >= x.start && a < x.end);
    const keys = this.g.kernel?.fileKeys;
    if (!m || !keys) return undefined;
    let n = keys.get(m.id);
    if (n === undefined) keys.set(m.id, (n = keys.size + 1));
    return ((FILE_FUTEX_BASE + BigInt(n)) << 64n) + m.offset + BigInt(a - m.start);
  }

  private idOf(file: OpenFile): string | undefined {
    try {
      const st = this.g.wasi.fdFilestat(file.wasiFd);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  }

  /** Writes the mapped bytes of [start, end) back to their files (msync). */
  sync(start: number, end: number): void {
    for (const m of this.maps) {
      const s = Math.max(start, m.start), e = Math.min(end, m.end);
      if (s < e) this.writeBack(m, s, e);
    }
  }

  /** Writes back, then stops tracking, [start, end): it is being unmapped or replaced. */
  unmap(start: number, end: number): void {
    this.sync(start, end);
    const ids = new Set(this.maps.map((m) => m.id));
    this.forget(start, end);
    // a file it no longer maps: current now if it held it
    for (const id of ids) if (!this.maps.some((m) => m.id === id) && this.holders?.get(id) === this) this.holders.delete(id);
  }

  /** Process exit: every mapping is written back and its file let go. */
  unmapAll(): void {
    this.unmap(0, Number.MAX_SAFE_INTEGER);
  }

  private forget(start: number, end: number): void {
    const kept: SharedMapping[] = [];
    for (const m of this.maps) {
      if (m.end <= start || m.start >= end) {
        kept.push(m);
        continue;
      }
      // the parts outside [start, end) stay mapped, each holding the file
      if (m.start < start) kept.push({ ...m, end: start });
      if (m.end > end) kept.push({ ...m, start: end, offset: m.offset + BigInt(end - m.start) });
      const pieces = (m.start < start ? 1 : 0) + (m.end > end ? 1 : 0);
      for (let i = 0; i < pieces; i++) this.g.fds.hold(m.file);
      this.g.fds.drop(m.file);
    }
    this.maps = kept;
  }

  /** Linux writes back whole pages but never past the end of the file. Only pages that are
   *  current: a process that is not the holder (one ending while another runs) has stale ones. */
  private writeBack(m: SharedMapping, s: number, e: number): void {
    if (!m.writable || !this.holds(m.id)) return;
    const g = this.g;
    const at = m.offset + BigInt(s - m.start);
    try {
      const size = g.wasi.fdFilestat(m.file.wasiFd).size;
      const n = Math.min(e - s, Number(size > at ? size - at : 0n));
      for (let done = 0; done < n;) {
        const w = g.wasi.pwrite(m.file.wasiFd, g.mem, [[s + done, n - done]], at + BigInt(done));
        if (w === 0) break;
        done += w;
      }
    } catch (err) {
      // as the kernel's writeback: an I/O error is not the guest's instruction to fail
      g.log(`MAP_SHARED write-back to ${m.file.path || `fd ${m.file.wasiFd}`} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
