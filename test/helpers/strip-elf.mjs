// Strips the symbol table from an ELF64 little-endian executable, in pure JS (no toolchain):
// every SHT_SYMTAB section and the string table it links to (.strtab) become SHT_NULL and their
// bytes are zeroed, so nothing can recover a symbol name from the file. Everything the loader and
// the unwinder read (program headers, .eh_frame, .gcc_except_table, ...) stays as it is, as after
// `strip`. Used by the tests to derive the stripped fixture builds from the committed ones, and by
// scripts/fixtures.mjs, which checks under qemu that the stripped binary behaves identically.

const SHT_NULL = 0;
const SHT_SYMTAB = 2;

/**
 * @param {Uint8Array} input an ELF64 LE file
 * @returns {{ bytes: Uint8Array, removed: string[] }} a stripped copy and the names of the sections removed
 */
export function stripSymbols(input) {
  const bytes = new Uint8Array(input);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1) throw new Error('stripSymbols: not an ELF64 little-endian file');
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const shstrndx = dv.getUint16(0x3e, true);
  const sh = (i) => shoff + i * shentsize;
  const nameOf = (i) => {
    const strOff = Number(dv.getBigUint64(sh(shstrndx) + 0x18, true));
    let p = strOff + dv.getUint32(sh(i), true);
    let s = '';
    while (bytes[p]) s += String.fromCharCode(bytes[p++]);
    return s;
  };
  const victims = new Set();
  for (let i = 1; i < shnum; i++) {
    if (dv.getUint32(sh(i) + 4, true) !== SHT_SYMTAB) continue;
    victims.add(i);
    const link = dv.getUint32(sh(i) + 0x28, true);
    if (link && link !== shstrndx) victims.add(link);
  }
  const removed = [...victims].map(nameOf);
  for (const i of victims) {
    const off = Number(dv.getBigUint64(sh(i) + 0x18, true));
    const size = Number(dv.getBigUint64(sh(i) + 0x20, true));
    bytes.fill(0, off, off + size);
    dv.setUint32(sh(i) + 4, SHT_NULL, true);
    dv.setBigUint64(sh(i) + 0x08, 0n, true); // sh_flags
    dv.setBigUint64(sh(i) + 0x20, 0n, true); // sh_size
    dv.setUint32(sh(i) + 0x28, 0, true); // sh_link
    dv.setUint32(sh(i) + 0x2c, 0, true); // sh_info
    dv.setBigUint64(sh(i) + 0x38, 0n, true); // sh_entsize
  }
  // sections that named the symbol table as their link (.rela.plt) no longer do, as after strip
  for (let i = 1; i < shnum; i++) if (victims.has(dv.getUint32(sh(i) + 0x28, true))) dv.setUint32(sh(i) + 0x28, 0, true);
  return { bytes, removed };
}
