// The runtime side of memory protection: the page table translated code checks every guest
// load and store against (src/abi.ts). The address space rewrites the bytes of every range whose
// mappings change, so the table always says what is mapped and how.
import { PAGE_READ, PAGE_SHIFT, PAGE_WRITE } from '../abi.ts';

/** what a mapping's PROT_* (READ 1, WRITE 2, EXEC 4) lets translated code do: on arm64 write and exec imply read */
export const pageBits = (prot: number): number => (prot & 7 ? PAGE_READ : 0) | (prot & 2 ? PAGE_WRITE : 0);

export class PageTable {
  constructor(private readonly memory: WebAssembly.Memory, readonly base: number) {}

  /** sets the bits of every page in [start, end) (page-aligned addresses) */
  set(start: number, end: number, bits: number): void {
    if (end <= start) return;
    new Uint8Array(this.memory.buffer).fill(bits, this.base + (start >>> PAGE_SHIFT), this.base + Math.ceil(end / 2 ** PAGE_SHIFT));
  }
}
