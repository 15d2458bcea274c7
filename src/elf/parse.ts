// ELF64 little-endian AArch64 executable parser. Runs in browsers too, so it only
// uses Uint8Array/DataView/TextDecoder. Every read is bounds-checked first, so a
// damaged file raises ElfFormatError instead of a RangeError from DataView.

import { ElfFormatError, hex, machineName } from './errors.ts';
import { segmentAccess, segmentFinder } from './image-view.ts';

export interface ElfSegment {
  vaddr: number;
  memsz: number;
  filesz: number;
  offset: number;
  /** PF_X=1 PF_W=2 PF_R=4 */
  flags: number;
  /** The filesz file bytes (a subarray of the input, not a copy). */
  data: Uint8Array;
  /** translated, but mapped by the guest's own loader at run time (a shared library: load-plan.ts), not by the module */
  guestMapped?: boolean;
}

export interface ElfProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  entsize: number;
  link: number;
  info: number;
  /** Empty for SHT_NOBITS and SHT_NULL. */
  data: Uint8Array;
}

export type ElfSymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'tls' | 'ifunc' | 'other';

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: ElfSymbolType;
  bind: 'local' | 'global' | 'weak' | 'other';
  shndx: number;
}

export interface ElfImage {
  type: 'exec' | 'dyn';
  /** ET_DYN without PT_INTERP: a static-pie executable. */
  pie: boolean;
  entry: number;
  phdrs: ElfProgramHeader[];
  phoff: number;
  phentsize: number;
  phnum: number;
  /** Guest address of the program headers (for AT_PHDR): from PT_PHDR, else the PT_LOAD that maps file offset phoff; 0 if not mapped. */
  phdrAddr: number;
  /** PT_LOAD only (empty ones dropped), sorted by vaddr, non-overlapping. */
  segments: ElfSegment[];
  tls?: { vaddr: number; filesz: number; memsz: number; align: number };
  /** From PT_GNU_STACK (false when absent). */
  stackExecutable: boolean;
  sections: ElfSection[];
  /** From .symtab (empty if stripped), without the null symbol 0. */
  symbols: ElfSymbol[];
  /** R_AARCH64_IRELATIVE entries from allocated SHT_RELA sections (.rela.iplt / .rela.plt / .rela.dyn). */
  irelative: { offset: number; addend: number }[];
  /** R_AARCH64_RELATIVE entries of PT_DYNAMIC's DT_RELA table (position-independent images): the word at offset becomes load base + addend */
  relative: { offset: number; addend: number }[];
  /** PT_INTERP: the program interpreter (dynamic loader) the kernel would map, e.g. /lib/ld-linux-aarch64.so.1 */
  interp?: string;
  /** DT_NEEDED names from PT_DYNAMIC, in order */
  needed: string[];
  /** DT_RUNPATH, else DT_RPATH (colon-separated directories, may use $ORIGIN): where the dynamic loader looks for `needed` first */
  runpath?: string;
  /** Lowest vaddr and highest vaddr+memsz over PT_LOADs. */
  imageStart: number;
  imageEnd: number;
  /** A fresh copy of the bytes at a guest address as loaded (zero in .bss), or undefined if any byte is outside all PT_LOADs. */
  read(addr: number, len: number): Uint8Array | undefined;
  readU32(addr: number): number | undefined;
  readU64(addr: number): bigint | undefined;
  /** What the loader ignored as Linux does (damaged section headers, so maybe no symbols), one line each. */
  warnings: string[];
  /** True if addr lies inside an executable PT_LOAD. */
  isCode(addr: number): boolean;
  /** Nearest symbol (func/notype/ifunc preferred) at or below addr, e.g. { name: 'main', offset: 8 }; undefined outside the loaded image. */
  symbolize(addr: number): { name: string; offset: number } | undefined;
}

const EM_AARCH64 = 183;
const ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
const PF_X = 1;
const SHT_NULL = 0, SHT_SYMTAB = 2, SHT_RELA = 4, SHT_NOBITS = 8, SHT_DYNSYM = 11;
const SHF_ALLOC = 2;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;
const DT_NULL = 0n, DT_NEEDED = 1n, DT_STRTAB = 5n, DT_RELA = 7n, DT_RELASZ = 8n, DT_RPATH = 15n, DT_RUNPATH = 29n;
const R_AARCH64_RELATIVE = 1027, R_AARCH64_IRELATIVE = 1032;

