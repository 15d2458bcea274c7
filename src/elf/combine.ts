// Several loaded images (a program and its interpreter, each at its base) seen as one address
// space, so that discovery and the module emitter translate them together: one dispatch table,
// one memory image. The first image is the program: its headers, entry and TLS are the view's.
import { hex } from './errors.ts';
import { segmentAccess } from './image-view.ts';
import type { ElfImage } from './parse.ts';

export function combineImages(images: readonly ElfImage[]): ElfImage {
  const [program, ...others] = images;
  if (!program) throw new Error('internal error: no images to combine');
  if (!others.length) return program;
  const segments = images.flatMap((i) => i.segments).sort((a, b) => a.vaddr - b.vaddr);
  for (let k = 1; k < segments.length; k++) {
    const prev = segments[k - 1]!, s = segments[k]!;
    if (s.vaddr < prev.vaddr + prev.memsz) throw new Error(`internal error: loaded images overlap at ${hex(s.vaddr)}`);
  }
  const symbols = images.flatMap((i) => i.symbols);
  return {
    ...program,
    ...segmentAccess(segments, symbols),
    segments,
    sections: images.flatMap((i) => i.sections),
    symbols,
    irelative: images.flatMap((i) => i.irelative),
    relative: images.flatMap((i) => i.relative),
    warnings: images.flatMap((i) => i.warnings),
  };
}
