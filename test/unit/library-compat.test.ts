// Which library translations a program can install (runtime/libraries.ts incompatible): a
// library's code carries the program's memory protection, its low area and, under protect
// 'pages', the page table's address in every check, so any difference leaves it to run-time lifting.
import { describe, expect, it } from 'vitest';
import { MODULE_ABI } from '../../src/abi.ts';
import type { LibraryMeta, TranslationMeta } from '../../src/meta.ts';
import { incompatible } from '../../src/runtime/libraries.ts';
import { LOW_AREA_END, LOW_PAGE_TABLE, MIN_GUEST_ADDR } from '../../src/runtime/layout.ts';
import { META } from '../helpers/runtime-fixtures.ts';

const lib = (over: Partial<LibraryMeta> = {}): LibraryMeta => ({
  version: 'test', abi: MODULE_ABI, kind: 'library', arch: 'aarch64', insnAlignLog2: 2, base: 0x7f0000000, end: 0x7f0100000,
  size: 0x100000, align: 0x10000, protect: 'pages', lowEnd: LOW_AREA_END, pageTable: LOW_PAGE_TABLE, callDepthLimit: 2000,
  code: [], functions: [], stats: { functions: 0, instructions: 0, blocks: 0, wasmBytes: 0 }, ...over,
});
const program = (over: Partial<TranslationMeta>): TranslationMeta => ({ ...META, protect: 'pages', lowEnd: LOW_AREA_END, pageTable: LOW_PAGE_TABLE, ...over });

describe('library translations a program can install', () => {
  it('under protect \'pages\' only with the page table where its checks read it', () => {
    expect(incompatible(lib(), program({}))).toBeUndefined();
    // a program linked below 4 MiB keeps its table after the image, with a low area of 64 KiB
    expect(incompatible(lib(), program({ lowEnd: MIN_GUEST_ADDR, pageTable: 0x600000 }))).toMatch(/below 0x400000/);
    expect(incompatible(lib(), program({ pageTable: 0x600000 }))).toBe('its checks read the page table at 0x200000, the program keeps its own at 0x600000');
  });
  it('not across protection modes; \'null\' libraries name no table', () => {
    expect(incompatible(lib(), program({ protect: 'null', pageTable: 0 }))).toBe('translated with protect \'pages\', the program with \'null\'');
    expect(incompatible(lib({ protect: 'null', pageTable: 0 }), program({ protect: 'null', pageTable: 0 }))).toBeUndefined();
  });
});
