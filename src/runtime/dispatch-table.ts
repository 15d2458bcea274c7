// The runtime's side of a program module's dispatch table (layout in src/abi.ts): code lifted at
// run time adds entries, invalidated code removes them, and the table moves to a bigger place
// in guest memory when it passes half full (the module's `lookup` reads its place from globals).
import { DISPATCH_SLOT, dispatchHash } from '../abi.ts';

export interface DispatchEntry { pc: number; fn: number; entry: number }

export class DispatchTable {
  private count: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly base: WebAssembly.Global,
    private readonly bits: WebAssembly.Global,
    private readonly alignLog2: number,
    /** reserves `bytes` of guest memory the guest will not use, for a grown table */
    private readonly allocate: (bytes: number) => number,
  ) {
    this.count = 0;
    this.forEachSlot((pc) => { if (pc) this.count++; });
  }

  private get view(): DataView { return new DataView(this.memory.buffer); }
  private get size(): number { return 1 << (this.bits.value as number); }
  private slotAddr(i: number): number { return (this.base.value as number) + i * DISPATCH_SLOT; }

  private forEachSlot(f: (pc: number, i: number) => void): void {
    const dv = this.view;
    for (let i = 0; i < this.size; i++) f(dv.getUint32(this.slotAddr(i), true), i);
  }

  /** the slot index holding `pc`, or -1 */
  private find(pc: number): number {
    const dv = this.view, mask = this.size - 1;
    for (let i = dispatchHash(pc, this.bits.value as number, this.alignLog2); ; i = (i + 1) & mask) {
      const at = dv.getUint32(this.slotAddr(i), true);
      if (at === pc) return i;
      if (at === 0) return -1;
    }
  }

  has(pc: number): boolean { return this.find(pc) >= 0; }

  get(pc: number): DispatchEntry | undefined {
    const i = this.find(pc);
    if (i < 0) return undefined;
    const dv = this.view, a = this.slotAddr(i);
    return { pc, fn: dv.getUint32(a + 4, true), entry: dv.getUint32(a + 8, true) };
  }

  /** adds or replaces the entry for `e.pc` */
  set(e: DispatchEntry): void {
    if (this.find(e.pc) < 0 && (this.count + 1) * 2 > this.size) this.grow();
    this.place(e);
  }

  private place(e: DispatchEntry): void {
    const dv = this.view, mask = this.size - 1;
    let i = dispatchHash(e.pc, this.bits.value as number, this.alignLog2);
    for (;;) {
      const at = dv.getUint32(this.slotAddr(i), true);
      if (at === e.pc || at === 0) break;
      i = (i + 1) & mask;
    }
    const a = this.slotAddr(i);
    if (dv.getUint32(a, true) === 0) this.count++;
    dv.setUint32(a, e.pc, true);
    dv.setUint32(a + 4, e.fn, true);
    dv.setUint32(a + 8, e.entry, true);
  }

  /** removes every entry */
  clear(): void {
    new Uint8Array(this.memory.buffer).fill(0, this.slotAddr(0), this.slotAddr(this.size));
    this.count = 0;
  }

  /** removes the entry for `pc` (backward-shift deletion keeps every probe sequence intact) */
  delete(pc: number): void {
    let hole = this.find(pc);
    if (hole < 0) return;
    const dv = this.view, mask = this.size - 1, bits = this.bits.value as number;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const at = dv.getUint32(this.slotAddr(j), true);
      if (at === 0) break;
      const home = dispatchHash(at, bits, this.alignLog2);
      // the entry at j may move into the hole unless its home lies cyclically in (hole, j]
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (between) continue;
      new Uint8Array(this.memory.buffer).copyWithin(this.slotAddr(hole), this.slotAddr(j), this.slotAddr(j) + DISPATCH_SLOT);
      hole = j;
    }
    new Uint8Array(this.memory.buffer).fill(0, this.slotAddr(hole), this.slotAddr(hole) + DISPATCH_SLOT);
    this.count--;
  }

  private grow(): void {
    const entries: DispatchEntry[] = [];
    const dv = this.view;
    this.forEachSlot((pc, i) => {
      if (pc) entries.push({ pc, fn: dv.getUint32(this.slotAddr(i) + 4, true), entry: dv.getUint32(this.slotAddr(i) + 8, true) });
    });
    const bits = (this.bits.value as number) + 2;
    const base = this.allocate(DISPATCH_SLOT << bits);
    new Uint8Array(this.memory.buffer).fill(0, base, base + (DISPATCH_SLOT << bits));
    this.base.value = base;
    this.bits.value = bits;
    this.count = 0;
    for (const e of entries) this.place(e);
  }
}
