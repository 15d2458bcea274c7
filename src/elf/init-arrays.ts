// Function pointers that the C runtime calls at start-up and exit: .preinit_array, .init_array
// and .fini_array hold 8-byte addresses (constructors, destructors, frame_dummy…).
import type { ElfSection } from './parse.ts';

const SHT_INIT_ARRAY = 14, SHT_FINI_ARRAY = 15, SHT_PREINIT_ARRAY = 16;

export function initArrayEntries(sections: readonly ElfSection[]): number[] {
  const out: number[] = [];
  for (const s of sections) {
    if (s.type !== SHT_INIT_ARRAY && s.type !== SHT_FINI_ARRAY && s.type !== SHT_PREINIT_ARRAY) continue;
    const view = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    for (let o = 0; o + 8 <= s.data.length; o += 8) {
      const v = Number(view.getBigUint64(o, true));
      // 0 and -1 are the list terminators of the old .ctors/.dtors convention some linkers still merge in
      if (v !== 0 && v !== 2 ** 64) out.push(v);
    }
  }
  return out;
}
