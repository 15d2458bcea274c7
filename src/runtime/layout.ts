// Fixed guest-address layout shared by the translator (generated code) and the runtime.
// Guest address A is Wasm linear-memory address A. Static AArch64 executables load at
// 0x400000 or above, so the low 64 KiB (below Linux's mmap_min_addr) is ours.
import { PAGE_SHIFT, PAGE_TABLE_SIZE } from '../abi.ts';


/** CPU state block: registers that must be visible outside one translated function. */
export const STATE_BASE = 0x1000;
export const STATE = {
  /** x0..x30 at 8*n; sp is register 31 here. */
  x: (n: number) => STATE_BASE + 8 * n,
  sp: STATE_BASE + 8 * 31,
  pc: STATE_BASE + 256,
  /** NZCV as four i32 (0/1): n, z, c, v. */
  n: STATE_BASE + 264,
  z: STATE_BASE + 268,
  c: STATE_BASE + 272,
  v: STATE_BASE + 276,
  tpidr: STATE_BASE + 280,
  fpcr: STATE_BASE + 288,
  fpsr: STATE_BASE + 292,
  /**
   * The local exclusive monitor (arch/aarch64/table/exclusive.ts; EXCL_* registers): the address a load exclusive
   * marked, stored complemented so that a zeroed state block (a new process or thread) has none;
   * 0 = open. exclusiveVal/exclusiveHigh: the value(s) it loaded, which the store exclusive compares.
   */
  exclusiveAddr: STATE_BASE + 296,
  /** i32, sticky: 1 once the guest wrote FPCR or FPSR; FP ops then honour rounding modes and set FPSR flags */
  fpStrict: STATE_BASE + 304,
  exclusiveVal: STATE_BASE + 312,
  exclusiveHigh: STATE_BASE + 320,
  /** v0..v31, 16 bytes each. */
  vreg: (n: number) => STATE_BASE + 512 + 16 * n,
  end: STATE_BASE + 1024,
} as const;

/** Scratch memory the runtime uses for WASI call arguments/results (never guest-visible). */
export const SCRATCH_BASE = 0x2000;
export const SCRATCH_END = 0x10000;

/** The lowest guest address a loadable segment may use. */
export const MIN_GUEST_ADDR = 0x10000;
/**
 * Under protect 'null' and 'pages', guest addresses below this are the runtime's when the image
 * starts at or above it (GNU ld's 0x400000, and every position-independent program:
 * elf/load-plan.ts PIE_BASE): the dispatch table ('pages': and the page table) lies there, and a
 * guest access traps as one below 64 KiB does.
 */
export const LOW_AREA_END = 0x400000;
/**
 * Under protect 'pages', where the page table lies when the low area is LOW_AREA_END (the top of
 * it): one place for every program, so that libraries translated on their own can name it. A
 * program whose image lies lower keeps its table after the image.
 */
export const LOW_PAGE_TABLE = LOW_AREA_END - PAGE_TABLE_SIZE;
/**
 * The main stack's guard: this much unmapped space between the runtime's private data and the
 * stack (Linux keeps 256 pages, stack_guard_gap, below a stack). Under protect 'null' and 'pages' a write of
 * the stack pointer into it faults (function.ts), so an overflow stops there.
 */
export const STACK_GUARD = 1 << 20;

export const PAGE_SIZE = 1 << PAGE_SHIFT;

/**
 * Under protect 'null', guest stores below this trap as those below `lowEnd` do (function.ts
 * addr): the executable's read-only segments from `lowEnd` up to its first writable one (.text
 * and .rodata, and the holes between them), page-aligned as the kernel maps them. `lowEnd` itself
 * for other modes ('pages' checks stores against its table), where the lowest segment is
 * writable and where the image does not start at `lowEnd`. `segments`: the executable's PT_LOAD
 * ranges [start, end, PROT_*] (TranslationMeta.segments).
 * The runtime switches a process to checked code before anything there becomes writable
 * (RuntimeCode.checkFaults).
 */
export function storeEnd(mode: string, lowEnd: number, segments: readonly (readonly [number, number, number])[]): number {
  const sorted = [...segments].sort((a, b) => a[0] - b[0]);
  // an image above the low area leaves room below it that must stay writable (libraries' places)
  if (mode !== 'null' || !sorted.length || Math.floor(sorted[0]![0] / PAGE_SIZE) * PAGE_SIZE > lowEnd) return lowEnd;
  let end = lowEnd;
  for (const [start, stop, prot] of sorted) {
    if (prot & 2) return Math.max(lowEnd, Math.floor(start / PAGE_SIZE) * PAGE_SIZE); // PROT_WRITE
    if (start >= lowEnd) end = Math.ceil(stop / PAGE_SIZE) * PAGE_SIZE;
  }
  return end;
}
/** guest addresses are below 2^32 (one 32-bit Wasm memory) */
export const ADDR_LIMIT = 2 ** 32;
/** the signal stack minimum reported in AT_MINSIGSTKSZ and enforced by sigaltstack */
export const MINSIGSTKSZ = 5120;
export const WASM_PAGE = 65536;