/** Segments must fit in the guest's 32-bit space: the low 64 KiB belongs to the runtime, the top 64 KiB is kept free. */
export const MIN_VADDR = 0x10000;
export const MAX_VADDR_END = 0xffff0000;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
/** what translation reads from section headers, for warnings about damaged ones */
const LOST = 'so the translation may lack symbol names, and IFUNC resolvers, .init_array and .eh_frame entries are left to run-time lifting';
const utf8 = new TextDecoder();

export function parseElf(bytes: Uint8Array): ElfImage {
  const { warnings, lenient, headers: { etype, entry, phoff, phentsize, phnum, phdrs }, interp, dynamic, segments, sections } = readLayout(bytes);
  const symbols = lenient('symbol table', [], () => readSymbols(sections));
  const irelative = lenient('IRELATIVE relocations', [], () => readIrelative(sections));

  const tlsHdr = phdrs.find((p) => p.type === PT_TLS);
  const stack = phdrs.find((p) => p.type === PT_GNU_STACK);

  const access = segmentAccess(segments, symbols);

  return {
    type: etype === ET_EXEC ? 'exec' : 'dyn',
    pie: etype === ET_DYN,
    entry,
    phdrs,
    phoff,
    phentsize,
    phnum,
    phdrAddr: findPhdrAddr(phdrs, phoff, phnum * phentsize),
    segments,
    tls: tlsHdr && { vaddr: tlsHdr.vaddr, filesz: tlsHdr.filesz, memsz: tlsHdr.memsz, align: tlsHdr.align },
    stackExecutable: stack !== undefined && (stack.flags & PF_X) !== 0,
    sections,
    symbols,
    irelative,
    relative: dynamic.relative,
    ...(interp !== undefined ? { interp } : {}),
    needed: dynamic.needed,
    ...(dynamic.runpath !== undefined ? { runpath: dynamic.runpath } : {}),
    warnings,
    ...access,
  };
}

/** the headers, the interpreter, the dynamic section, the loadable segments and the section headers, checked as parseElf checks them */
function readLayout(bytes: Uint8Array) {
  const r = new Reader(bytes);
  const warnings: string[] = [];
  const lenient = lenientIn(warnings);
  const headers = readHeaders(r, lenient);
  const { etype, entry, shoff, shentsize, shnum, shstrndx, phdrs } = headers;
  const interp = interpreterPath(r, phdrs);
  const dynamic = readDynamic(r, phdrs);
  const segments = loadSegments(r, phdrs, etype === ET_DYN);
  if (!segmentFinder(segments)(entry)) {
    throw new ElfFormatError('bad-address', `entry point ${hex(entry)} is outside all loadable segments`);
  }
  const sections = shoff !== 0 ? lenient('section header table', [], () => readSections(r, shoff, shentsize, shnum, shstrndx, warnings)) : [];
  return { warnings, lenient, headers, interp, dynamic, segments, sections };
}

/** what an image's program headers, segments and section headers say, without its symbols */
export type ElfLayout = Pick<ElfImage, 'phdrs' | 'segments' | 'sections' | 'read'>;

/**
 * parseElf without the symbol table and the relocations: for a look at the layout
 * on a cached run's start-up path (an unstripped glibc program's thousands of symbol names took
 * most of parseElf's time)
 */
export function parseElfLayout(bytes: Uint8Array): ElfLayout {
  const { headers, segments, sections } = readLayout(bytes);
  return { phdrs: headers.phdrs, segments, sections, read: segmentAccess(segments, []).read };
}

/**
 * The path of the program's interpreter (PT_INTERP), if it is dynamically linked: the ELF header
 * and the program headers only, checked as parseElf checks them (a cached run needs no more)
 */
export function elfInterpreter(bytes: Uint8Array): string | undefined {
  const r = new Reader(bytes);
  return interpreterPath(r, readHeaders(r, lenientIn([])).phdrs);
}

type Lenient = <T>(what: string, fallback: T, read: () => T) => T;

/**
 * Linux loads from the program headers alone, so damaged section headers only cost what
 * translation reads from them (symbols, IRELATIVE relocations): a warning, not an error.
 */
function lenientIn(warnings: string[]): Lenient {
  return (what, fallback, read) => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      warnings.push(`${e.message}: ${what} ignored, ${LOST}`);
      return fallback;
    }
  };
}

