// unplugin-elf: the isomorphic core (translator + runtime). Node helpers live in 'unplugin-elf/node'.
import binaryen from 'binaryen';
import { useOptimizer } from './wasm/optimize.ts';

// translate() at optimize > 0 runs binaryen's passes (src/wasm/optimize.ts)
useOptimizer(binaryen);
export { translate, type TranslateOptions, type Translation } from './translate.ts';
export { translateLibrary, type LibraryTranslation } from './translate-library.ts';
export type { LibraryMeta, TranslationMeta } from './meta.ts';
export type { LibraryImage } from './runtime/libraries.ts';
export { ElfFormatError } from './elf/errors.ts';
export { META_SECTION, readJsonSection } from './wasm/custom-section.ts';
export { TRANSLATOR_VERSION } from './version.ts';
export { createProgram, ProgramError, serveWorker, type ElfProgram, type ProgramErrorCode, type ProgramSource, type RunOptions, type RunResult, type WorkerLike } from './program/index.ts';
