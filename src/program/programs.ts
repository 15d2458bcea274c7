// Programs a bundled program can execve, registered by guest path (ProgramSource.programs). Each
// path gets an executable file in the guest's file system holding a stub: an AArch64 ELF header
// (so the kernel's checks pass as for a real executable) and the index of its translated module,
// which the run's loadImage hands back. Keying by the file's contents rather than its path lets
// links, copies and `#!` interpreters reach the program as they would on Linux.
import { E, Errno } from '../runtime/errno.ts';
import type { ProcessImage } from '../runtime/kernel.ts';

/** the translated programs of a run: guest path → index into `images` (paths may share one) */
export interface ProgramImages { paths: Record<string, number>; images: ProcessImage[] }

const MARK = 'unplugin-elf bundled program #';
const HEADER = 64;

/** ELFCLASS64, little-endian, ET_EXEC, EM_AARCH64, then the mark and the index */
export function programStub(index: number): Uint8Array {
  const text = new TextEncoder().encode(`${MARK}${index}\n`);
  const stub = new Uint8Array(HEADER + text.length);
  stub.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  stub[16] = 2; // e_type
  stub[18] = 183; // e_machine
  stub[20] = 1; // e_version
  stub[52] = HEADER; // e_ehsize
  stub.set(text, HEADER);
  return stub;
}

/** the stubs to lay into the guest's file system (under the run's own files) */
export function programFiles(programs: ProgramImages | undefined): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(programs?.paths ?? {}).map(([path, index]) => [path, programStub(index)]));
}

/** Kernel's loadImage over the registered programs; any other executable is one this host cannot
 *  run (ENOEXEC, as without a loader). */
export function programLoader(programs: ProgramImages): (bytes: Uint8Array) => ProcessImage {
  return (bytes) => {
    const text = new TextDecoder().decode(bytes.subarray(HEADER));
    const m = bytes.length > HEADER && new RegExp(`^${MARK}(\\d+)\\n$`).exec(text);
    const image = m ? programs.images[Number(m[1])] : undefined;
    if (image) return image;
    throw new Errno(E.ENOEXEC);
  };
}
