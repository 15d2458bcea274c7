// Damaged copies of test/fixtures/elf/bss-only (a -nostdlib program whose only RW PT_LOAD is
// .bss: p_filesz 0). Each variant breaks what the Linux loader does not read (section headers)
// or moves the .bss segment's file offset past the end of the file, as `ld` may emit it; a few
// break what it does read (program headers, e_machine) and must still be refused.
// scripts/elf-variants.mjs records qemu-aarch64's behaviour on each into bss-variants.json;
// test/unit/elf-leniency.test.ts translates and runs them and compares.

/** @typedef {{ name: string, bytes: Uint8Array }} Variant */

/**
 * @param {Uint8Array} base the committed bss-only executable
 * @returns {Variant[]}
 */
export function elfVariants(base) {
  const copy = () => new Uint8Array(base);
  const view = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(view(base).getBigUint64(0x28, true));
  const endOfText = Number(view(base).getBigUint64(64 + 32, true)); // PT_LOAD 0's p_filesz
  /** @param {string} name @param {(b: Uint8Array, v: DataView) => Uint8Array | void} edit */
  const variant = (name, edit) => {
    const b = copy();
    return { name, bytes: edit(b, view(b)) ?? b };
  };
  return [
    variant('as-linked', () => {}),
    // no section headers at all and the file cut after .text: .bss's p_offset is past the end
    variant('bss-offset-past-eof', (b, v) => {
      v.setBigUint64(0x28, 0n, true);
      v.setUint16(0x3c, 0, true);
      v.setUint16(0x3e, 0, true);
      return b.slice(0, endOfText);
    }),
    variant('shoff-past-eof', (_b, v) => v.setBigUint64(0x28, 0xffff_ff00n, true)),
    variant('shoff-huge', (_b, v) => v.setBigUint64(0x28, 0x7fff_ffff_ffff_0000n, true)),
    variant('shnum-too-large', (_b, v) => v.setUint16(0x3c, 200, true)),
    variant('shstrndx-out-of-range', (_b, v) => v.setUint16(0x3e, 99, true)),
    variant('shentsize-too-small', (_b, v) => v.setUint16(0x3a, 12, true)),
    variant('section-table-truncated', (b) => b.slice(0, shoff + 64 * 3 + 20)),
    // a section (the .symtab, 3) whose data lies past the end of the file
    variant('section-offset-past-eof', (_b, v) => v.setBigUint64(shoff + 64 * 3 + 24, 0x100000n, true)),
    // a section name offset outside .shstrtab
    variant('section-name-past-strtab', (_b, v) => v.setUint32(shoff + 64 * 1, 0x7000, true)),
    // refused by Linux and qemu too: the loader needs these
    variant('phnum-past-eof', (_b, v) => v.setUint16(0x38, 300, true)),
    variant('wrong-machine', (_b, v) => v.setUint16(18, 62, true)),
  ];
}
