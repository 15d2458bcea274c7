// The contract between an architecture (decode + semantics) and the arch-neutral lifter/emitter.
import type * as ir from '../wasm/ir.ts';
import type { ElfImage } from '../elf/parse.ts';

export type Expr = ir.ExpressionRef;

/** The code and data a lifter may read: an ELF image at build time, guest memory at run time. */
export type CodeImage = Pick<ElfImage, 'read' | 'readU32' | 'isCode'>;

/** the Wasm name of the shared helper function `name` (Arch.helpers), added once per module */
export const helperId = (name: string): string => `helper_${name}`;

/** Control-flow effect of one instruction, as discovery needs it. */
export type Flow =
  | { kind: 'fall' }
  | { kind: 'jump'; target: number }
  | { kind: 'cond'; target: number }
  | { kind: 'call'; target: number }
  | { kind: 'icall' }
  | { kind: 'ijump' }
  | { kind: 'ret' }
  /** no successor: a trap, or bytes that do not decode */
  | { kind: 'stop' };

export interface Insn {
  pc: number;
  word: number;
  /** encoding name from the decode table ('UNDEF' when nothing matches) */
  name: string;
  flow: Flow;
}

export type RegType = 'i64' | 'i32' | 'v128';

/** A guest register kept in a Wasm local inside translated functions, homed in the state block. */
export interface RegisterDesc { name: string; type: RegType; offset: number }

/** What semantics may do while one instruction is lifted. Implemented by the Wasm emitter. */
export interface Builder {
  readonly m: ir.Module;
  /** address of the instruction being lifted */
  readonly pc: number;
  get(reg: number): Expr;
  set(reg: number, value: Expr): void;
  /** append a statement to the current block */
  emit(stmt: Expr): void;
  /**
   * a local of the given Wasm type, fresh within the current block (later blocks reuse it); with
   * `value`: the local is set to it here (an item of the block), once — the block never sets
   * it again, so that accesses through it are known to share a base (protect 'pages')
   */
  temp(type: ir.Type, value?: Expr): number;
  /** the Wasm address of a guest load (or store, `write`) at guest address `a` (i64), to be used with `offset(write)` */
  addr(a: Expr, write?: boolean): Expr;
  /**
   * the constant offset every load (or store and fill, `write`) of an `addr()` result for it adds:
   * under protect 'null' or 'pages', addr() gives the address less the runtime's low area (64 KiB
   * or LOW_AREA_END; for a store under 'null', less the end of the executable's read-only
   * segments above it), so that an address there wraps to beyond the memory and the engine's own
   * bounds check traps
   */
  offset(write?: boolean): number;
  /**
   * whether addr() checks each access's page (protect 'pages', 'bounds', 'full'): bytes of one
   * instruction on another page then need an addr() of their own (a pair's second register)
   */
  readonly checksPages: boolean;
  /**
   * A count that grows whenever register `reg` (without one: guest memory, by a store or a
   * syscall) may be written: equal counts at two instructions of one block mean it is unchanged
   * between them. Optional: without it, nothing is known.
   */
  version?(reg?: number): number;
  /**
   * the v128 `v` with bits 64–127 zero (an A64 64-bit vector op's result): `v` itself where they
   * are known to be (a lane-wise op of such values written earlier in the block)
   */
  zeroHigh(v: Expr): Expr;
  /**
   * the instruction raises a signal (TrapKind: SIGILL, SIGTRAP) or names a jump with no target: the
   * guest's handler runs, after which the process goes on where its context says (not after this
   * instruction), or the process ends
   */
  trap(kind: number, info: number | bigint): void;
  /** Linux syscall through the host import: args are number then up to six arguments (i64) */
  syscall(nr: Expr, args: Expr[]): Expr;
  /** the instructions at guest address `addr` may have changed (instruction-cache invalidation) */
  invalidateCode(addr: Expr): void;
  /** a shared helper function (created once per module by the arch's helper factory) */
  helper(name: string): string;
  /** per-block scratch for the arch (e.g. where the flags came from); cleared at block start */
  scratch: Map<string, unknown>;
}

export interface JumpTableContext {
  /** the decoded instruction at an address of this function, if any */
  at(pc: number): Insn | undefined;
  /** the function's extent: targets outside it mean the analysis went wrong */
  range?: { start: number; end: number };
  /**
   * the addresses of the instructions that can execute right before the one at `pc` (branches to
   * it, and the previous instruction when it falls through or a call returns to it), over the
   * function discovered so far; undefined where control also arrives from outside (the function
   * entry, targets of unresolved indirect jumps); [] where nothing reaches `pc` (code after a
   * call that never returns). Without it the analysis looks only at the block it is given.
   */
  predecessors?(pc: number): number[] | undefined;
  /**
   * told why the indirect jump is not a recognisable table (for the discovery report);
   * `unreadable`: it reads a table whose entries cannot be known here (a computed goto whose
   * label table is position-independent offsets, its base in a spilled register)
   */
  reject?(reason: string, unreadable?: boolean): void;
}

export interface Arch {
  readonly name: string;
  readonly registers: readonly RegisterDesc[];
  /** the condition flags: kept in locals only, not carried across calls and returns (AAPCS64) */
  readonly flagRegs: readonly number[];
  /** the stack pointer: under protect 'null' and 'pages' a write of it into the stack's guard faults */
  readonly spReg?: number;
  /** instructions (and so branch targets) are aligned to 2^insnAlignLog2 bytes */
  readonly insnAlignLog2: number;
  decode(word: number, pc: number): Insn;
  /** emits the instruction; for cond/icall/ijump/ret returns the condition (i32) or target (i64) */
  lift(insn: Insn, b: Builder): Expr | void;
  /**
   * targets of an indirect jump ending `block`, if it is a recognisable jump table (`ctx` gives
   * the rest of the function: predecessors for bounds checks and hoisted table bases)
   */
  resolveJumpTable(block: Insn[], image: CodeImage, ctx: JumpTableContext): number[] | undefined;
  /** code addresses that instructions in this block materialise (adr, adrp+add): function-pointer candidates */
  codeRefs(block: Insn[], image: CodeImage): number[];
  /** the constant address an indirect jump ending `block` loads its target from (a PLT entry's GOT slot) */
  jumpSlot?(block: Insn[]): number | undefined;
  /** code addresses that literal-pool loads in this block read (`ldr x0, =func`) */
  literalCodePointers?(block: Insn[], image: CodeImage): number[];
  /**
   * whether the dispatcher may enter at the instruction after `insn`: a system call, after which a
   * process that had to wait resumes, a fork child and a new thread start. Discovery makes that
   * an entry point, as a call's return site is.
   */
  resumesAfter?(insn: Insn): boolean;
  /** shared helper functions used by semantics (name → builder that adds it to the module) */
  readonly helpers: Record<string, (m: ir.Module, name: string) => void>;
}
