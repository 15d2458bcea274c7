// The programs a guest execs under Node: the executable's bytes, translated through the cache
// with the first program's options and compiled. Equal bytes are one image (busybox's applets,
// a program execing /proc/self/exe), so an exec of a program the run has seen is synchronous.
import { basename } from 'node:path';
import { ElfFormatError } from '../elf/errors.ts';
import { parseElf } from '../elf/parse.ts';
import type { TranslationMeta } from '../meta.ts';
import { E, Errno } from '../runtime/errno.ts';
import type { ProcessImage } from '../runtime/kernel.ts';
import type { TranslateOptions } from '../translate-options.ts';
import { META_SECTION, readJsonSection } from '../wasm/custom-section.ts';
import { contentDigest, faultHandlerProtect, translateCached } from './cache.ts';
import { translateInThread } from './translate-thread.ts';
import { withLibraries } from '../runtime/libraries.ts';
import { libraryImages } from './libraries.ts';
import { interpreterFor } from './sysroot.ts';

export type ImageLoader = (bytes: Uint8Array, path: string) => ProcessImage | Promise<ProcessImage>;

/**
 * A loader for Kernel's loadImage. `first`: the program the run starts with and its bytes.
 * What the translator refuses (another architecture, a dynamically linked executable) is ENOEXEC
 * before the point of no return, as Linux refuses a binary format it has no handler for.
 */
export function nodeImageLoader(options: TranslateOptions, opts: { cache: boolean; first?: { bytes: Uint8Array; image: ProcessImage }; trace?: (line: string) => void; sysroot?: string; libraries?: boolean; autoProtect?: boolean; onImage?: (meta: TranslationMeta, bytes: Uint8Array) => void }): ImageLoader {
  const images = new Map<string, ProcessImage | Promise<ProcessImage>>();
  // the first program is known by its digest from the first exec on (most runs exec nothing)
  let first = opts.first;
  return (bytes, path) => {
    if (first) images.set(contentDigest(first.bytes), first.image);
    first = undefined;
    const key = contentDigest(bytes);
    const known = images.get(key);
    if (known) return known;
    let withInterp: TranslateOptions;
    try {
      const image = parseElf(bytes);
      // a dynamic program is translated with its interpreter (its own, not the first program's)
      withInterp = { ...options, interpreter: interpreterFor(bytes, opts.sysroot) };
      if (opts.autoProtect) {
        const { options: checked, reason } = faultHandlerProtect(bytes, withInterp, opts.cache ? {} : false, image, key);
        if (reason) opts.trace?.(`execve ${path}: it ${reason}: translated with protect 'full'`);
        withInterp = checked;
      }
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      opts.trace?.(`execve ${path}: ${e.message}`);
      throw new Errno(E.ENOEXEC);
    }
    const loading = (async (): Promise<ProcessImage> => {
      const wasm = opts.cache
        ? (await translateCached(bytes, withInterp, { name: basename(path) }, undefined, key)).wasm
        : (await translateInThread(bytes, withInterp)).wasm;
      const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
      // and its own start-up libraries, each translated on its own (shared through the cache)
      const libraries = opts.libraries && withInterp.interpreter ? await libraryImages(bytes, path, opts.sysroot, withInterp, { cache: opts.cache, trace: opts.trace }) : [];
      const image: ProcessImage = { module, ...withLibraries(readJsonSection<TranslationMeta>(module, META_SECTION)!, libraries, opts.trace) };
      images.set(key, image);
      opts.onImage?.(image.meta, bytes);
      return image;
    })();
    images.set(key, loading);
    loading.catch(() => images.delete(key));
    return loading;
  };
}
