// A position-independent image (ET_DYN: PIE, static-pie, ld.so, a shared library) as it is once
// loaded at a base: every address (segments, entry, symbols, sections, relocations) moved by the
// base, and the words its R_AARCH64_RELATIVE relocations name already holding base + addend, as
// the guest's loader will make them. Discovery then sees the code pointers in its data (function
// pointer tables, .init_array, vtables) as it does in a static executable's. The relocated bytes
// are also what the translated module loads: the loader writes the same values again.
import { ElfFormatError, hex } from './errors.ts';
import { definedSymbol, segmentAccess } from './image-view.ts';
import { MAX_VADDR_END, MIN_VADDR, type ElfImage, type ElfSection, type ElfSegment } from './parse.ts';

const SHF_ALLOC = 2;

export function atBase(image: ElfImage, base: number): ElfImage {
  if (base === 0) return image;
  if (image.type !== 'dyn') throw new Error(`internal error: a fixed-address executable cannot load at ${hex(base)}`);
  const segments = image.segments.map((s): ElfSegment => ({ ...s, vaddr: s.vaddr + base }));
  const first = segments[0]!, last = segments[segments.length - 1]!;
  if (first.vaddr < MIN_VADDR || last.vaddr + last.memsz > MAX_VADDR_END) {
    throw new ElfFormatError('bad-address', `image ${hex(first.vaddr)}-${hex(last.vaddr + last.memsz)} at base ${hex(base)} does not fit the guest's addresses ${hex(MIN_VADDR)}-${hex(MAX_VADDR_END)}`);
  }
  relocate(segments, image.relative, base);
  const symbols = image.symbols
    .filter(definedSymbol)
    .map((s) => (s.type === 'tls' ? s : { ...s, value: s.value + base }));
  const access = segmentAccess(segments, symbols);
  const sections = image.sections
    .filter((s) => s.name !== '.debug_frame') // its addresses are absolute link-time ones
    .map((s): ElfSection => {
      if (!(s.flags & SHF_ALLOC) || s.addr === 0) return s;
      const addr = s.addr + base;
      // loaded sections read as loaded (relocated .init_array, .data.rel.ro)
      const data = s.data.length ? access.read(addr, s.data.length) ?? s.data : s.data;
      return { ...s, addr, data };
    });
  const moved = <T extends { offset: number; addend: number }>(r: T): T => ({ ...r, offset: r.offset + base, addend: r.addend + base });
  return {
    ...image,
    ...access,
    entry: image.entry + base,
    phdrs: image.phdrs.map((p) => ({ ...p, vaddr: p.vaddr + base })),
    phdrAddr: image.phdrAddr + base,
    segments,
    tls: image.tls && { ...image.tls, vaddr: image.tls.vaddr + base },
    sections,
    symbols,
    irelative: image.irelative.map(moved),
    relative: image.relative.map(moved),
  };
}

/** writes base + addend at every RELATIVE relocation, in copies of the segments it touches */
function relocate(segments: ElfSegment[], relative: ElfImage['relative'], base: number): void {
  const copied = new Map<ElfSegment, DataView>();
  let i = 0;
  for (const r of relative) {
    const at = r.offset + base;
    // relocations come roughly sorted: try the last segment first
    if (!(at >= segments[i]!.vaddr && at + 8 <= segments[i]!.vaddr + segments[i]!.filesz)) {
      i = segments.findIndex((s) => at >= s.vaddr && at + 8 <= s.vaddr + s.filesz);
      if (i < 0) { i = 0; continue; } // in .bss or outside: the loader's business, nothing to read
    }
    const s = segments[i]!;
    let view = copied.get(s);
    if (!view) {
      s.data = new Uint8Array(s.data); // a copy (a Node Buffer's slice() would share the file's bytes)
      copied.set(s, (view = new DataView(s.data.buffer)));
    }
    view.setBigUint64(at - s.vaddr, BigInt.asUintN(64, BigInt(r.addend + base)), true);
  }
}
