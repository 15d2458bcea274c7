// The runtime side of memory protection: the page table translated code checks every guest
// load and store against (src/abi.ts). The address space rewrites the bytes of every range whose
// mappings change, so the table always says what is mapped and how.
import { PAGE_DENIED, PAGE_SHIFT, PAGE_TABLE_WRITE } from '../abi.ts';

export class PageTable {
  constructor(private readonly memory: WebAssembly.Memory, readonly base: number) {}

  /**
   * what translated code may do in [start, end) (page-aligned addresses), from a mapping's PROT_*
   * (READ 1, WRITE 2, EXEC 4; on arm64 write and exec imply read), 0 where nothing is mapped
   */
  set(start: number, end: number, prot: number): void {
    if (end <= start) return;
    const bytes = new Uint8Array(this.memory.buffer), from = this.base + (start >>> PAGE_SHIFT), to = this.base + Math.ceil(end / 2 ** PAGE_SHIFT);
    bytes.fill(prot & 7 ? 0 : PAGE_DENIED, from, to);
    bytes.fill(prot & 2 ? 0 : PAGE_DENIED, from + PAGE_TABLE_WRITE, to + PAGE_TABLE_WRITE);
  }
}
