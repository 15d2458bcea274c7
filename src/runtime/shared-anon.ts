// MAP_SHARED|MAP_ANONYMOUS memory between processes (a fork's parent and child). Each process has
// a Wasm memory of its own, so a shared segment is a range that each process sharing it maps (a
// fork child at the parent's address). The kernel runs one process at a time, which keeps them
// coherent cheaply: the segment's bytes are in the memory of the process that last ran with it
// mapped (its holder), and before a process runs (Kernel.slice) it takes the bytes of each segment
// it maps from the holder, and becomes the holder. Futexes in a segment are keyed by segment and
// offset (futexKey), so a wake in one process reaches a waiter in another (pshared mutexes,
// semaphores, barriers). A System V shared memory segment (sysv-ipc.ts) is such a segment that
// outlives its mappings: it keeps its bytes while no process has it attached.

export class Segment {
  private static count = 0;
  readonly id = ++Segment.count;
  /** the bytes while no process holds them (made only then: a segment never shared costs nothing) */
  bytes?: Uint8Array;
  /** the process whose memory has the current bytes */
  holder?: SharedAnon;
  /** the processes that map it */
  readonly users = new Set<SharedAnon>();

  /** `keep`: the bytes outlive the last mapping (shmget's); `unused` is told when no process maps it any more */
  constructor(readonly size: number, readonly keep = false, readonly unused?: () => void) {}
}

interface Mapping { start: number; end: number; seg: Segment; offset: number }

export class SharedAnon {
  private maps: Mapping[] = [];

  constructor(private readonly memory: WebAssembly.Memory) {}

  /** a new shared anonymous mapping at [start, end) (the memory there is zero) */
  add(start: number, end: number): void {
    const seg = new Segment(end - start);
    seg.holder = this;
    seg.users.add(this);
    this.maps.push({ start, end, seg, offset: 0 });
  }

  /** `seg` mapped at [start, end) by the running process (shmat): its bytes come here now */
  attach(start: number, end: number, seg: Segment): void {
    seg.users.add(this);
    this.maps.push({ start, end, seg, offset: 0 });
    this.enter();
  }

  /** how many of this process's mappings are of `seg` (shm_nattch counts them) */
  mappingsOf(seg: Segment): number {
    return this.maps.filter((m) => m.seg === seg).length;
  }

  /** the segment mapped from its start at `start` (shmdt), if any */
  segmentAt(start: number): { seg: Segment; end: number } | undefined {
    const m = this.maps.find((x) => x.start === start && x.offset === 0);
    return m && { seg: m.seg, end: m.start + m.seg.size };
  }

  /** a fork child's: the parent's mappings of the same segments (its memory is a copy of the parent's) */
  adopt(parent: SharedAnon): void {
    this.maps = parent.maps.map((m) => ({ ...m }));
    for (const m of this.maps) m.seg.users.add(this);
  }

  /** before this process runs: each segment's bytes from the process that ran with it last */
  enter(): void {
    for (const m of this.maps) {
      const seg = m.seg;
      if (seg.holder === this) continue;
      seg.holder?.release(seg);
      // (no bytes: nobody has written it yet, and the mapping is zero)
      if (seg.bytes) new Uint8Array(this.memory.buffer).set(seg.bytes.subarray(m.offset, m.offset + m.end - m.start), m.start);
      seg.holder = this;
    }
  }

  /** [start, end) is unmapped or mapped over: the segments there keep their bytes for the other processes */
  unmap(start: number, end: number): void {
    const kept: Mapping[] = [], touched = new Set<Segment>();
    for (const m of this.maps) {
      if (m.end <= start || m.start >= end) {
        kept.push(m);
        continue;
      }
      touched.add(m.seg);
      if (m.start < start) kept.push({ ...m, end: start });
      if (m.end > end) kept.push({ ...m, start: end, offset: m.offset + (end - m.start) });
    }
    const held = [...touched].filter((seg) => seg.holder === this);
    // while all of its mappings are there: the others get the bytes of the part unmapped too
    for (const seg of held) this.release(seg);
    this.maps = kept;
    for (const seg of touched) {
      if (kept.some((m) => m.seg === seg)) {
        // it runs (this is its syscall): the rest of its memory is current
        if (held.includes(seg)) seg.holder = this;
        continue;
      }
      seg.users.delete(this);
      if (seg.holder === this) seg.holder = undefined; // nobody else maps it
      if (seg.users.size === 0) seg.unused?.();
    }
  }

  /** the process ends or execs */
  unmapAll(): void {
    this.unmap(0, 2 ** 32);
  }

  /** a futex key for a shared address (beyond 2^64, so apart from every guest address), or undefined */
  futexKey(addr: bigint): bigint | undefined {
    const a = Number(addr);
    const m = this.maps.find((x) => a >= x.start && a < x.end);
    return m && (BigInt(m.seg.id) << 64n) + BigInt(m.offset + (a - m.start));
  }

  /** this process's bytes of `seg` go to the segment, which it no longer holds; unless no other process maps it */
  private release(seg: Segment): void {
    if (!seg.keep && ![...seg.users].some((u) => u !== this)) return;
    const mem = new Uint8Array(this.memory.buffer), bytes = (seg.bytes ??= new Uint8Array(seg.size));
    for (const m of this.maps) if (m.seg === seg) bytes.set(mem.subarray(m.start, m.end), m.offset);
    seg.holder = undefined;
  }
}
