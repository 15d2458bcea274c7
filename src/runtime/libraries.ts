// Shared libraries translated on their own (src/translate-library.ts) joining a program's run. The
// host gives a process image the library modules its program loads at start-up; the program's
// meta then lists where each goes (TranslationMeta.libraries), so that the runtime's mmap puts
// that file at the base its code was translated for when ld.so maps it (syscalls/mm.ts), and
// the library's module is installed then (RuntimeCode.libraryMapped). A library whose file is
// mapped elsewhere (its range taken) is lifted at run time as before.
import { MODULE_ABI } from '../abi.ts';
import { fnv1a } from '../content-hash.ts';
import type { LibraryMeta, TranslationMeta } from '../meta.ts';

/**
 * a compiled library module, its metadata (the module's elf2wasm.meta section) and the guest path
 * the program's ld.so finds the file at (the translation is the file's, whatever its path)
 */
export interface LibraryImage { module: WebAssembly.Module; meta: LibraryMeta; path: string }

/**
 * whether `mapped` (the start of a file as mmap put it at the library's base) holds the code the
 * library was translated from: another file of the same name and size must not run its translation
 */
export function sameCode(lib: LibraryMeta, mapped: Uint8Array): boolean {
  return lib.code.length > 0 && lib.code.every((c) => c.offset + c.size <= mapped.length && fnv1a(mapped.subarray(c.offset, c.offset + c.size)) === c.hash);
}

/** why `lib` cannot join a program translated as `meta`, or undefined when it can */
export function incompatible(lib: LibraryMeta, meta: TranslationMeta): string | undefined {
  if (lib.kind !== 'library') return 'not a library translation';
  if (lib.abi !== MODULE_ABI || lib.arch !== meta.arch || lib.insnAlignLog2 !== meta.insnAlignLog2) return `module contract ${lib.abi} (${lib.arch}), not ${MODULE_ABI} (${meta.arch})`;
  if (lib.protect !== meta.protect) return `translated with protect '${lib.protect}', the program with '${meta.protect}'`;
  // its code would trap on the program's own addresses below its lowEnd
  if (lib.lowEnd > meta.lowEnd) return `its code takes guest addresses below 0x${lib.lowEnd.toString(16)} for the runtime's, the program's start at 0x${meta.lowEnd.toString(16)}`;
  if (lib.pageTable !== meta.pageTable) return `its checks read the page table at 0x${lib.pageTable.toString(16)}, the program keeps its own at 0x${meta.pageTable.toString(16)}`;
  if (meta.libraries?.some((l) => l.base < lib.end && lib.base < l.end)) return 'its range overlaps another library the program has';
  return undefined;
}

/**
 * The program's meta with the placements of `libraries` it can use; the others are left out
 * (reported through `trace`): they are lifted at run time. Meta that has them already is
 * returned as it is.
 */
export function withLibraries(meta: TranslationMeta, libraries: readonly LibraryImage[], trace?: (line: string) => void): { meta: TranslationMeta; libraries: LibraryImage[] } {
  const out: LibraryImage[] = [];
  let placed = meta;
  for (const lib of libraries) {
    // placed already (the same meta given again): kept as it is
    if (meta.libraries?.some((l) => l.base === lib.meta.base && l.path === lib.path && l.size === lib.meta.size)) {
      out.push(lib);
      continue;
    }
    const why = incompatible(lib.meta, placed) ?? (lib.meta.base < meta.privateEnd ? 'the program reaches its base' : undefined);
    if (why) {
      trace?.(`library ${lib.path}: its translation is not used (${why})`);
      continue;
    }
    const { base, end, size, align } = lib.meta;
    placed = { ...placed, libraries: [...(placed.libraries ?? []), { path: lib.path, base, end, size, align }] };
    out.push(lib);
  }
  return { meta: placed, libraries: out };
}
