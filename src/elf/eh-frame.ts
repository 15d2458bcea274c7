// Call-frame information: every FDE of .eh_frame (and .debug_frame) names one function's
// extent [start, end) and, for C++ code, its LSDA (the .gcc_except_table entry listing landing
// pads). Stripped executables keep .eh_frame because the unwinder needs it at run time, so this
// is where function starts come from when there are no symbols.
import { DwarfRangeError, DwarfReader, PE_OMIT } from './dwarf-reader.ts';
import type { ElfSection } from './parse.ts';

export interface Fde {
  start: number;
  end: number;
  /** guest address of the language-specific data area (C++: the call-site table) */
  lsda?: number;
  /** which section described it */
  from: '.eh_frame' | '.debug_frame';
}

interface Cie { fdeEnc: number; lsdaEnc: number; hasAugData: boolean }

/** FDEs of `.eh_frame` and `.debug_frame`; a damaged table yields the FDEs read before the damage. */
export function readFdes(sections: readonly ElfSection[]): Fde[] {
  const out: Fde[] = [];
  for (const s of sections) {
    if (s.name === '.eh_frame' && s.data.length) readFrameSection(s.data, s.addr, false, out);
    else if (s.name === '.debug_frame' && s.data.length) readFrameSection(s.data, 0, true, out);
  }
  return out;
}

/**
 * The two sections share a format with small differences: .debug_frame marks CIEs with id
 * 0xffffffff and points from an FDE to its CIE by section offset, holds absolute 8-byte
 * addresses and has no augmentation data in practice; .eh_frame marks CIEs with id 0, points back
 * relative to the field, and encodes addresses as the CIE's 'R' augmentation says.
 */
function readFrameSection(bytes: Uint8Array, addr: number, debug: boolean, out: Fde[]): void {
  const r = new DwarfReader(bytes, addr);
  const cies = new Map<number, Cie | null>();
  const cieAt = (off: number): Cie | null => {
    let c = cies.get(off);
    if (c === undefined) cies.set(off, (c = readCie(bytes, addr, off, debug)));
    return c;
  };
  try {
    while (!r.end) {
      let len = r.u32();
      if (len === 0) { if (debug) continue; break; } // .eh_frame's terminator
      const wide = len === 0xffffffff;
      if (wide) len = r.u64();
      const body = r.pos;
      const next = body + len;
      if (next > bytes.length) break;
      const idPos = r.pos;
      const id = wide ? r.u64() : r.u32();
      const isCie = debug ? id === (wide ? 2 ** 64 : 0xffffffff) : id === 0; // u64() rounds 2^64-1 up
      if (!isCie) {
        const cie = cieAt(debug ? id : idPos - id);
        if (cie) {
          const fde = readFde(r, cie, debug);
          if (fde && fde.end > fde.start) out.push(fde);
        }
      }
      r.pos = next;
    }
  } catch (e) {
    if (!(e instanceof DwarfRangeError)) throw e;
  }
}

function readCie(bytes: Uint8Array, addr: number, off: number, debug: boolean): Cie | null {
  const r = new DwarfReader(bytes, addr);
  try {
    r.pos = off;
    let len = r.u32();
    const wide = len === 0xffffffff;
    if (wide) len = r.u64();
    r.skip(wide ? 8 : 4); // CIE id
    const version = r.u8();
    const aug = r.cstring();
    if (aug.includes('eh')) r.skip(8);
    if (debug && version >= 4) r.skip(2); // address_size, segment_selector_size
    r.uleb(); // code alignment
    r.sleb(); // data alignment
    if (version === 1) r.u8(); else r.uleb(); // return address register
    const cie: Cie = { fdeEnc: 0x00 /* absolute 8-byte addresses */, lsdaEnc: PE_OMIT, hasAugData: aug.startsWith('z') };
    if (!cie.hasAugData) return aug === '' || aug === 'eh' ? cie : null; // an augmentation we cannot skip
    r.uleb(); // augmentation data length
    for (const ch of aug.slice(1)) {
      if (ch === 'R') cie.fdeEnc = r.u8();
      else if (ch === 'L') cie.lsdaEnc = r.u8();
      else if (ch === 'P') r.pointer(r.u8());
      else if (ch !== 'S' && ch !== 'B' && ch !== 'G') return null;
    }
    return cie;
  } catch (e) {
    if (e instanceof DwarfRangeError) return null;
    throw e;
  }
}

function readFde(r: DwarfReader, cie: Cie, debug: boolean): Fde | undefined {
  const start = r.pointer(cie.fdeEnc);
  const range = r.value(cie.fdeEnc & 0x0f);
  if (start === undefined) return undefined;
  let lsda: number | undefined;
  if (cie.hasAugData) {
    const augLen = r.uleb();
    const augEnd = r.pos + augLen;
    if (cie.lsdaEnc !== PE_OMIT) lsda = r.pointer(cie.lsdaEnc, start);
    r.pos = augEnd;
  }
  return { start, end: start + range, ...(lsda ? { lsda } : {}), from: debug ? '.debug_frame' : '.eh_frame' };
}
