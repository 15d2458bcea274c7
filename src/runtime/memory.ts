// The guest address space over the module's WebAssembly.Memory (guest address == Wasm address).
// Layout: [low runtime area + image + translator-private data][guard][stack, 8 MiB, grows down]
// [brk heap →][gap][mmap regions, placed first-fit above the heap]. Wasm memory can only grow at
// its end, so the memory is grown lazily to cover whatever is handed out and nothing more.
import { E, fail } from './errno.ts';
import { ADDR_LIMIT, MIN_GUEST_ADDR, PAGE_SIZE, STACK_GUARD, WASM_PAGE } from './layout.ts';
import { PageTable } from './page-table.ts';
import { zeroFill } from './zero-fill.ts';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_FIXED_NOREPLACE = 0x100000;
export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MADV_DONTNEED = 4;

const DEFAULT_STACK = 8 * 1024 * 1024;
/** the most memory.grow adds beyond what is asked (see AddressSpace.ensure) */
const GROW_SLACK = 64 * 1024 * 1024;
/** mappings at least this large are placed in memory never used when there is room (see place) */
const LARGE_MAP = 16 * 1024 * 1024;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  flags: number;
  name: string;
}

export interface AddressSpaceOptions {
  stackSize?: number;
  /** Address space left free above the break before the first mmap region, so that brk can grow
   *  a little after an mmap. Beyond it brk fails and glibc falls back to mmap. */
  mmapGap?: number;
  /**
   * The executable's PT_LOAD segments [start, end, PROT_*] and where its translator-private data
   * begins: with them the image is mapped segment by segment with its own protections, and the
   * runtime's areas (below MIN_GUEST_ADDR, from privateStart to privateEnd) are no guest's memory.
   */
  image?: { segments: [number, number, number][]; privateStart: number };
  /** guest address of the module's page table: kept equal to the mappings (memory protection) */
  pageTable?: number;
  /** guest addresses below it are the runtime's (TranslationMeta.lowEnd; default MIN_GUEST_ADDR) */
  lowEnd?: number;
}

/** mappings of the runtime's own data: never accessible to guest code, never changed by it */
export const RUNTIME_AREA = '[elf2wasm]';

export const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const wasmPageUp = (n: number): number => Math.ceil(n / WASM_PAGE) * WASM_PAGE;

export class AddressSpace {
  /** called before pages are unmapped, replaced or change protection (code there may be stale) */
  onChange?: (start: number, end: number) => void;
  readonly memory: WebAssembly.Memory;
  readonly stackLow: number;
  readonly stackTop: number;
  /** the page right above the stack that holds the signal return trampoline (signal-frame.ts), as qemu-user maps it */
  readonly sigtramp: number;
  readonly brkStart: number;
  private brkCur: number;
  private readonly mmapGap: number;
  private readonly privateEnd: number;
  /** Sorted, non-overlapping mappings (excluding the brk heap, tracked by brkStart/brkCur). */
  private readonly maps: Vma[] = [];
  /** Memory at or above this address has never been handed out, so it is still zero from
   *  memory.grow and needs no clearing (clearing would also commit host pages needlessly). */
  private cleanAbove: number;
  private pages?: PageTable;
  /** the runtime's low area [0, lowEnd): no guest mapping goes there */
  readonly lowEnd: number;
  /** how much of the low area the runtime has used (the rest is zero: a fork does not copy it) */
  lowUsed: number;
  /** where the low area's room for the runtime's dispatch tables ends (a page table may lie above) */
  readonly lowRoom: number;

