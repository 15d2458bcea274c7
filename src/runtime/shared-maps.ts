// MAP_SHARED file mappings. Guest memory is one Wasm memory, so a shared mapping is a copy of the
// file's bytes like a private one; what makes it shared is that its pages are written back to the
// file: on msync, when the range is unmapped or mapped over, and when the process ends (Linux's
// page cache makes every write visible at once; a guest can only tell the difference by reading
// the file through another fd before any of these). Each mapping holds its open file, as a VMA
// does, so closing the fd after mmap is fine.
import type { OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';

interface SharedMapping {
  start: number;
  end: number;
  file: OpenFile;
  /** file offset of `start` */
  offset: bigint;
}

export class SharedFileMaps {
  private maps: SharedMapping[] = [];

  constructor(private readonly g: Guest) {}

  add(start: number, end: number, file: OpenFile, offset: bigint): void {
    this.forget(start, end); // callers unmap first; this only keeps the list consistent
    this.g.fds.hold(file);
    this.maps.push({ start, end, file, offset });
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
    this.forget(start, end);
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

  /** Linux writes back whole pages but never past the end of the file. */
  private writeBack(m: SharedMapping, s: number, e: number): void {
    const g = this.g;
    const at = m.offset + BigInt(s - m.start);
    try {
      const size = g.wasi.fdFilestat(m.file.wasiFd).size;
      const n = Math.min(e - s, Number(size > at ? size - at : 0n));
      for (let done = 0; done < n;) {
        const w = g.wasi.pwrite(m.file.wasiFd, [[s + done, n - done]], at + BigInt(done));
        if (w === 0) break;
        done += w;
      }
    } catch (err) {
      // as the kernel's writeback: an I/O error is not the guest's instruction to fail
      g.log(`MAP_SHARED write-back to ${m.file.path || `fd ${m.file.wasiFd}`} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
