// The translation cache: keys, hits, least-recently-used eviction, listing and cleaning. The
// translator is a stand-in that counts its calls (real translations are tested elsewhere).
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, cleanCache, defaultCacheDir, defaultCacheSize, evict, listCache, parseSize, translateCached, translateLibraryCached, type LibraryTranslator, type Translator } from '../../src/node/cache.ts';
import { TRANSLATOR_VERSION } from '../../src/version.ts';
import { DEFAULT_OPTIMIZE, DEFAULT_PROTECT } from '../../src/translate-options.ts';

let dir: string;
let calls: number;
/** a "translation" of `size` bytes, different per input */
const fake = (size: number): Translator => (bytes) => {
  calls++;
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, size));
  return out;
};
const elf = (n: number) => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, n]);
/** sets an entry's last use to `t` seconds after the epoch */
const usedAt = (key: string, t: number) => utimesSync(join(dir, `${key}.wasm`), t, t);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'elf2wasm-cache-'));
  calls = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('translateCached', () => {
  it('translates on a miss and reads the same bytes back on a hit', async () => {
    const a = await translateCached(elf(1), {}, { dir, name: 'a.elf' }, fake(100));
    const b = await translateCached(elf(1), {}, { dir, name: 'a.elf' }, fake(100));
    expect([a.cached, b.cached, calls]).toEqual([false, true, 1]);
    expect(Buffer.from(b.wasm).equals(Buffer.from(a.wasm))).toBe(true);
  });

  it('keys by content and options, with defaults spelled out or not being the same', async () => {
    expect(cacheKey(elf(1), {})).toBe(cacheKey(elf(1), { optimize: DEFAULT_OPTIMIZE, protect: DEFAULT_PROTECT, entries: [] }));
    expect(cacheKey(elf(1), { entries: [8, 4] })).toBe(cacheKey(elf(1), { entries: [4, 8, 4] }));
    const keys = new Set([cacheKey(elf(1), {}), cacheKey(elf(2), {}), cacheKey(elf(1), { optimize: DEFAULT_OPTIMIZE + 1 }), cacheKey(elf(1), { protect: 'full' }), cacheKey(elf(1), { entries: [4] })]);
    expect(keys.size).toBe(5);
    await translateCached(elf(1), { optimize: 0 }, { dir }, fake(10));
    await translateCached(elf(1), { optimize: 1 }, { dir }, fake(10));
    expect(calls).toBe(2);
  });

  it('keys a library by its content and own options: any path, any program (entries, interpreter), never a program\'s entry', async () => {
    const libs: string[] = [];
    const fakeLib: LibraryTranslator = (lib, options) => {
      libs.push(`${lib.path} ${JSON.stringify(options)}`);
      return new Uint8Array([1, 2, 3]);
    };
    const a = await translateLibraryCached({ path: '/lib/libc.so.6', bytes: elf(1) }, { optimize: 0, entries: [4] }, { dir, name: 'libc.so.6' }, fakeLib);
    const b = await translateLibraryCached({ path: '/usr/lib/libc.so.6', bytes: elf(1) }, { optimize: 0, interpreter: { path: '/lib/ld.so', bytes: elf(9) } }, { dir }, fakeLib);
    expect([a.cached, b.cached, a.key === b.key, libs.length]).toEqual([false, true, true, 1]);
    // the program's own options do not reach the library's translation
    expect(libs[0]).toBe('/lib/libc.so.6 {"optimize":0}');
    expect((await translateLibraryCached({ path: '/lib/libc.so.6', bytes: elf(1) }, { optimize: 1 }, { dir }, fakeLib)).cached).toBe(false);
    expect(a.key).not.toBe(cacheKey(elf(1), { optimize: 0 }));
    expect(listCache(dir).find((e) => e.key === a.key)?.name).toBe('libc.so.6');
  });

  it('describes each entry for `cache ls`: name, options, translator version, size', async () => {
    await translateCached(elf(1), { optimize: 0, protect: 'full' }, { dir, name: 'tool.elf' }, fake(300));
    expect(listCache(dir)).toEqual([{
      key: cacheKey(elf(1), { optimize: 0, protect: 'full' }), bytes: 300, used: expect.any(Number) as number, name: 'tool.elf', version: TRANSLATOR_VERSION,
      options: { optimize: 0, protect: 'full', entries: [], callDepthLimit: 2000, relaxedSimd: false, loopReentry: true },
    }]);
  });

  it('evicts the least recently used entries beyond the size limit; a hit counts as a use', async () => {
    const keys = [1, 2, 3].map((n) => cacheKey(elf(n), {}));
    for (const n of [1, 2, 3]) await translateCached(elf(n), {}, { dir, maxBytes: 1000 }, fake(300));
    keys.forEach((k, i) => usedAt(k, 1000 + i)); // used in the order 1, 2, 3
    // a hit on 1 makes 2 the oldest
    expect((await translateCached(elf(1), {}, { dir, maxBytes: 1000 }, fake(300))).cached).toBe(true);
    await translateCached(elf(4), {}, { dir, maxBytes: 1000 }, fake(300));
    const left = listCache(dir).map((e) => e.key);
    expect([...left].sort()).toEqual([keys[0]!, keys[2]!, cacheKey(elf(4), {})].sort());
    expect(left.at(-1)).toBe(keys[2]); // most recently used first: 3 is the oldest now
    // the evicted one translates again
    expect((await translateCached(elf(2), {}, { dir, maxBytes: 1000 }, fake(300))).cached).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(3); // descriptions go with their entries
  });

  it('keeps the translation just made even when it alone exceeds the limit', async () => {
    await translateCached(elf(1), {}, { dir, maxBytes: 100 }, fake(50));
    await translateCached(elf(2), {}, { dir, maxBytes: 100 }, fake(500));
    expect(listCache(dir).map((e) => e.key)).toEqual([cacheKey(elf(2), {})]);
  });

  it('still translates when the cache cannot be written', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const r = await translateCached(elf(1), {}, { dir: file }, fake(10));
    expect([r.cached, r.wasm.byteLength]).toEqual([false, 10]);
  });
});