  constructor(memory: WebAssembly.Memory, privateEnd: number, opts: AddressSpaceOptions = {}) {
    this.memory = memory;
    this.lowEnd = opts.lowEnd ?? MIN_GUEST_ADDR;
    this.lowUsed = this.lowRoom = this.lowEnd;
    this.privateEnd = wasmPageUp(privateEnd);
    const stackSize = pageUp(opts.stackSize ?? DEFAULT_STACK);
    this.mmapGap = pageUp(opts.mmapGap ?? 1024 * 1024);
    // STACK_GUARD of guard (mapped without access) between the private data and the lowest stack address.
    this.stackLow = this.privateEnd + STACK_GUARD;
    this.stackTop = this.stackLow + stackSize;
    this.sigtramp = this.stackTop;
    // the break where memory.grow leaves off: the sizes the heap and mappings grow memory to stay whole Wasm pages
    this.brkStart = this.sigtramp + WASM_PAGE;
    this.brkCur = this.brkStart;
    if (opts.image) {
      // a page table in the low area is a mapping of its own, which a fork copies whole (usedRanges)
      const table = opts.pageTable && opts.pageTable < this.lowEnd ? opts.pageTable : this.lowEnd;
      this.maps.push({ start: 0, end: table, prot: 0, flags: MAP_PRIVATE, name: RUNTIME_AREA });
      if (table < this.lowEnd) this.maps.push({ start: table, end: this.lowEnd, prot: 0, flags: MAP_PRIVATE, name: RUNTIME_AREA });
      this.lowRoom = table;
      // page-rounded as the kernel maps them; a page two segments share goes to the later one
      for (const [start, end, prot] of opts.image.segments) {
        const s = Math.floor(start / PAGE_SIZE) * PAGE_SIZE;
        this.remove(s, pageUp(end));
        this.insert({ start: s, end: pageUp(end), prot, flags: MAP_PRIVATE, name: '[image]' });
      }
      if (this.privateEnd > opts.image.privateStart) this.insert({ start: opts.image.privateStart, end: this.privateEnd, prot: 0, flags: MAP_PRIVATE, name: RUNTIME_AREA });
    } else {
      this.maps.push({ start: 0, end: this.privateEnd, prot: 7, flags: MAP_PRIVATE, name: '[image]' });
    }
    // the guard under the stack: mapped without access, as qemu-user maps it (faults there are SEGV_ACCERR)
    if (opts.image) this.maps.push({ start: this.privateEnd, end: this.stackLow, prot: 0, flags: MAP_PRIVATE | MAP_ANONYMOUS, name: '' });
    this.maps.push({ start: this.stackLow, end: this.stackTop, prot: 3, flags: MAP_PRIVATE | MAP_ANONYMOUS, name: '[stack]' });
    this.maps.push({ start: this.sigtramp, end: this.sigtramp + PAGE_SIZE, prot: PROT_READ | PROT_EXEC, flags: MAP_PRIVATE | MAP_ANONYMOUS, name: '' });
    if (!this.ensure(this.brkStart)) throw new RangeError('cannot grow memory for the guest stack');
    this.cleanAbove = this.brkStart;
    if (opts.pageTable) {
      this.pages = new PageTable(memory, opts.pageTable);
      this.sync(0, ADDR_LIMIT);
    }
  }

  /**
   * Keeps a page table at `base` (a RUNTIME_AREA mapping) from now on: a process whose module
   * checks nothing starts running checked code (RuntimeCode.checkFaults).
   */
  usePageTable(base: number): void {
    this.pages = new PageTable(this.memory, base);
    this.sync(0, ADDR_LIMIT);
  }

  /** rewrites the page table for [start, end) from the mappings and the heap */
  private sync(start: number, end: number): void {
    const pt = this.pages;
    if (!pt) return;
    start = Math.floor(start / PAGE_SIZE) * PAGE_SIZE;
    end = Math.min(pageUp(end), ADDR_LIMIT);
    pt.set(start, end, 0);
    for (const m of this.maps) if (m.end > start && m.start < end) pt.set(Math.max(m.start, start), Math.min(m.end, end), m.prot);
    const heapEnd = this.heapEnd();
    if (heapEnd > start && this.brkStart < end) pt.set(Math.max(this.brkStart, start), Math.min(heapEnd, end), PROT_READ | PROT_WRITE);
  }

  /** whether [start, end) touches the runtime's own data (guest mapping calls must leave it alone) */
  private runtimeArea(start: number, end: number): boolean {
    return start < this.lowEnd || this.maps.some((m) => m.name === RUNTIME_AREA && m.start < end && m.end > start);
  }

  /** a forked process's address space: the parent's mappings and break (the memory is copied by the caller) */
  adopt(parent: AddressSpace): void {
    this.maps.splice(0, this.maps.length, ...parent.maps.map((m) => ({ ...m })));
    // a table the parent started keeping (RuntimeCode.checkFaults) was copied with the memory; one
    // of the module's was written by this constructor from the image's layout: the parent's mappings now
    if (parent.pages && !this.pages) this.pages = new PageTable(this.memory, parent.pages.base);
    this.brkCur = parent.brkCur;
    this.cleanAbove = parent.cleanAbove;
    this.lowUsed = parent.lowUsed;
    this.sync(0, ADDR_LIMIT);
  }

