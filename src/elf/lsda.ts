// Landing pads from a function's LSDA (the GCC/clang C++ exception table in .gcc_except_table):
// the personality routine finds the call site that threw and the unwinder resumes at its landing
// pad with an indirect branch, so every landing pad is an address-taken entry point.
import { DwarfRangeError, DwarfReader, PE_OMIT } from './dwarf-reader.ts';

/**
 * Landing-pad addresses of the LSDA at `lsda` for the function starting at `funcStart`.
 * `read(addr)` gives the bytes from `addr` to the end of its segment (or undefined).
 */
export function landingPads(lsda: number, funcStart: number, bytesAt: (addr: number) => Uint8Array | undefined): number[] {
  const bytes = bytesAt(lsda);
  if (!bytes) return [];
  const r = new DwarfReader(bytes, lsda);
  const out: number[] = [];
  try {
    const lpStartEnc = r.u8();
    const lpStart = lpStartEnc === PE_OMIT ? funcStart : r.pointer(lpStartEnc, funcStart) ?? funcStart;
    const ttypeEnc = r.u8();
    if (ttypeEnc !== PE_OMIT) r.uleb(); // offset to the type table: not needed
    const csEnc = r.u8();
    const csLen = r.uleb();
    const end = r.pos + csLen;
    while (r.pos < end) {
      r.value(csEnc); // call-site start (relative to lpStart)
      r.value(csEnc); // call-site length
      const lp = r.value(csEnc);
      r.uleb(); // action
      if (lp !== 0) out.push(lpStart + lp);
    }
  } catch (e) {
    if (!(e instanceof DwarfRangeError)) throw e;
  }
  return [...new Set(out)];
}
