// Go's function table (the pclntab the Go runtime unwinds and symbolises with): every function of
// a Go program with its extent and name, also when the binary is stripped. Go code has no FDEs
// and reaches most functions through closures, interface tables and the scheduler's saved PCs,
// so without this table discovery leaves much of a stripped Go program to run-time lifting.
// Layouts (Go's runtime/symtab.go, debug/gosym/pclntab.go): a header with a magic per format
// version, the instruction size quantum and the pointer size, then the function table.
import type { ElfImage, ElfLayout, ElfSegment } from './parse.ts';

export interface GoFunction { start: number; end: number; name: string }

const GO12 = 0xfffffffb, GO116 = 0xfffffffa, GO118 = 0xfffffff0, GO120 = 0xfffffff1;
const MAGICS = new Set([GO12, GO116, GO118, GO120]);
/** sections that say a binary came from Go's linker (its table has a section only in non-PIE builds) */
const GO_SECTIONS = ['.gopclntab', '.go.buildinfo', '.note.go.buildid'];
const PT_NOTE = 4;
/** the note Go's linker writes in every ELF it links, section headers or not: owner "Go", type 4 (the build ID) */
const GO_NOTE_TYPE = 4;
/** places in the data where a header could start that are read at most (a crafted file could hold many) */
const MAX_CANDIDATES = 8;
const utf8 = new TextDecoder();

/**
 * Whether `image` came from Go's linker. Its runtime installs handlers for every signal, SIGSEGV
 * and SIGBUS among them, before `main` (runtime.initsig), so such a program always runs with one.
 */
export function isGoProgram(image: ElfLayout): boolean {
  return image.sections.some((s) => GO_SECTIONS.includes(s.name)) || image.phdrs.some((p) => p.type === PT_NOTE && hasGoNote(image.read(p.vaddr, p.filesz)));
}

function hasGoNote(notes: Uint8Array | undefined): boolean {
  if (!notes) return false;
  const v = new DataView(notes.buffer, notes.byteOffset, notes.byteLength), pad = (n: number) => Math.ceil(n / 4) * 4; // not bitwise: a crafted size must not wrap
  for (let o = 0; o + 12 <= notes.length;) {
    const namesz = v.getUint32(o, true), descsz = v.getUint32(o + 4, true), type = v.getUint32(o + 8, true);
    if (namesz === 4 && type === GO_NOTE_TYPE && o + 16 <= notes.length && v.getUint32(o + 12, true) === 0x6f47) return true; // "Go\0\0"
    o += 12 + pad(namesz) + pad(descsz);
  }
  return false;
}

/**
 * Where a goroutine's code returns to when its function ends: every goroutine starts with
 * runtime.goexit's second instruction as its return address (runtime.gostartcallfn), a PC only
 * the scheduler's saved state names.
 */
export function goResumePoints(fns: readonly GoFunction[], quantum: number): number[] {
  return fns.filter((f) => f.name === 'runtime.goexit' || f.name === 'runtime.goexit.abi0').map((f) => f.start + quantum);
}

/**
 * The functions of the Go program in `image` (as loaded: relocated words read as the loader
 * leaves them), or none when it is not one or its table does not check out: entries must rise
 * through executable code and the table must lie in the segment holding it. `quantum`: the
 * architecture's instruction size, which the header repeats. A program image combined with its
 * interpreter is judged by the program's own headers (its program headers are the image's).
 */
export function goFunctions(image: ElfImage, quantum: number): GoFunction[] {
  if (!isGoProgram(image)) return [];
  const section = image.sections.find((s) => s.name === '.gopclntab' && s.addr);
  // no more functions than instruction words (a corrupt or crafted header names more)
  const maxFuncs = image.segments.reduce((n, s) => (s.flags & 1 ? n + s.memsz / quantum : n), 0);
  const candidates = section ? [section.addr] : headerCandidates(image.segments, quantum);
  for (const at of candidates) {
    const seg = image.segments.find((s) => at >= s.vaddr && at < s.vaddr + s.filesz);
    const fns = seg && readTable(new Table(seg, at - seg.vaddr), image, quantum, maxFuncs);
    if (fns) return fns;
  }
  return [];
}

