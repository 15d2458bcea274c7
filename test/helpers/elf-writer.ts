// A minimal ELF64 AArch64 static executable: an ELF header and one PT_LOAD per segment, no
// sections (Linux and qemu load by program headers alone). Segments are placed in the file at
// page-aligned offsets so that offset ≡ vaddr (mod 4 KiB), as the loader requires.

export interface Segment {
  vaddr: number;
  bytes: Uint8Array;
  /** bytes in memory (≥ bytes.length; the rest is zero) */
  memsz?: number;
  /** PF_X=1 PF_W=2 PF_R=4 */
  flags: number;
}

const PAGE = 0x1000, EHDR = 64, PHDR = 56, PT_LOAD = 1, EM_AARCH64 = 183, ET_EXEC = 2;

export function writeElf(entry: number, segments: Segment[]): Uint8Array {
  const offsets: number[] = [];
  let end = PAGE;
  for (const s of segments) {
    if (s.vaddr % PAGE) throw new Error(`writeElf: segment at 0x${s.vaddr.toString(16)} is not page-aligned`);
    offsets.push(end);
    end += Math.ceil(s.bytes.length / PAGE) * PAGE || PAGE;
  }
  const out = new Uint8Array(end);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // ELFCLASS64, little-endian, version 1
  v.setUint16(16, ET_EXEC, true);
  v.setUint16(18, EM_AARCH64, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, segments.length, true);
  v.setUint16(58, 64, true); // e_shentsize (no sections)
  segments.forEach((s, i) => {
    const o = EHDR + PHDR * i;
    v.setUint32(o, PT_LOAD, true);
    v.setUint32(o + 4, s.flags, true);
    [offsets[i]!, s.vaddr, s.vaddr, s.bytes.length, s.memsz ?? s.bytes.length, PAGE].forEach((x, j) => v.setBigUint64(o + 8 + 8 * j, BigInt(x), true));
    out.set(s.bytes, offsets[i]!);
  });
  return out;
}
