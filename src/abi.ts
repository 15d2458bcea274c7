// The contract between a translated module and the runtime, in one place: what a program module
// imports and exports, how its dispatch table is laid out, and what a run-time lifted extension
// module imports from the program it links into. Both sides import these names; the runtime
// checks MODULE_ABI against the module's metadata on load. Binaryen-free (ships to browsers).

/** bumped whenever an import, export or table layout below changes meaning */
export const MODULE_ABI = 7;

/** imports of every translated module, from the runtime (module name `linux`) */
export const LINUX = 'linux';
export const IMPORT = {
  syscall: 'syscall',
  /**
   * an instruction that raises SIGILL or SIGTRAP (TrapKind, PC, info): the function has stored
   * its registers; the runtime delivers the signal to a guest handler and returns with STATE.pc
   * where the guest goes on (the function then returns to the dispatcher), or throws. A jump
   * with no target (TrapKind.UnknownTarget) always throws.
   */
  trap: 'trap',
  fma64: 'fma64',
  fma32: 'fma32',
  hwfma: 'hwfma',
  /** control reached a guest PC the dispatch table does not know: lift it or throw */
  miss: 'miss',
  /** `ic ivau`: instructions at this guest address may have changed */
  icache: 'icache',
  /**
   * a guest load or store the page table refuses (address, PC of the instruction): the function
   * has stored its registers and STATE.pc; the runtime delivers SIGSEGV/SIGBUS and returns with
   * STATE.pc where the guest goes on (the function then returns to the dispatcher), or throws
   */
  fault: 'fault',
} as const;

/**
 * Page table: two tables of one byte per 4 KiB guest page over the whole 32-bit address space,
 * reads then writes (PAGE_TABLE_WRITE bytes further), in memory the guest cannot reach (its own
 * entries say so). A byte is 0 where the access is allowed and PAGE_DENIED where it is not, so
 * that translated code under protect 'pages' can OR the sign-extended byte into the address
 * (all ones: beyond any memory, the engine traps) without a branch, and under 'full' branches to
 * its fault block on a nonzero byte. Addresses of 2^32 and above always fault under 'full'.
 */
export const PAGE_SHIFT = 12;
export const PAGE_TABLE_WRITE = 2 ** (32 - PAGE_SHIFT);
export const PAGE_TABLE_SIZE = 2 * PAGE_TABLE_WRITE;
export const PAGE_DENIED = 0xff;

/** exports of a program module; an extension module imports them from module `program` */
export const PROGRAM = 'program';
export const EXPORT = {
  memory: 'memory',
  run: 'run',
  /** nested guest calls on the Wasm stack (saved around nested runs, shared with extensions) */
  depth: 'depth',
  /** the function table every translated guest function lives in; extensions append to it */
  table: 'fns',
  lookup: 'lookup',
  dispatch: 'dispatch',
  /** where the dispatch table lives and log2 of its slot count (the runtime may move and grow it) */
  dispatchBase: 'dt_base',
  dispatchBits: 'dt_bits',
} as const;

/** An extension module exports its functions as `f0`, `f1`, … in the order it reports them. */
export const extensionExport = (k: number): string => `f${k}`;

/**
 * Dispatch table: open addressing over 2^bits slots of SLOT bytes — guest PC (u32, 0 = empty),
 * index in the function table (u32), entry index within that function (u32). Linear probing
 * from dispatchHash(pc).
 */
export const DISPATCH_SLOT = 16;

/** Fibonacci hashing of the word index; the generated lookup computes the same */
export function dispatchHash(pc: number, bits: number, alignLog2: number): number {
  return Math.imul(pc >>> alignLog2, 0x9e3779b1) >>> (32 - bits);
}

/**
 * Syscall numbers below zero that translated code passes to `linux.syscall` for things Linux
 * gives user space without a syscall, or that the runtime wants to hear of. `counter`: CNTVCT_EL0,
 * the virtual counter, which ticks at COUNTER_HZ (what CNTFRQ_EL0 reads; qemu-aarch64's rate) from
 * an arbitrary origin, monotonically. `pacga`: PACGA's result for its two operands (Xn, then Xm
 * or SP), computed with the thread's key, which only the runtime holds (runtime/pac.ts).
 */
export const PSEUDO_SYSCALL = { counter: -1, preempt: -2, poll: -3, pacga: -4 } as const;
/**
 * `preempt`: a loop that only another thread can end (a spin loop) has run PREEMPT_INTERVAL more
 * iterations in one call of its function. `poll`: any loop has run long (at a re-entry point,
 * wasm/reentry.ts). Either way the guest state is in memory with STATE.pc the loop's head, so
 * the runtime may take what came meanwhile (a signal from outside, a timer), run the handlers
 * with the head as the interrupted PC, let other threads and processes run (at once after
 * `preempt`, once the caller's time slice is over after `poll`), or unwind the caller to resume
 * at the head later (runtime/kernel.ts). A handler may leave another PC in STATE.pc: the
 * function then returns, as after a call that did not come back to it. Arguments: the index of
 * the caller in the function table and the head's entry index in it (a re-entry point, where the
 * runtime may resume the thread by calling it), or -1 (a spin loop's head: through the dispatcher);
 * third, 1 if that entry takes its PC from STATE.pc (an interpreter's dispatch, whose "head" is
 * the target it is about to switch on: not an entry the dispatch table may hold for that PC).
 * A shared library's functions have indices beyond the table (their place is known only when a
 * run installs them): the runtime does not resume those by calling them.
 */
export const PREEMPT_INTERVAL = 1 << 16;
export const COUNTER_HZ = 62_500_000;