/** the ELF header's fields and the program headers */
function readHeaders(r: Reader, lenient: Lenient) {
  checkIdent(r);
  const etype = r.u16(16);
  if (etype !== ET_EXEC && etype !== ET_DYN) {
    const what = etype === ET_REL ? 'ET_REL: a relocatable object file, link it first'
      : etype === ET_CORE ? 'ET_CORE: a core dump' : `0x${etype.toString(16)}`;
    throw new ElfFormatError('not-executable', `not an executable (e_type ${what})`);
  }
  const entry = r.u64(24, 'entry point');
  const phoff = r.u64(32, 'program header offset');
  const phentsize = r.u16(54);
  const phnumField = r.u16(56);
  const shentsize = r.u16(58);
  const shnumField = r.u16(60);
  const shstrndxField = r.u16(62);
  const shoff = lenient('section header table', 0, () => r.u64(40, 'section header offset'));
  // With too many sections/segments for 16 bits, the real counts live in section header 0.
  const escaped = phnumField === PN_XNUM || shnumField === 0 || shstrndxField === SHN_XINDEX;
  // A program header count there is needed to load, so only then is section 0 a hard error.
  const sh0 = shoff !== 0 && escaped
    ? (phnumField === PN_XNUM ? readSection0(r, shoff, shentsize) : lenient('section header 0', undefined, () => readSection0(r, shoff, shentsize)))
    : undefined;
  const phnum = phnumField === PN_XNUM && sh0 ? sh0.info : phnumField;
  const shnum = shnumField === 0 && sh0 ? sh0.size : shnumField;
  const shstrndx = shstrndxField === SHN_XINDEX && sh0 ? sh0.link : shstrndxField;
  const phdrs = readProgramHeaders(r, phoff, phentsize, phnum);
  return { etype, entry, phoff, phentsize, phnum, shoff, shentsize, shnum, shstrndx, phdrs };
}

function interpreterPath(r: Reader, phdrs: ElfProgramHeader[]): string | undefined {
  const interpHdr = phdrs.find((p) => p.type === PT_INTERP);
  return interpHdr && cString(r.subarray(interpHdr.offset, interpHdr.filesz, 'interpreter path'), 0);
}

/** Bounds-checked little-endian reads over the whole file. */
class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(off: number, len: number, what: string): void {
    if (off + len > this.bytes.length) {
      throw new ElfFormatError('truncated',
        `truncated ELF: ${what} extends past end of file (offset ${hex(off)}, file size ${hex(this.bytes.length)})`);
    }
  }

  /** Callers have already checked bounds with need() (the ELF header is checked once up front). */
  u16(off: number): number {
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(off, true);
  }
  /** A 64-bit address or size as a JS number; values that would lose precision are rejected. */
  u64(off: number, what: string): number {
    const lo = this.view.getUint32(off, true);
    const hi = this.view.getUint32(off + 4, true);
    if (hi >= 0x200000) {
      throw new ElfFormatError('bad-address', `${what} ${hex(this.view.getBigUint64(off, true))} is too large (must be below 2^53)`);
    }
    return u64Value(lo, hi);
  }

  subarray(off: number, len: number, what: string): Uint8Array {
    this.need(off, len, what);
    return this.bytes.subarray(off, off + len);
  }
}

/**
 * The number of a 64-bit field's halves: `lo` itself when `hi` is 0, as the engine then keeps it
 * a small integer. `hi * 2^32 + lo` would be a boxed double even for 0x400000, and so would every
 * address computed from it in unoptimised code, and every field holding one: discovery and
 * lifting allocated ~300k such boxes for a static glibc hello.
 */
function u64Value(lo: number, hi: number): number {
  return hi === 0 ? lo : hi * 0x100000000 + lo;
}

