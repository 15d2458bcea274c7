// translate()'s options, apart from translate.ts so that cache keys need not load the translator.
import type { InterpreterFile } from './elf/load-plan.ts';

export interface TranslateOptions {
  /** binaryen optimisation level 0..4 (default DEFAULT_OPTIMIZE) */
  optimize?: number;
  /** nested guest calls kept on the Wasm stack before unwinding to the dispatcher (default 2000) */
  callDepthLimit?: number;
  /** extra entry PCs to translate ahead of time: code lifted at run time in earlier runs (learning builds) */
  entries?: readonly number[];
  /**
   * memory protection: how guest loads and stores are checked before they run (a refused one is
   * SIGSEGV, delivered to the guest's handler with the registers of the faulting instruction)
   * - 'none': no checks, so a bad address reads or writes whatever Wasm memory is there
   * - 'null' (default): the runtime's low area (below 64 KiB, or below LOW_AREA_END when the image
   *   lies above it: the CPU state, scratch and dispatch table) and addresses beyond the memory
   *   fault through the engine's own bounds check, for one add per access (no branch), and so do
   *   stores to the executable's read-only segments (layout.ts storeEnd):
   *   the process dies with SIGSEGV (status 139). Such a trap is not precise: once the guest
   *   installs a SIGSEGV/SIGBUS handler the process goes on in code lifted at run time with
   *   'full' checks (RuntimeCode.checkFaults), so that its faults reach the handler
   * - 'pages': as 'null', and unmapped memory (after munmap, holes between mappings, the stack
   *   guard) and writes to read-only mappings (.text, .rodata, mprotect) trap as well: the page
   *   table's byte for the page is ORed into the address (one load and an OR per access, no
   *   branch; accesses relative to the stack pointer are left to its guard check, as under
   *   'null'). The traps are as imprecise as 'null''s, with the same switch for a handler;
   *   64-bit addresses alias as under 'null'. 1.13-1.26x the instructions of 'null' (README)
   * - 'bounds': the null page, the runtime's low area and 64-bit addresses fault
   * - 'full': a page table as well: unmapped memory, read-only mappings (.text, .rodata,
   *   mprotect), the stack guard and all of the runtime's data fault as on Linux
   * Jumps to a NULL, unmapped or misaligned address fault in every mode (the dispatcher sees them).
   */
  protect?: ProtectMode;
  /**
   * the module may use relaxed SIMD (Chrome/Edge 114+, Firefox 146+, Node 22+, and Node 20 with the
   * flag node/engine.ts sets; not Safari): FMADD
   * and friends then do the engine's fused multiply-add inline (relaxed_madd) instead of calling
   * it through an import, which V8 cannot inline (FMA-heavy loops ~1.3-1.6x faster). Either way
   * it is used only where the runtime proved it fused (runtime/fma.ts), else the exact software
   * FMA. Default false: a module every engine with SIMD compiles. `elf2wasm run` turns it on
   * (it runs the module in its own Node).
   */
  relaxedSimd?: boolean;
  /**
   * loops re-enter their function now and then (wasm/reentry.ts), so that a loop running for
   * seconds leaves the engine's baseline code for its optimised code: V8 has no on-stack
   * replacement for Wasm and starts every function in its baseline tier, in browsers and in
   * `elf2wasm run` alike. Costs a counter per loop iteration; saves 1.5-2.5x where a loop would
   * stay in the baseline tier. Default true; false only for engines that replace a running
   * loop's code themselves.
   */
  loopReentry?: boolean;
  /**
   * a dynamically linked program's interpreter (PT_INTERP, e.g. /lib/ld-linux-aarch64.so.1) as
   * the sysroot holds it (src/node/sysroot.ts finds it): translated with the program, at its own
   * base. Part of the cache key by content, not an option that resolveTranslateOptions returns.
   */
  interpreter?: InterpreterFile;
  /**
   * shared libraries a dynamic program loads at start-up, translated ahead of time with it (each
   * at a fixed base where the runtime's mmap puts that file when ld.so maps it); without them
   * libraries are lifted at run time. Part of the cache key by content, like `interpreter`.
   */
  libraries?: InterpreterFile[];
}

export type ProtectMode = 'none' | 'null' | 'pages' | 'bounds' | 'full';

/**
 * Whether a mode's faults are the engine's own bounds check ('null', 'pages'): accesses use the
 * address less the low area's end, the stack pointer's writes are checked against the main
 * stack's guard, and a SIGSEGV/SIGBUS handler makes the process run 'full'-checked code
 * (RuntimeCode.checkFaults), since such traps are not precise.
 */
export const trapsInEngine = (mode: ProtectMode): boolean => mode === 'null' || mode === 'pages';

/** Whether a mode checks accesses against a page table ('pages', 'full'): at LOW_PAGE_TABLE for an image at or above LOW_AREA_END, so that libraries translated on their own can name it */
export const keepsPageTable = (mode: ProtectMode): boolean => mode === 'pages' || mode === 'full';

/** Whether a mode keeps the runtime's data in a low area up to LOW_AREA_END for an image above it (every mode that traps or checks pages) */
export const usesLowArea = (mode: ProtectMode): boolean => trapsInEngine(mode) || keepsPageTable(mode);

/**
 * The CLI's, the plugin's and the API's memory protection: the null page for one add per access
 * (callgrind, matmul: at most +3.5 % instructions, where 'bounds' costs +19 %).
 */
export const DEFAULT_PROTECT: ProtectMode = 'null';

/**
 * The CLI's, the plugin's and the API's optimisation level. V8's optimising compiler does what
 * binaryen's passes would: -O0 code runs as fast as -O2 code (bench, see the README), and
 * binaryen's optimiser is most of a translation's time (hello-glibc: 1.9 s at -O0, 15 s at -O2).
 */
export const DEFAULT_OPTIMIZE = 0;
/** the options that describe a translation (JSON-serialisable) */
export type ResolvedTranslateOptions = Required<Omit<TranslateOptions, 'interpreter' | 'libraries'>>;
const PROTECT_MODES: readonly ProtectMode[] = ['none', 'null', 'pages', 'bounds', 'full'];

/** the options with their defaults, checked (one place for the CLI, the plugin and cache keys) */
export function resolveTranslateOptions(options: TranslateOptions = {}): ResolvedTranslateOptions {
  const optimize = options.optimize ?? DEFAULT_OPTIMIZE;
  if (!Number.isInteger(optimize) || optimize < 0 || optimize > 4) throw new RangeError(`optimize must be 0..4, not ${String(optimize)}`);
  const entries = [...new Set(options.entries ?? [])].sort((a, b) => a - b);
  if (entries.some((e) => !Number.isInteger(e) || e <= 0 || e >= 2 ** 32)) throw new RangeError('entries must be guest addresses (integers in 1..2^32-1)');
  // sorted and unique: the same entries in any order are the same translation (and cache key)
  const protect = options.protect ?? DEFAULT_PROTECT;
  if (!PROTECT_MODES.includes(protect)) throw new RangeError(`protect must be one of ${PROTECT_MODES.join(', ')}, not ${String(protect)}`);
  const relaxedSimd = options.relaxedSimd ?? false;
  if (typeof relaxedSimd !== 'boolean') throw new TypeError(`relaxedSimd must be true or false, not ${String(relaxedSimd)}`);
  const loopReentry = options.loopReentry ?? true;
  if (typeof loopReentry !== 'boolean') throw new TypeError(`loopReentry must be true or false, not ${String(loopReentry)}`);
  return { optimize, callDepthLimit: options.callDepthLimit ?? 2000, entries, protect, relaxedSimd, loopReentry };
}