/**
 * pointer-aligned addresses where a header could start, in any segment (GNU ld puts .gopclntab
 * in the code segment of an externally linked program), the first MAX_CANDIDATES
 */
function headerCandidates(segments: readonly ElfSegment[], quantum: number): number[] {
  const out: number[] = [];
  for (const s of segments) {
    const v = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    for (let o = 0; o + 8 <= s.data.length && out.length < MAX_CANDIDATES; o += 8) {
      if (MAGICS.has(v.getUint32(o, true)) && v.getUint16(o + 4, true) === 0 && s.data[o + 6] === quantum && s.data[o + 7] === 8) out.push(s.vaddr + o);
    }
  }
  return out;
}

/** bounds-checked little-endian reads from `base` in one segment's bytes; undefined past its end */
class Table {
  private readonly view: DataView;
  constructor(private readonly seg: ElfSegment, readonly base: number) {
    this.view = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
  }
  private ok(off: number, n: number): boolean { return off >= 0 && this.base + off + n <= this.seg.data.length; }
  u32(off: number): number | undefined { return this.ok(off, 4) ? this.view.getUint32(this.base + off, true) : undefined; }
  i32(off: number): number | undefined { return this.ok(off, 4) ? this.view.getInt32(this.base + off, true) : undefined; }
  word(off: number): number | undefined { return this.ok(off, 8) ? Number(this.view.getBigUint64(this.base + off, true)) : undefined; }
  cstring(off: number): string | undefined {
    if (!this.ok(off, 1)) return undefined;
    const bytes = this.seg.data, start = this.base + off;
    let end = start;
    while (end < bytes.length && bytes[end] !== 0 && end - start < 4096) end++;
    return utf8.decode(bytes.subarray(start, end));
  }
}

function readTable(t: Table, image: ElfImage, quantum: number, maxFuncs: number): GoFunction[] | undefined {
  const magic = t.u32(0);
  if (magic === undefined || !MAGICS.has(magic) || t.u32(4) !== ((8 << 24) | (quantum << 16)) >>> 0) return undefined;
  const nfunc = t.word(8);
  if (nfunc === undefined || nfunc < 1 || nfunc > maxFuncs) return undefined;
  // per version: where the (entry, _func offset) pairs lie and how wide they are, the entry's base,
  // and where names are (an int32 in each _func just after its entry field)
  let tab: number, entryBase = 0, wide: boolean, funcs: number, names: number;
  if (magic === GO12) {
    tab = 16; wide = true; funcs = 0; names = 0;
  } else if (magic === GO116) {
    const fn = t.word(24), pcln = t.word(56);
    if (fn === undefined || pcln === undefined) return undefined;
    tab = pcln; wide = true; funcs = pcln; names = fn;
  } else {
    const text = t.word(24), fn = t.word(32), pcln = t.word(64);
    if (text === undefined || fn === undefined || pcln === undefined) return undefined;
    tab = pcln; wide = false; entryBase = text; funcs = pcln; names = fn;
  }
  const pair = wide ? 16 : 8;
  const entryAt = (k: number) => (wide ? t.word(tab + k * pair) : t.u32(tab + k * pair));
  const out: GoFunction[] = [];
  let prev = -1;
  for (let k = 0; k <= nfunc; k++) {
    const e = entryAt(k);
    if (e === undefined) return undefined;
    const pc = entryBase + e;
    if (pc < prev || (k < nfunc && (!image.isCode(pc) || pc % quantum))) return undefined;
    if (out.length) out[out.length - 1]!.end = pc;
    if (k === nfunc) break;
    const off = wide ? t.word(tab + k * pair + 8) : t.u32(tab + k * pair + 4);
    const nameOff = off === undefined ? undefined : t.i32(funcs + off + (wide ? 8 : 4));
    const name = nameOff === undefined ? undefined : t.cstring(names + nameOff);
    // a function of no length (an alias of the next) has nothing to translate on its own
    if (pc !== prev) out.push({ start: pc, end: pc, name: name || `go_${pc.toString(16)}` });
    prev = pc;
  }
  return out.filter((f) => f.end > f.start);
}