function checkIdent(r: Reader): void {
  const b = r.bytes;
  for (let i = 0; i < ELF_MAGIC.length; i++) {
    if (i >= b.length) {
      if (b.length === 0) throw new ElfFormatError('not-elf', 'not an ELF file (empty file)');
      throw new ElfFormatError('truncated', `truncated ELF: file is only ${b.length} bytes long`);
    }
    if (b[i] !== ELF_MAGIC[i]) throw new ElfFormatError('not-elf', 'not an ELF file (bad magic)');
  }
  r.need(0, 20, 'ELF identification');
  const cls = b[4]!, data = b[5]!;
  if (cls !== 1 && cls !== 2) throw new ElfFormatError('not-elf', `not a valid ELF file (unknown class ${cls})`);
  if (data !== 1 && data !== 2) throw new ElfFormatError('not-elf', `not a valid ELF file (unknown byte order ${data})`);
  // e_machine sits at the same offset for both classes, in the file's own byte order;
  // naming it makes the class/endianness errors more helpful.
  const machine = r.view.getUint16(18, data === 1);
  const named = machine === EM_AARCH64 ? '' : ` (${machineName(machine)})`;
  if (cls === 1) {
    throw new ElfFormatError('elfclass32', `32-bit ELF${named}: only 64-bit AArch64 executables are supported`);
  }
  if (data === 2) {
    throw new ElfFormatError('big-endian', `big-endian ELF${named}: only little-endian AArch64 is supported`);
  }
  if (machine !== EM_AARCH64) {
    throw new ElfFormatError('wrong-machine', `${machineName(machine)} ELF: only AArch64 is supported`);
  }
  r.need(0, 64, 'ELF header');
}

function checkShentsize(shentsize: number): void {
  if (shentsize < 64) throw new ElfFormatError('not-elf', `not a valid ELF file (section header size ${shentsize}, expected 64)`);
}

function readSection0(r: Reader, shoff: number, shentsize: number) {
  checkShentsize(shentsize);
  r.need(shoff, 64, 'section header table');
  return { size: r.u64(shoff + 32, 'section 0 size'), link: r.u32(shoff + 40), info: r.u32(shoff + 44) };
}

function readProgramHeaders(r: Reader, phoff: number, phentsize: number, phnum: number): ElfProgramHeader[] {
  if (phnum === 0) throw new ElfFormatError('no-load', 'ELF has no loadable segments');
  if (phentsize < 56) throw new ElfFormatError('not-elf', `not a valid ELF file (program header size ${phentsize}, expected 56)`);
  return readTable(r, phoff, phentsize, phnum, 'program header table', (o) => ({
    type: r.u32(o),
    flags: r.u32(o + 4),
    offset: r.u64(o + 8, 'segment file offset'),
    vaddr: r.u64(o + 16, 'segment address'),
    filesz: r.u64(o + 32, 'segment file size'),
    memsz: r.u64(o + 40, 'segment memory size'),
    align: r.u64(o + 48, 'segment alignment'),
  }));
}

/** `num` entries of `entsize` bytes at `off` (checked to be in the file), each read by `entry` */
function readTable<T>(r: Reader, off: number, entsize: number, num: number, what: string, entry: (o: number) => T): T[] {
  r.need(off, num * entsize, what);
  return Array.from({ length: num }, (_, i) => entry(off + i * entsize));
}

interface DynamicInfo { needed: string[]; runpath?: string; relative: { offset: number; addend: number }[] }

/**
 * What the dynamic loader reads from PT_DYNAMIC that the translator needs too: DT_NEEDED names
 * and the R_AARCH64_RELATIVE relocations (through which a position-independent image's data
 * points at its own code). Addresses there (DT_STRTAB, DT_RELA) are found in the PT_LOADs.
 */
function readDynamic(r: Reader, phdrs: ElfProgramHeader[]): DynamicInfo {
  const out: DynamicInfo = { needed: [], relative: [] };
  const dyn = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return out;
  const d = r.subarray(dyn.offset, dyn.filesz, 'dynamic section');
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const needed: bigint[] = [];
  const tags = new Map<bigint, bigint>();
  for (let o = 0; o + 16 <= d.length; o += 16) {
    const tag = view.getBigInt64(o, true);
    const val = view.getBigUint64(o + 8, true);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) needed.push(val);
    else tags.set(tag, val);
  }
  // the file bytes a PT_LOAD maps at a dynamic-section address (a huge value simply matches nothing)
  const fileAt = (addr: bigint | undefined, what: string): Uint8Array | undefined => {
    if (addr === undefined) return undefined;
    const at = Number(addr);
    const load = phdrs.find((p) => p.type === PT_LOAD && at >= p.vaddr && at < p.vaddr + p.filesz);
    return load && r.subarray(load.offset, load.filesz, what).subarray(at - load.vaddr);
  };
  const strtab = fileAt(tags.get(DT_STRTAB), 'dynamic string table');
  const str = (n: bigint) => (strtab && n < BigInt(strtab.length) ? cString(strtab, Number(n)) : '?');
  out.needed = needed.map(str);
  const runpath = tags.get(DT_RUNPATH) ?? tags.get(DT_RPATH);
  if (runpath !== undefined) out.runpath = str(runpath);
  const rela = fileAt(tags.get(DT_RELA), 'DT_RELA relocations');
  const relaSize = Number(tags.get(DT_RELASZ) ?? 0n);
  if (rela) {
    const rv = new DataView(rela.buffer, rela.byteOffset, Math.min(rela.byteLength, relaSize));
    for (let o = 0; o + 24 <= rv.byteLength; o += 24) {
      if (rv.getUint32(o + 8, true) !== R_AARCH64_RELATIVE) continue;
      const offset = Number(rv.getBigUint64(o, true)), addend = Number(rv.getBigInt64(o + 16, true));
      if (Number.isSafeInteger(offset) && Number.isSafeInteger(addend)) out.relative.push({ offset, addend });
    }
  }
  return out;
}

