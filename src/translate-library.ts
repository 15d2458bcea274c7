// translateLibrary(file) → { wasm, meta }: a shared library (libc.so.6, libm.so.6, …) translated on
// its own, at the base its content picks (elf/load-plan.ts planLibrary), into an extension module
// (wasm/module.ts emitLibrary). It depends on nothing but the file and the options, so one
// translation serves every program that loads that library: a run installs it into the program's
// function and dispatch tables once ld.so has mapped the file at its base (runtime/lifting.ts).
// Everything outside the library (the program, ld.so, other libraries: PLT/GOT calls) is reached
// through the program's dispatcher, as code lifted at run time reaches it.
import { aarch64 } from './arch/aarch64/index.ts';
import { fnv1a } from './content-hash.ts';
import { planLibrary, type InterpreterFile } from './elf/load-plan.ts';
import { discover } from './lift/discover.ts';
import { functionExtents } from './lift/runtime-lift.ts';
import { MODULE_ABI } from './abi.ts';
import { LOW_AREA_END, LOW_PAGE_TABLE, MIN_GUEST_ADDR } from './runtime/layout.ts';
import type { LibraryMeta } from './meta.ts';
import { keepsPageTable, resolveTranslateOptions, usesLowArea, type TranslateOptions } from './translate-options.ts';
import type { ProgressListener } from './translate-progress.ts';
import { TRANSLATOR_VERSION } from './version.ts';
import { appendCustomSection, META_SECTION } from './wasm/custom-section.ts';
import { emitLibrary } from './wasm/module.ts';

const PF_X = 1;

export interface LibraryTranslation { wasm: Uint8Array; meta: LibraryMeta; millis: number }

/**
 * `options`: optimize, callDepthLimit, protect, relaxedSimd and loopReentry as the program's (a run installs a library only
 * into a program translated alike); entries are the program's and do not apply. Under 'pages'
 * and 'full' its checks read the page table at LOW_PAGE_TABLE, where a program linked at or
 * above LOW_AREA_END keeps it (module.ts).
 */
export function translateLibrary(lib: InterpreterFile, options: TranslateOptions = {}, onProgress?: ProgressListener): LibraryTranslation {
  const t0 = performance.now();
  const opts = resolveTranslateOptions(options);
  const plan = planLibrary(lib);
  const program = discover(plan.image, aarch64);
  const fns = [...program.functions.values()].sort((a, b) => a.entry - b.entry);
  // libraries lie far above LOW_AREA_END (load-plan.ts LIBRARY_AREA)
  const lowEnd = usesLowArea(opts.protect) ? LOW_AREA_END : MIN_GUEST_ADDR;
  // the program's page table lies at LOW_PAGE_TABLE (a program whose lowEnd is lower cannot use the library)
  const pageTable = keepsPageTable(opts.protect) ? LOW_PAGE_TABLE : 0;
  const wasm = emitLibrary(fns, aarch64, { optimize: opts.optimize, callDepthLimit: opts.callDepthLimit, protect: { mode: opts.protect, pageTable, lowEnd, storeEnd: lowEnd, stackGuard: 0 }, relaxedSimd: opts.relaxedSimd, loopReentry: opts.loopReentry, onProgress });
  let blocks = 0;
  for (const fn of fns) blocks += fn.blocks.size;
  const meta: LibraryMeta = {
    version: TRANSLATOR_VERSION,
    abi: MODULE_ABI,
    kind: 'library',
    arch: 'aarch64',
    insnAlignLog2: aarch64.insnAlignLog2,
    base: plan.base,
    end: plan.image.imageEnd,
    size: plan.size,
    align: plan.align,
    protect: opts.protect,
    lowEnd,
    pageTable,
    callDepthLimit: opts.callDepthLimit,
    code: plan.image.segments.filter((s) => s.flags & PF_X).map((s) => ({ offset: s.offset, size: s.filesz, hash: fnv1a(lib.bytes.subarray(s.offset, s.offset + s.filesz)) })),
    functions: functionExtents(fns, aarch64),
    stats: { functions: fns.length, instructions: program.instructions, blocks, wasmBytes: wasm.byteLength },
  };
  return { wasm: appendCustomSection(wasm, META_SECTION, new TextEncoder().encode(JSON.stringify(meta))), meta, millis: Math.round(performance.now() - t0) };
}