  get brk(): number {
    return this.brkCur;
  }
  get size(): number {
    return this.memory.buffer.byteLength;
  }
  /**
   * [start, end) ranges that may hold anything (mappings, the brk heap), sorted: what a fork
   * copies. Not the stack's guard while it is one (never accessible), nor the low area's unused part.
   */
  usedRanges(): [number, number][] {
    const ranges: [number, number][] = this.maps
      .filter((m) => !(m.start === this.privateEnd && m.end === this.stackLow && m.prot === 0))
      .map((m) => [m.start, m.start === 0 && m.name === RUNTIME_AREA ? Math.min(m.end, this.lowUsed) : m.end]);
    if (this.heapEnd() > this.brkStart) ranges.push([this.brkStart, this.heapEnd()]);
    return ranges.sort((a, b) => a[0] - b[0]);
  }

  /** A copy of the mapping list (for tests and diagnostics). */
  mappings(): Vma[] {
    return this.maps.map((m) => ({ ...m }));
  }

  /**
   * Grows the Wasm memory so that [0, end) is addressable; false if it cannot. It grows by a
   * quarter of its size at least (at most GROW_SLACK more than asked): every memory.grow costs V8
   * a garbage collection, and a program mapping 3 GB in 1 MiB pieces spent 8 of its 9.5 s in them.
   * The slack stays small because, without memory protection, only an access beyond the end of
   * the memory faults: past the highest mapping by less than the slack, a stray access goes unseen.
   */
  ensure(end: number): boolean {
    const cur = this.memory.buffer.byteLength;
    if (end <= cur) return true;
    if (end > ADDR_LIMIT) return false;
    const roomy = Math.min(ADDR_LIMIT, Math.max(end, cur + Math.min(cur / 4, GROW_SLACK)));
    for (const target of [roomy, end]) {
      try {
        this.memory.grow(Math.ceil((target - cur) / WASM_PAGE));
        return true;
      } catch {
        // the roomy size may exceed what the host gives: then exactly what was asked
      }
    }
    return false;
  }

  /** Makes [start, end) read as zero: only the part that may have been used before. */
  private clear(start: number, end: number): void {
    const dirtyEnd = Math.min(end, this.cleanAbove);
    if (dirtyEnd > start) zeroFill(this.memory, start, dirtyEnd);
    if (end > this.cleanAbove) this.cleanAbove = end;
  }

  private heapEnd(): number {
    return pageUp(this.brkCur);
  }

  /** True if [start, end) overlaps no mapping and not the heap. */
  private isFree(start: number, end: number): boolean {
    if (end > ADDR_LIMIT) return false;
    if (start < this.heapEnd() && end > this.brkStart) return false;
    return !this.maps.some((m) => m.start < end && m.end > start);
  }

  /** brk(2): returns the new break, or the old one if the request is refused. */
  setBrk(addr: number): number {
    if (addr < this.brkStart || addr >= ADDR_LIMIT) return this.brkCur;
    const oldTop = this.heapEnd();
    const newTop = pageUp(addr);
    if (newTop > oldTop) {
      if (this.maps.some((m) => m.start < newTop && m.end > oldTop)) return this.brkCur;
      if (!this.ensure(newTop)) return this.brkCur;
      // Pages released by an earlier shrink come back zeroed, as on Linux.
      this.clear(oldTop, newTop);
    }
    this.brkCur = addr;
    this.sync(Math.min(oldTop, newTop), Math.max(oldTop, newTop));
    return addr;
  }

  /** Lowest free range of `len` bytes above the heap (plus gap): first fit, else at the top. */
  private place(len: number): number {
    let cand = Math.max(this.heapEnd(), this.brkStart) + this.mmapGap;
    for (const m of this.maps) {
      if (m.end <= cand) continue;
      if (m.start >= cand + len) break;
      cand = m.end;
    }
    // a large mapping goes to memory never handed out rather than into a hole it would have to
    // zero-fill (which also commits every host page of it): a program mapping, unmapping and
    // mapping 1 GB again took 1.8 s per round and 1.2 GB of RSS for the fill
    const fresh = pageUp(this.cleanAbove);
    if (len >= LARGE_MAP && cand < this.cleanAbove && fresh > cand && fresh + len <= ADDR_LIMIT) return fresh;
    if (cand + len > ADDR_LIMIT) fail(E.ENOMEM);
    return cand;
  }

