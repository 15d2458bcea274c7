// What the translator tells the runtime about a translated program (serialisable as JSON).
import type { ProtectMode } from './translate-options.ts';

export interface TranslationMeta {
  /** translator version that produced the module (part of cache keys) */
  version: string;
  /** the module contract it was built for (src/abi.ts MODULE_ABI), checked on load */
  abi: number;
  arch: 'aarch64';
  /** instructions are aligned to 2^insnAlignLog2 bytes (the dispatch hash drops those bits) */
  insnAlignLog2: number;
  /** the program's entry point (AT_ENTRY), at its load base */
  entry: number;
  /** where a position-independent program was loaded (0 for a fixed-address one): src/elf/load-plan.ts */
  base?: number;
  /** a dynamically linked program's interpreter, translated with it: the guest starts at its entry, AT_BASE is its base */
  interp?: { path: string; base: number; entry: number };
  /** shared libraries translated with the program: the runtime's mmap of that file (by name and size) without an address places it at `base` */
  libraries?: { path: string; base: number; end: number; size: number; align: number }[];
  /** guest address of the program headers, their entry size and count (AT_PHDR/AT_PHENT/AT_PHNUM) */
  phdrAddr: number;
  phent: number;
  phnum: number;
  /** lowest and highest (exclusive) guest address of the loaded image */
  imageStart: number;
  imageEnd: number;
  /** end (exclusive, page aligned) of the image plus translator-private data; the heap may start here */
  privateEnd: number;
  /** memory protection the code was translated with (TranslateOptions.protect) */
  protect: ProtectMode;
  /** guest address of the page table translated code checks accesses against (abi.ts), 0: none */
  pageTable: number;
  /** guest addresses below it are the runtime's, never the guest's (64 KiB, or under protect
   *  'null' and 'pages' runtime/layout.ts LOW_AREA_END, where the dispatch table then lies) */
  lowEnd: number;
  /** PT_LOAD ranges [start, end, PROT_*] as the kernel maps them */
  segments: [number, number, number][];
  /** executable PT_LOAD ranges [start, end): code the run-time lifter may lift */
  code: [number, number][];
  /** nested calls kept on the Wasm stack (translate option), also for code lifted at run time */
  callDepthLimit: number;
  /** the module uses relaxed SIMD (TranslateOptions.relaxedSimd); code lifted at run time does too */
  relaxedSimd?: boolean;
  /** the module's loops re-enter their function (TranslateOptions.loopReentry), and so do those of code lifted at run time */
  loopReentry?: boolean;
  /** guest PCs given to the build as extra entries (learned from earlier runs) */
  learnedEntries?: number;
  /** sorted function symbols, for naming PCs in error messages: [address, name] */
  symbols: [number, string][];
  /** what was translated (no translation time: the same input and options give the same bytes) */
  stats: { functions: number; instructions: number; blocks: number; wasmBytes: number };
}

/**
 * A shared library translated on its own (translate-library.ts): an extension module (abi.ts)
 * that a run installs once its ld.so has mapped that file at `base`, shared by every program.
 */
export interface LibraryMeta {
  version: string;
  abi: number;
  kind: 'library';
  arch: 'aarch64';
  insnAlignLog2: number;
  base: number;
  /** end of its image (exclusive) at `base` */
  end: number;
  /** the file's size (a run matches the file ld.so maps by name and size) and its largest p_align (glibc's reservation is span + p_align) */
  size: number;
  align: number;
  protect: ProtectMode;
  /** as TranslationMeta.lowEnd: a program with a lower one cannot use it */
  lowEnd: number;
  /** the page table its checks name (protect 'pages': LOW_PAGE_TABLE), 0 without checks: a program must keep its own there */
  pageTable: number;
  callDepthLimit: number;
  /** the file's executable segments (file offset, size, fnv1a of those bytes): a run installs the module only over the same code */
  code: { offset: number; size: number; hash: number }[];
  /** the module's functions in export order (f0, f1, …): entry PCs ([0] the function's) and the extent of their code */
  functions: { entries: number[]; start: number; end: number }[];
  stats: { functions: number; instructions: number; blocks: number; wasmBytes: number };
}

export const TrapKind = {
  /** an instruction the translator does not implement (info = encoding) → SIGILL */
  Unimplemented: 1,
  /** control reached a guest address with no translated code (info = target) */
  UnknownTarget: 2,
  /** brk instruction (info = immediate) → SIGTRAP */
  Breakpoint: 3,
  /** an undefined encoding: udf, hlt (info = encoding) → SIGILL */
  Undefined: 4,
} as const;
