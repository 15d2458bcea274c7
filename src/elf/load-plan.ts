// Where the translator puts each image, as the kernel's ELF loader would: a fixed-address
// executable (ET_EXEC) where it was linked; a position-independent one (PIE, static-pie) at
// PIE_BASE; its interpreter (PT_INTERP, e.g. ld-linux-aarch64.so.1) just above the program.
//
// Guest memory is the Wasm memory 1:1 and grows only upwards, so every base is low and packed:
// - PIE_BASE = 4 MiB is where GNU ld links fixed-address AArch64 executables (0x400000), so a PIE
//   sits where the static build of the same program would, and [64 KiB, 4 MiB) stays unmapped:
//   small bogus pointers fault as on Linux (where a PIE lives far from zero);
// - the interpreter follows the program at the next 1 MiB boundary (Linux puts it in the mmap
//   area; here the break and the mmap area come after the runtime's data, runtime/memory.ts);
// - both are deterministic (the same program and interpreter give the same module) and aligned
//   to their largest p_align, as ld.so's own mapping of libraries expects.
// Above the last image come the translator's private data, the stack, the heap and mmaps.
//
// A shared library translated on its own (planLibrary) goes to a base chosen from its content in
// LIBRARY_AREA, far above any usual program, its stack and early heap: the same file gets the same
// base, hence the same translation, in every program that loads it, so one translation serves all.
import { fnv1a } from '../content-hash.ts';
import { ElfFormatError } from './errors.ts';
import { atBase } from './load-bias.ts';
import { combineImages } from './combine.ts';
import { parseElf, type ElfImage } from './parse.ts';

export const PIE_BASE = 0x400000;

/**
 * The segments of `image` its own module maps (not those ld.so maps, `guestMapped`), as
 * [start, end, PROT_*] (TranslationMeta.segments): PF_X, PF_W, PF_R are PROT_EXEC, PROT_WRITE,
 * PROT_READ in the other order.
 */
export function moduleSegments(image: ElfImage): [number, number, number][] {
  const prot = (flags: number) => ((flags & 1) << 2) | (flags & 2) | ((flags & 4) >> 2);
  return image.segments.filter((s) => !s.guestMapped).map((s): [number, number, number] => [s.vaddr, s.vaddr + s.memsz, prot(s.flags)]);
}
const INTERP_ALIGN = 0x100000;

/** the dynamic loader a program names in PT_INTERP, read from a sysroot by the host */
export interface InterpreterFile { path: string; bytes: Uint8Array }

export interface LoadPlan {
  /** the program at its base */
  program: ElfImage;
  base: number;
  interp?: { path: string; image: ElfImage; base: number };
  /** shared libraries translated ahead of time, each at the base the runtime's mmap gives its file */
  libraries: { path: string; image: ElfImage; base: number; size: number; align: number }[];
  /** all images as one address space (what is translated) */
  combined: ElfImage;
  /** where the first instruction runs: the interpreter's entry, else the program's */
  start: number;
}

/**
 * Where libraries translated on their own are placed: 1 MiB slots in [64 MiB, 512 MiB). The
 * memory grows to cover a library only when ld.so maps it there, so the area costs nothing
 * unmapped. Two libraries of one program may land on overlapping slots (about one chance in 100
 * per pair of ~2 MiB libraries): the runtime then maps the second as usual and lifts it at run time.
 */
export const LIBRARY_AREA = { start: 0x4000000, end: 0x20000000 } as const;

/** a library translated on its own: its image at its base (see LIBRARY_AREA) */
export interface LibraryPlan { path: string; image: ElfImage; base: number; size: number; align: number }