describe('evict and cleanCache', () => {
  it('evict removes the oldest first until the rest fit', async () => {
    for (const n of [1, 2, 3]) await translateCached(elf(n), {}, { dir }, fake(100));
    [1, 2, 3].forEach((n) => usedAt(cacheKey(elf(n), {}), 2000 - n)); // 3 is the oldest
    expect(evict(dir, 150).map((e) => e.key)).toEqual([cacheKey(elf(3), {}), cacheKey(elf(2), {})]);
    expect(listCache(dir).map((e) => e.key)).toEqual([cacheKey(elf(1), {})]);
  });

  it('cleanCache removes every entry and leftovers of interrupted writes, nothing else', async () => {
    for (const n of [1, 2]) await translateCached(elf(n), {}, { dir }, fake(100));
    writeFileSync(join(dir, `${cacheKey(elf(9), {})}.wasm.123.tmp`), 'partial');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(cleanCache(dir)).toHaveLength(2);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(listCache(join(dir, 'missing'))).toEqual([]);
  });
});

describe('configuration', () => {
  const saved = { ...process.env };
  afterEach(() => { process.env = { ...saved }; });

  it('ELF2WASM_CACHE_DIR moves the cache, else XDG_CACHE_HOME/elf2wasm', () => {
    process.env.ELF2WASM_CACHE_DIR = '/somewhere/else';
    expect(defaultCacheDir()).toBe('/somewhere/else');
    delete process.env.ELF2WASM_CACHE_DIR;
    process.env.XDG_CACHE_HOME = '/xdg';
    expect(defaultCacheDir()).toBe('/xdg/elf2wasm');
  });

  it('ELF2WASM_CACHE_SIZE sets the limit, in bytes or with a unit', () => {
    delete process.env.ELF2WASM_CACHE_SIZE;
    expect(defaultCacheSize()).toBe(2 ** 30);
    process.env.ELF2WASM_CACHE_SIZE = '500M';
    expect(defaultCacheSize()).toBe(500 * 2 ** 20);
    expect([parseSize('123'), parseSize('2g'), parseSize('1.5KiB'), parseSize('0')]).toEqual([123, 2 * 2 ** 30, 1536, 0]);
    expect(() => parseSize('lots', 'ELF2WASM_CACHE_SIZE')).toThrow(/ELF2WASM_CACHE_SIZE must be a size such as 500M or 2G, not "lots"/);
  });
});