function loadSegments(r: Reader, phdrs: ElfProgramHeader[], pie: boolean): ElfSegment[] {
  const segments: ElfSegment[] = [];
  for (const p of phdrs) {
    if (p.type !== PT_LOAD || p.memsz === 0) continue;
    const where = `segment ${hex(p.vaddr)}-${hex(p.vaddr + p.memsz)}`;
    // a position-independent image's addresses are offsets from the base it is loaded at (load-bias.ts)
    if (p.vaddr < MIN_VADDR && !pie) {
      throw new ElfFormatError('bad-address', `${where} starts below the lowest supported guest address ${hex(MIN_VADDR)}`);
    }
    if (p.vaddr + p.memsz > MAX_VADDR_END) {
      throw new ElfFormatError('bad-address', `${where} ends above the highest supported guest address ${hex(MAX_VADDR_END)}`);
    }
    if (p.filesz > p.memsz) {
      throw new ElfFormatError('bad-address', `${where} has file size ${hex(p.filesz)} larger than its memory size`);
    }
    // All .bss (p_filesz 0): nothing comes from the file, so p_offset may lie past its end (ld
    // emits that for -nostdlib programs) and Linux maps anonymous zero pages.
    const data = p.filesz === 0 ? new Uint8Array(0) : r.subarray(p.offset, p.filesz, `PT_LOAD ${where}`);
    segments.push({ vaddr: p.vaddr, memsz: p.memsz, filesz: p.filesz, offset: p.offset, flags: p.flags, data });
  }
  if (segments.length === 0) throw new ElfFormatError('no-load', 'ELF has no loadable segments');
  segments.sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!, s = segments[i]!;
    if (s.vaddr < prev.vaddr + prev.memsz) {
      throw new ElfFormatError('bad-address', `PT_LOAD segments overlap at ${hex(s.vaddr)}`);
    }
  }
  return segments;
}

/** Same rule as the Linux loader: PT_PHDR if present, else the PT_LOAD whose file bytes contain the table. */
function findPhdrAddr(phdrs: ElfProgramHeader[], phoff: number, tableSize: number): number {
  const pt = phdrs.find((p) => p.type === PT_PHDR);
  if (pt) return pt.vaddr;
  const load = phdrs.find((p) => p.type === PT_LOAD && p.offset <= phoff && phoff + tableSize <= p.offset + p.filesz);
  return load ? load.vaddr + (phoff - load.offset) : 0;
}

function readSections(r: Reader, shoff: number, shentsize: number, shnum: number, shstrndx: number, warnings: string[]): ElfSection[] {
  if (shnum === 0) return [];
  checkShentsize(shentsize);
  const raw = readTable(r, shoff, shentsize, shnum, 'section header table', (o) => ({
    nameOff: r.u32(o),
    type: r.u32(o + 4),
    flags: r.u64(o + 8, 'section flags'),
    addr: r.u64(o + 16, 'section address'),
    offset: r.u64(o + 24, 'section offset'),
    size: r.u64(o + 32, 'section size'),
    link: r.u32(o + 40),
    info: r.u32(o + 44),
    entsize: r.u64(o + 56, 'section entry size'),
  }));
  // One damaged section loses only its own name or bytes (sections do not matter for loading).
  const salvage = <T>(fallback: T, read: () => T): T => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      warnings.push(`${e.message}: ignored, ${LOST}`);
      return fallback;
    }
  };
  const names = shstrndx !== 0 && shstrndx < raw.length ? raw[shstrndx]! : undefined;
  if (shstrndx !== 0 && !names) warnings.push(`section name table index ${shstrndx} is out of range (${raw.length} sections): sections have no names, so .init_array and .eh_frame entries are left to run-time lifting`);
  const nameTable = names ? salvage(new Uint8Array(0), () => r.subarray(names.offset, names.size, 'section name table')) : new Uint8Array(0);
  return raw.map(({ nameOff, ...s }, i) => {
    const name = nameTable.length ? salvage('', () => stringAt(nameTable, nameOff, 'section name')) : '';
    // Section 0 (SHT_NULL) may carry counts in sh_size, so it never has data.
    const hasData = s.type !== SHT_NOBITS && s.type !== SHT_NULL;
    const data = hasData ? salvage(new Uint8Array(0), () => r.subarray(s.offset, s.size, `section ${name || i}`)) : new Uint8Array(0);
    return { name, ...s, data };
  });
}