export function planLibrary(lib: InterpreterFile): LibraryPlan {
  const parsed = parseElf(lib.bytes);
  // (libc.so.6 names an interpreter too: it can run as a program; as a library that does not matter)
  if (parsed.type !== 'dyn') throw new ElfFormatError('not-executable', `${lib.path}: a shared library must be position independent`);
  const align = maxAlign(parsed);
  const slot = Math.max(INTERP_ALIGN, align);
  // its span from 0 (where the first segment starts), with room for glibc's reservation of
  // span + p_align (runtime/syscalls/mm.ts)
  const reach = alignUp(parsed.imageEnd + align, slot);
  const slots = Math.floor((LIBRARY_AREA.end - LIBRARY_AREA.start - reach) / slot);
  if (slots <= 0) throw new ElfFormatError('bad-address', `${lib.path}: a library of ${reach >>> 20} MiB does not fit the library area`);
  const base = LIBRARY_AREA.start + (fnv1a(lib.bytes) % slots) * slot;
  const image = atBase(parsed, base);
  for (const s of image.segments) s.guestMapped = true;
  return { path: lib.path, image, base, size: lib.bytes.length, align };
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;
const maxAlign = (image: ElfImage) => Math.max(0x10000, ...image.phdrs.filter((p) => p.type === 1).map((p) => p.align));

/**
 * `libraries` (the start-up libraries, in load order) are placed above the interpreter, each at
 * the next 1 MiB boundary; their segments are marked `guestMapped`: ld.so maps them, not the module.
 */
export function planLoad(file: ElfImage, interpreter?: InterpreterFile, libraries: readonly InterpreterFile[] = []): LoadPlan {
  if (file.interp !== undefined && !interpreter) {
    throw new ElfFormatError('dynamic', `dynamically linked ELF: it needs its interpreter ${file.interp} from a sysroot (a directory holding the AArch64 libraries, e.g. /usr/aarch64-linux-gnu): give one with elf2wasm -L DIR or QEMU_LD_PREFIX, as for qemu-aarch64, or the plugin's sysroot option`);
  }
  if (file.interp === undefined && file.needed.length) {
    throw new ElfFormatError('dynamic', `dynamically linked ELF (needs ${file.needed.join(', ')}, no interpreter): only executables with a PT_INTERP loader or static ones are supported`);
  }
  const base = file.type === 'dyn' ? alignUp(PIE_BASE, maxAlign(file)) : 0;
  const program = atBase(file, base);
  if (!interpreter) return { program, base, libraries: [], combined: program, start: program.entry };
  const parsed = parseElf(interpreter.bytes);
  if (parsed.type !== 'dyn' || parsed.interp !== undefined) {
    throw new ElfFormatError('not-executable', `${interpreter.path}: the interpreter must be a position-independent image without an interpreter of its own`);
  }
  const interpBase = alignUp(program.imageEnd, Math.max(INTERP_ALIGN, maxAlign(parsed)));
  const image = atBase(parsed, interpBase);
  const libs: LoadPlan['libraries'] = [];
  let end = image.imageEnd;
  for (const lib of libraries) {
    const parsedLib = parseElf(lib.bytes);
    if (parsedLib.type !== 'dyn') throw new ElfFormatError('not-executable', `${lib.path}: a shared library must be position independent`);
    const align = maxAlign(parsedLib);
    // a gap of 1 MiB before it: ld.so first reserves a library's span plus its alignment
    const libBase = alignUp(end + INTERP_ALIGN, Math.max(INTERP_ALIGN, align));
    const at = atBase(parsedLib, libBase);
    for (const s of at.segments) s.guestMapped = true;
    libs.push({ path: lib.path, image: at, base: libBase, size: lib.bytes.length, align });
    end = at.imageEnd;
  }
  const combined = combineImages([program, image, ...libs.map((l) => l.image)]);
  // room for that reservation above the last library too (below the runtime's private data)
  if (libs.length) combined.imageEnd = alignUp(end + INTERP_ALIGN, INTERP_ALIGN);
  return { program, base, interp: { path: interpreter.path, image, base: interpBase }, libraries: libs, combined, start: image.entry };
}
