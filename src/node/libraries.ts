// A dynamic program's start-up libraries under Node, each translated on its own through the cache
// (translate-library.ts, cache.ts translateLibraryCached) and compiled, for the runtime to install
// when the program's ld.so maps them (runtime/libraries.ts). A second program loading the same
// libc.so.6 finds its translation in the cache.
import { basename } from 'node:path';
import { ElfFormatError } from '../elf/errors.ts';
import type { LibraryMeta } from '../meta.ts';
import type { LibraryImage } from '../runtime/libraries.ts';
import type { TranslateOptions } from '../translate-options.ts';
import { META_SECTION, readJsonSection } from '../wasm/custom-section.ts';
import { translateLibraryCached, type CacheOptions, type LibraryTranslator } from './cache.ts';
import { libraryFiles } from './sysroot.ts';

export interface LibraryLoading {
  /** false: translate without the cache */
  cache: boolean;
  trace?: (line: string) => void;
  /** the translation itself (default: in this thread), e.g. with progress shown */
  translator?: LibraryTranslator;
  /** where the cache is and its size (default: the user's cache) */
  cacheOptions?: Omit<CacheOptions, 'name'>;
}

/** a start-up library's translation: `path` is where the program's ld.so finds the file */
export interface TranslatedLibrary { path: string; wasm: Uint8Array; cached: boolean; millis: number }

/**
 * The libraries `bytes` (a dynamic program at `guestPath`) loads at start-up, from `sysroot`,
 * translated with the program's options. A library the translator refuses is left to run time,
 * and so is one a program cannot use (runtime/libraries.ts incompatible: under 'pages' and 'full'
 * a program linked below LOW_AREA_END keeps its page table elsewhere).
 */
export async function translateLibraries(bytes: Uint8Array, guestPath: string, sysroot: string | undefined, options: TranslateOptions, how: LibraryLoading): Promise<TranslatedLibrary[]> {
  let files;
  try {
    files = libraryFiles(bytes, guestPath, sysroot);
  } catch (e) {
    // e.g. musl's DT_NEEDED libc.so, which a glibc sysroot holds as a linker script
    if (!(e instanceof ElfFormatError)) throw e;
    how.trace?.(`libraries are lifted at run time: ${e.message}`);
    return [];
  }
  const out: TranslatedLibrary[] = [];
  const interp = options.interpreter && Buffer.from(options.interpreter.bytes);
  for (const lib of files) {
    // a DT_NEEDED ld-linux-aarch64.so.1 (Debian's sed) is the interpreter, translated with the program
    if (interp?.equals(lib.bytes)) continue;
    const t0 = performance.now();
    let got: { wasm: Uint8Array; cached: boolean };
    try {
      got = how.cache
        ? await translateLibraryCached(lib, options, { ...how.cacheOptions, name: basename(lib.path) }, how.translator)
        : { wasm: await (how.translator ?? (async (l, o) => (await import('../translate-library.ts')).translateLibrary(l, o).wasm))(lib, options), cached: false };
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      how.trace?.(`library ${lib.path}: not translated ahead of time (${e.message})`);
      continue;
    }
    out.push({ path: lib.path, wasm: got.wasm, cached: got.cached, millis: Math.round(performance.now() - t0) });
  }
  return out;
}

/** translateLibraries, each compiled with its metadata, for a run under Node */
export async function libraryImages(bytes: Uint8Array, guestPath: string, sysroot: string | undefined, options: TranslateOptions, how: LibraryLoading): Promise<LibraryImage[]> {
  const images: LibraryImage[] = [];
  for (const { path, wasm, cached, millis } of await translateLibraries(bytes, guestPath, sysroot, options, how)) {
    const t0 = performance.now();
    const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
    const meta = readJsonSection<LibraryMeta>(module, META_SECTION)!;
    how.trace?.(`library ${path}: ${cached ? 'cached' : 'translated'} translation at 0x${meta.base.toString(16)}, ${meta.stats.functions} functions, ${(wasm.byteLength / 1024).toFixed(0)} KiB, ${(millis + performance.now() - t0).toFixed(0)} ms`);
    images.push({ module, meta, path });
  }
  return images;
}
