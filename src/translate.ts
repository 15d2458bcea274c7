// translate(bytes) → { wasm, meta }: the whole pipeline, isomorphic (no node: imports).
import { aarch64 } from './arch/aarch64/index.ts';
import { parseElf } from './elf/parse.ts';
import { moduleSegments, planLoad } from './elf/load-plan.ts';
import { discover } from './lift/discover.ts';
import { formatReport } from './lift/report.ts';
import type { TranslationMeta } from './meta.ts';
import { MODULE_ABI } from './abi.ts';
import { TRANSLATOR_VERSION } from './version.ts';
import { appendCustomSection, META_SECTION } from './wasm/custom-section.ts';
import { emitModule, type Emitted } from './wasm/module.ts';
import type { ElfImage } from './elf/parse.ts';
import type { LoadPlan } from './elf/load-plan.ts';
import type { Program } from './lift/discover.ts';
import { resolveTranslateOptions, type ResolvedTranslateOptions, type TranslateOptions } from './translate-options.ts';
import type { ProgressListener } from './translate-progress.ts';

export type { TranslateOptions } from './translate-options.ts';
export type { TranslateProgress, ProgressListener } from './translate-progress.ts';

export interface Translation {
  wasm: Uint8Array;
  meta: TranslationMeta;
  /** what the ELF loader ignored as Linux does (e.g. damaged section headers: fewer symbols), one line each */
  warnings: string[];
  /** with `{ report: true }`: what static discovery found, by source, and the indirect branches it left to run time */
  report?: string;
  /** how long the translation took; not in `meta`, so that the module is reproducible */
  millis: number;
}

export interface Diagnostics {
  /** with the translation: what static discovery found (Translation.report) */
  report?: boolean;
  /** called as the translation goes on (many times: throttle what it shows, see translate-progress.ts) */
  onProgress?: ProgressListener;
}

/** `diagnostics` do not change the translation (nor its cache key) */
export function translate(bytes: Uint8Array, options: TranslateOptions = {}, diagnostics: Diagnostics = {}): Translation {
  const t0 = performance.now();
  const prepared = prepareTranslation(bytes, options);
  const emitted = emitModule(prepared.image, prepared.program, aarch64, { ...prepared.opts, onProgress: diagnostics.onProgress });
  return completeTranslation(prepared, emitted, t0, diagnostics);
}

/** what a translation emits from: the ELF loaded as Linux would, and its code discovered */
export interface PreparedTranslation {
  opts: ResolvedTranslateOptions;
  plan: LoadPlan;
  image: ElfImage;
  program: Program;
}

export function prepareTranslation(bytes: Uint8Array, options: TranslateOptions): PreparedTranslation {
  const opts = resolveTranslateOptions(options);
  const plan = planLoad(parseElf(bytes), options.interpreter, options.libraries);
  // program and interpreter together (load-plan.ts): the interpreter's entry is where it starts
  const image = plan.combined;
  const program = discover(image, aarch64, plan.interp ? [...opts.entries, plan.start] : opts.entries);
  return { opts, plan, image, program };
}

/** the translation of an emitted module: its metadata appended (`t0`: when the translation began) */
export function completeTranslation({ opts, plan, image, program }: PreparedTranslation, { wasm, privateEnd, pageTable, lowEnd }: Emitted, t0: number, diagnostics: Diagnostics = {}): Translation {
  let blocks = 0;
  for (const fn of program.functions.values()) blocks += fn.blocks.size;
  const symbols: [number, string][] = image.symbols
    .filter((s) => s.type === 'func' || s.type === 'ifunc')
    .map((s): [number, string] => [s.value, s.name])
    .concat(program.names ?? [])
    .sort((a, b) => a[0] - b[0]);
  const meta: TranslationMeta = {
    version: TRANSLATOR_VERSION,
    abi: MODULE_ABI,
    arch: 'aarch64',
    insnAlignLog2: aarch64.insnAlignLog2,
    entry: image.entry,
    base: plan.base,
    ...(plan.interp ? { interp: { path: plan.interp.path, base: plan.interp.base, entry: plan.start } } : {}),
    phdrAddr: image.phdrAddr,
    phent: image.phentsize,
    phnum: image.phnum,
    imageStart: image.imageStart,
    imageEnd: image.imageEnd,
    privateEnd,
    protect: opts.protect,
    pageTable,
    lowEnd,
    segments: moduleSegments(image),
    code: image.segments.filter((s) => s.flags & 1 && !s.guestMapped).map((s): [number, number] => [s.vaddr, s.vaddr + s.memsz]),
    ...(plan.libraries.length ? { libraries: plan.libraries.map((l) => ({ path: l.path, base: l.base, end: l.image.imageEnd, size: l.size, align: l.align })) } : {}),
    callDepthLimit: opts.callDepthLimit,
    ...(opts.relaxedSimd ? { relaxedSimd: true } : {}),
    ...(opts.loopReentry ? { loopReentry: true } : {}),
    learnedEntries: opts.entries.length,
    symbols,
    stats: {
      functions: program.functions.size,
      instructions: program.instructions,
      blocks,
      wasmBytes: wasm.byteLength,
    },
  };
  return { wasm: appendCustomSection(wasm, META_SECTION, new TextEncoder().encode(JSON.stringify(meta))), meta, warnings: image.warnings, millis: Math.round(performance.now() - t0), ...(diagnostics.report ? { report: formatReport(program, image) } : {}) };
}