const SYMBOL_TYPES: ElfSymbolType[] = ['notype', 'object', 'func', 'section', 'file', 'other', 'tls'];
const SYMBOL_BINDS = ['local', 'global', 'weak'] as const;

function readSymbols(sections: ElfSection[]): ElfSymbol[] {
  // a stripped shared object (ld.so, libc.so.6) still has the dynamic symbols it exports
  const symtab = sections.find((s) => s.type === SHT_SYMTAB) ?? sections.find((s) => s.type === SHT_DYNSYM);
  if (!symtab) return [];
  const entsize = symtab.entsize || 24;
  if (entsize < 24) throw new ElfFormatError('not-elf', `not a valid ELF file (.symtab entry size ${entsize}, expected 24)`);
  const strtab = sections[symtab.link];
  if (!strtab) throw new ElfFormatError('truncated', `truncated ELF: .symtab refers to missing string table section ${symtab.link}`);
  const d = symtab.data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const out: ElfSymbol[] = [];
  for (let o = entsize; o + 24 <= d.length; o += entsize) { // entry 0 is the null symbol
    const info = d[o + 4]!;
    const vlo = view.getUint32(o + 8, true), vhi = view.getUint32(o + 12, true);
    const slo = view.getUint32(o + 16, true), shi = view.getUint32(o + 20, true);
    if (vhi >= 0x200000 || shi >= 0x200000) continue; // cannot be a guest address; not worth failing the file for
    const t = info & 0xf, b = info >> 4;
    out.push({
      name: stringAt(strtab.data, view.getUint32(o, true), 'symbol name'),
      value: u64Value(vlo, vhi),
      size: u64Value(slo, shi),
      type: t === 10 ? 'ifunc' : SYMBOL_TYPES[t] ?? 'other',
      bind: SYMBOL_BINDS[b] ?? 'other',
      shndx: view.getUint16(o + 6, true),
    });
  }
  return out;
}

/** IFUNC relocations the static startup code applies itself; the translator needs the resolver addresses. */
function readIrelative(sections: ElfSection[]): { offset: number; addend: number }[] {
  const out: { offset: number; addend: number }[] = [];
  for (const s of sections) {
    if (s.type !== SHT_RELA || (s.flags & SHF_ALLOC) === 0) continue;
    const entsize = s.entsize || 24;
    if (entsize < 24) throw new ElfFormatError('not-elf', `not a valid ELF file (${s.name} entry size ${entsize}, expected 24)`);
    const r = new Reader(s.data);
    for (let o = 0; o + 24 <= s.data.length; o += entsize) {
      if (r.u32(o + 8) !== R_AARCH64_IRELATIVE) continue;
      const addend = Number(r.view.getBigInt64(o + 16, true)); // r_addend is signed
      if (!Number.isSafeInteger(addend)) throw new ElfFormatError('bad-address', `IRELATIVE addend ${hex(addend)} is too large`);
      out.push({ offset: r.u64(o, 'relocation offset'), addend });
    }
  }
  return out;
}

function stringAt(table: Uint8Array, off: number, what: string): string {
  if (off >= table.length) {
    if (off === 0) return ''; // empty table, empty name
    throw new ElfFormatError('truncated', `truncated ELF: ${what} at ${hex(off)} is past the end of its string table`);
  }
  return cString(table, off);
}

/** NUL-terminated string starting at off (to the end of the table if unterminated). */
function cString(table: Uint8Array, off: number): string {
  const end = table.indexOf(0, off);
  return utf8.decode(table.subarray(off, end < 0 ? table.length : end));
}
