// Reading an image's memory as loaded, from its PT_LOAD segments: shared by the parsed file
// (parse.ts) and the views derived from it (an image at a load bias, several images together).
import type { ElfImage, ElfSegment, ElfSymbol } from './parse.ts';

const SHN_UNDEF = 0, SHN_ABS = 0xfff1;

export type SegmentAccess = Pick<ElfImage, 'imageStart' | 'imageEnd' | 'read' | 'readU32' | 'readU64' | 'isCode' | 'symbolize'>;

/** Binary search over sorted, non-overlapping segments. */
export function segmentFinder(segments: readonly ElfSegment[]): (addr: number) => ElfSegment | undefined {
  return (addr) => {
    if (!Number.isInteger(addr)) return undefined;
    let lo = 0, hi = segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = segments[mid]!;
      if (addr < s.vaddr) hi = mid - 1;
      else if (addr >= s.vaddr + s.memsz) lo = mid + 1;
      else return s;
    }
    return undefined;
  };
}

/** `segments` sorted by vaddr and non-overlapping, at least one */
export function segmentAccess(segments: readonly ElfSegment[], symbols: readonly ElfSymbol[]): SegmentAccess {
  const findSegment = segmentFinder(segments);
  const imageStart = segments[0]!.vaddr;
  const last = segments[segments.length - 1]!;
  const imageEnd = last.vaddr + last.memsz;
  const views = new Map<ElfSegment, DataView>();
  const viewOf = (s: ElfSegment) => {
    let v = views.get(s);
    if (!v) views.set(s, (v = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength)));
    return v;
  };

  const read = (addr: number, len: number): Uint8Array | undefined => {
    // Longer than the image cannot be fully loaded; checking first avoids a huge allocation.
    if (!Number.isInteger(len) || len < 0 || len > imageEnd - imageStart) return undefined;
    const out = new Uint8Array(len);
    for (let pos = 0; pos < len;) {
      const a = addr + pos;
      const s = findSegment(a);
      if (!s) return undefined;
      const at = a - s.vaddr;
      const n = Math.min(len - pos, s.memsz - at);
      const fromFile = Math.min(n, s.filesz - at);
      if (fromFile > 0) out.set(s.data.subarray(at, at + fromFile), pos);
      pos += n; // the rest stays zero: it is .bss
    }
    return out;
  };
  // The lifter reads every instruction through readU32, so the common case (inside a segment's
  // file bytes) reads them in place instead of allocating.
  const inFile = (addr: number, len: number): ElfSegment | undefined => {
    const s = findSegment(addr);
    return s && addr + len <= s.vaddr + s.filesz ? s : undefined;
  };
  let symbolIndex: SymbolIndex | undefined;
  return {
    imageStart,
    imageEnd,
    read,
    readU32(addr) {
      const s = inFile(addr, 4);
      if (s) return viewOf(s).getUint32(addr - s.vaddr, true);
      const b = read(addr, 4);
      return b && new DataView(b.buffer).getUint32(0, true);
    },
    readU64(addr) {
      const s = inFile(addr, 8);
      if (s) return viewOf(s).getBigUint64(addr - s.vaddr, true);
      const b = read(addr, 8);
      return b && new DataView(b.buffer).getBigUint64(0, true);
    },
    isCode(addr) {
      const s = findSegment(addr);
      return s !== undefined && (s.flags & 1) !== 0; // PF_X
    },
    symbolize(addr) {
      if (!findSegment(addr)) return undefined;
      symbolIndex ??= new SymbolIndex(symbols);
      return symbolIndex.lookup(addr);
    },
  };
}

/** whether a symbol names a place in its own image (not an undefined import, not an absolute value) */
export const definedSymbol = (s: ElfSymbol): boolean => s.shndx !== SHN_UNDEF && s.shndx !== SHN_ABS;

/** Symbols sorted by address, one per address, for symbolize(). */
class SymbolIndex {
  private readonly values: number[] = [];
  private readonly names: string[] = [];

  constructor(symbols: readonly ElfSymbol[]) {
    const rank = (s: ElfSymbol) =>
      (s.type === 'func' || s.type === 'ifunc' ? 0 : s.type === 'notype' ? 1 : 2) * 3 +
      (s.bind === 'global' ? 0 : s.bind === 'weak' ? 1 : 2);
    const useful = symbols.filter((s) =>
      s.name !== '' &&
      !s.name.startsWith('$') && // AArch64 mapping symbols ($x, $d) mark code/data, they are not names
      (s.type === 'func' || s.type === 'ifunc' || s.type === 'notype' || s.type === 'object') &&
      definedSymbol(s));
    useful.sort((a, b) => a.value - b.value || rank(a) - rank(b));
    for (const s of useful) {
      if (this.values[this.values.length - 1] === s.value) continue; // keep the best-ranked alias
      this.values.push(s.value);
      this.names.push(s.name);
    }
  }

  lookup(addr: number): { name: string; offset: number } | undefined {
    let lo = 0, hi = this.values.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid]! <= addr) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found < 0 ? undefined : { name: this.names[found]!, offset: addr - this.values[found]! };
  }
}