  /** Removes [start, end) from the mapping list, splitting mappings that straddle it. */
  private remove(start: number, end: number): void {
    this.onChange?.(start, end);
    for (let i = 0; i < this.maps.length; i++) {
      const m = this.maps[i]!;
      if (m.end <= start || m.start >= end) continue;
      const parts: Vma[] = [];
      if (m.start < start) parts.push({ ...m, end: start });
      if (m.end > end) parts.push({ ...m, start: end });
      this.maps.splice(i, 1, ...parts);
      i += parts.length - 1;
    }
  }

  /** Inserts a mapping (the range must be free) and merges it with equal neighbours. */
  private insert(vma: Vma): void {
    let i = 0;
    while (i < this.maps.length && this.maps[i]!.start < vma.start) i++;
    this.maps.splice(i, 0, vma);
    const same = (a: Vma, b: Vma): boolean => a.end === b.start && a.prot === b.prot && a.flags === b.flags && a.name === b.name;
    const next = this.maps[i + 1];
    if (next && same(vma, next)) {
      vma.end = next.end;
      this.maps.splice(i + 1, 1);
    }
    const prev = this.maps[i - 1];
    if (prev && same(prev, vma)) {
      prev.end = vma.end;
      this.maps.splice(i, 1);
    }
  }

  /** the protection of the page holding `addr` (PROT_*), undefined where the guest has nothing mapped */
  protectionAt(addr: number): number | undefined {
    for (const m of this.maps) if (addr >= m.start && addr < m.end) return m.name === RUNTIME_AREA ? undefined : m.prot;
    if (addr >= this.brkStart && addr < this.heapEnd()) return PROT_READ | PROT_WRITE;
    return undefined;
  }

  /** whether the guest may write all of [start, end) */
  writable(start: number, end: number): boolean {
    for (let a = Math.floor(start / PAGE_SIZE) * PAGE_SIZE; a < end; a += PAGE_SIZE) if (!((this.protectionAt(a) ?? 0) & PROT_WRITE)) return false;
    return true;
  }

  /** The first mapping of [start, end) if the range is entirely mapped (possibly by several). */
  private mappedAt(start: number, end: number): Vma | undefined {
    let first: Vma | undefined;
    let at = start;
    for (const m of this.maps) {
      if (m.end <= at) continue;
      if (m.start > at) return undefined;
      first ??= m;
      at = m.end;
      if (at >= end) return first;
    }
    return undefined;
  }

