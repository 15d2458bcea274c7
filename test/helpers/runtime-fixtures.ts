// Shared by the runtime unit tests: a memory-only module and a minimal translation meta.
import type { TranslationMeta } from '../../src/meta.ts';

/** (module (memory (export "memory") 1 65536)) written out by hand */
export const MEMORY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x05, 0x06, 0x01, 0x01, 0x01, 0x80, 0x80, 0x04, // memory section: 1 memory, has max, min 1, max 65536
  0x07, 0x0a, 0x01, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, // export "memory" = memory 0
]);

export const META: TranslationMeta = {
  version: 'test', arch: 'aarch64', entry: 0x400000, phdrAddr: 0x400040, phent: 56, phnum: 1,
  imageStart: 0x10000, imageEnd: 0x10000, privateEnd: 0x10000, symbols: [],
  stats: { functions: 0, instructions: 0, blocks: 0, wasmBytes: 0, millis: 0 },
};
