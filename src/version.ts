// Part of every cache key. The build stamps a hash of the translator's sources into it, so a
// changed translator never reuses translations made by an older one.
declare const __ELF2WASM_BUILD__: string | undefined;

export const TRANSLATOR_VERSION = `0.1.0+${typeof __ELF2WASM_BUILD__ === 'string' ? __ELF2WASM_BUILD__ : 'dev'}`;