  /** mmap(2) of anonymous zeroed memory (file content, if any, is filled in by the caller).
   *  Returns the address; throws Errno. */
  mmap(addr: number, length: number, prot: number, flags: number, name = ''): number {
    if (length <= 0 || length > ADDR_LIMIT) fail(E.EINVAL);
    const len = pageUp(length);
    let start: number;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
      if (addr % PAGE_SIZE !== 0) fail(E.EINVAL);
      // Like Linux's mmap_min_addr; here the low 64 KiB also holds the CPU state and scratch.
      if (addr < MIN_GUEST_ADDR) fail(E.EPERM);
      if (addr + len > ADDR_LIMIT || this.runtimeArea(addr, addr + len)) fail(E.ENOMEM);
      if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !this.isFree(addr, addr + len)) fail(E.EEXIST);
      start = addr;
      this.remove(start, start + len);
    } else if (addr !== 0 && addr % PAGE_SIZE === 0 && addr >= this.brkStart && addr + len <= this.size && this.isFree(addr, addr + len)) {
      // A hint is honoured only inside memory we already have, so it cannot force growth.
      start = addr;
    } else {
      start = this.place(len);
    }
    if (!this.ensure(start + len)) fail(E.ENOMEM);
    this.insert({ start, end: start + len, prot, flags, name });
    this.clear(start, start + len);
    this.sync(start, start + len);
    return start;
  }

  munmap(addr: number, length: number): void {
    if (addr % PAGE_SIZE !== 0 || length <= 0) fail(E.EINVAL);
    const end = addr + pageUp(length);
    if (end > ADDR_LIMIT || this.runtimeArea(addr, end)) fail(E.EINVAL);
    this.remove(addr, end);
    this.sync(addr, end);
  }

  /** mprotect(2): recorded, and enforced through the page table when the module has one (protect 'pages', 'full') */
  mprotect(addr: number, length: number, prot: number): void {
    if (addr % PAGE_SIZE !== 0) fail(E.EINVAL);
    const end = addr + pageUp(length);
    if (end > this.size || this.runtimeArea(addr, end)) fail(E.ENOMEM);
    this.onChange?.(addr, end);
    for (let i = 0; i < this.maps.length; i++) {
      const m = this.maps[i]!;
      if (m.end <= addr || m.start >= end || m.prot === prot) continue;
      const parts: Vma[] = [];
      if (m.start < addr) parts.push({ ...m, end: addr });
      parts.push({ ...m, start: Math.max(m.start, addr), end: Math.min(m.end, end), prot });
      if (m.end > end) parts.push({ ...m, start: end });
      this.maps.splice(i, 1, ...parts);
      i += parts.length - 1;
    }
    this.sync(addr, end);
  }

  mremap(oldAddr: number, oldLength: number, newLength: number, flags: number, newAddr: number): number {
    if (this.runtimeArea(oldAddr, oldAddr + pageUp(oldLength)) || (flags & MREMAP_FIXED && this.runtimeArea(newAddr, newAddr + pageUp(newLength)))) fail(E.EINVAL);
    const at = this.remap(oldAddr, oldLength, newLength, flags, newAddr);
    this.sync(oldAddr, oldAddr + pageUp(oldLength));
    this.sync(at, at + pageUp(newLength));
    return at;
  }

  private remap(oldAddr: number, oldLength: number, newLength: number, flags: number, newAddr: number): number {
    if (oldAddr % PAGE_SIZE !== 0 || newLength <= 0 || flags & ~7) fail(E.EINVAL);
    if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) fail(E.EINVAL);
    const oldLen = pageUp(oldLength);
    const newLen = pageUp(newLength);
    if (oldLen === 0) fail(E.EINVAL); // duplicating a shared mapping is not supported
    const found = this.mappedAt(oldAddr, oldAddr + oldLen);
    if (!found) fail(E.EFAULT);
    const vma = { ...found };
    const moveTo = (dst: number): number => {
      if (!this.ensure(dst + newLen)) fail(E.ENOMEM);
      this.clear(dst, dst + newLen);
      new Uint8Array(this.memory.buffer).copyWithin(dst, oldAddr, oldAddr + Math.min(oldLen, newLen));
      // The old range is unmapped before the new one is recorded: they never overlap, but the
      // merge in insert() must not see stale neighbours.
      this.remove(oldAddr, oldAddr + oldLen);
      this.insert({ ...vma, start: dst, end: dst + newLen });
      return dst;
    };
    if (flags & MREMAP_FIXED) {
      if (newAddr % PAGE_SIZE !== 0) fail(E.EINVAL);
      if (newAddr < this.lowEnd) fail(E.EPERM);
      if (newAddr < oldAddr + oldLen && newAddr + newLen > oldAddr) fail(E.EINVAL);
      this.remove(newAddr, newAddr + newLen);
      return moveTo(newAddr);
    }
    if (newLen <= oldLen) {
      this.remove(oldAddr + newLen, oldAddr + oldLen);
      return oldAddr;
    }
    const tail = oldAddr + oldLen;
    if (this.isFree(tail, oldAddr + newLen) && this.ensure(oldAddr + newLen)) {
      this.insert({ ...vma, start: tail, end: oldAddr + newLen });
      this.clear(tail, oldAddr + newLen);
      return oldAddr;
    }
    if (!(flags & MREMAP_MAYMOVE)) fail(E.ENOMEM);
    return moveTo(this.place(newLen));
  }

  /** madvise(2): MADV_DONTNEED discards (zero-fills) anonymous memory; other advice is a no-op. */
  madvise(addr: number, length: number, advice: number): void {
    if (addr % PAGE_SIZE !== 0 || length < 0) fail(E.EINVAL);
    if (advice !== MADV_DONTNEED) return;
    const end = Math.min(addr + pageUp(length), this.size, this.cleanAbove);
    // Never clear the image: Linux would re-read its file content, which we cannot.
    const start = Math.max(addr, this.privateEnd);
    if (end <= start) return;
    // nor the runtime's own mappings (a grown dispatch table, a page table): the guest has none there
    let at = start;
    for (const m of this.maps) {
      if (m.name !== RUNTIME_AREA || m.end <= at || m.start >= end) continue;
      if (m.start > at) zeroFill(this.memory, at, m.start);
      at = m.end;
    }
    if (end > at) zeroFill(this.memory, at, end);
  }
}
