// The lifter the runtime loads on its first miss (src/runtime/lifting.ts): discovers the code
// at a guest PC in guest memory, with the functions it calls that nothing translated yet, and
// emits them as one extension module. It pulls in binaryen, so only this entry point loads it.
import { aarch64 } from '../arch/aarch64/index.ts';
import type { Protection } from '../wasm/context.ts';
import { emitExtension } from '../wasm/module.ts';
import { discoverFunction, type GuestFunction } from './discover.ts';
import type { Arch, CodeImage, Insn } from './types.ts';

export interface LiftRequest {
  /** guest memory as the lifter may read it; isCode: executable mappings */
  code: CodeImage;
  /** addresses the program already has code for: lifted code reaches them through the dispatcher */
  isEntry(pc: number): boolean;
  /** function-table index the first lifted function will have */
  tableIndex: number;
  callDepthLimit: number;
  /** the program's memory protection, which lifted code follows too */
  protect: Protection;
  /** whether the program's module uses relaxed SIMD (TranslateOptions.relaxedSimd): lifted code does alike */
  relaxedSimd?: boolean;
  /** whether the program's loops re-enter their function (TranslateOptions.loopReentry): lifted code's loops do alike */
  loopReentry?: boolean;
}

export interface LiftedCode {
  wasm: Uint8Array;
  tableIndex: number;
  /** in table order: entry points ([0] the function entry) and the extent of their instructions */
  functions: { entries: number[]; start: number; end: number }[];
  instructions: number;
}

export interface RuntimeLifter { lift(pc: number, request: LiftRequest): LiftedCode }

/** one miss lifts at most this much: the function reached plus callees nothing translated yet */
const MAX_FUNCTIONS = 64;
const MAX_INSTRUCTIONS = 50_000;

function lift(arch: Arch, pc: number, req: LiftRequest): LiftedCode {
  const decodeAt = (a: number): Insn | undefined => {
    if (a % 2 ** arch.insnAlignLog2 || !req.code.isCode(a)) return undefined;
    const w = req.code.readU32(a);
    return w === undefined ? undefined : arch.decode(w, a);
  };
  const fns: GuestFunction[] = [];
  const seen = new Set<number>();
  const isEntry = (a: number) => seen.has(a) || req.isEntry(a);
  const pending = [pc];
  let instructions = 0;
  while (pending.length && fns.length < MAX_FUNCTIONS && instructions < MAX_INSTRUCTIONS) {
    const at = pending.shift()!;
    if (seen.has(at) || (at !== pc && req.isEntry(at))) continue;
    seen.add(at);
    const fn = discoverFunction(at, `lifted_${at.toString(16)}`, undefined, decodeAt, isEntry, arch, req.code, new Set());
    if (!fn.blocks.has(at)) continue;
    fns.push(fn);
    for (const blk of fn.blocks.values()) instructions += blk.insns.length;
    for (const c of fn.callees) if (!isEntry(c) && decodeAt(c)) pending.push(c);
  }
  const wasm = emitExtension(fns, arch, { optimize: 0, callDepthLimit: req.callDepthLimit, tableIndex: req.tableIndex, protect: req.protect, relaxedSimd: req.relaxedSimd ?? false, loopReentry: req.loopReentry ?? false });
  return { wasm, tableIndex: req.tableIndex, functions: functionExtents(fns, arch), instructions };
}

/** what the runtime installs of an extension module's functions: their entries and the extent of their code */
export function functionExtents(fns: readonly GuestFunction[], arch: Arch): LiftedCode['functions'] {
  return fns.map((fn) => {
    let start = Infinity, end = 0;
    for (const blk of fn.blocks.values()) {
      start = Math.min(start, blk.start);
      end = Math.max(end, blk.insns[blk.insns.length - 1]!.pc + 2 ** arch.insnAlignLog2);
    }
    return { entries: fn.entries, start, end };
  });
}

export const runtimeLifter: RuntimeLifter = { lift: (pc, req) => lift(aarch64, pc, req) };
