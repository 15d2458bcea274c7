// The translation cache's entries by the name they were stored under (cache.ts writes a small
// <key>.json beside each <key>.wasm): for tests that check which translations a run made or reused.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** an entry's key, its .wasm's inode (a hit reads the file, a new translation replaces it: a new inode) and the protection it was translated with */
export interface StoredEntry { key: string; ino: number; protect?: string }

/** the entries named `name` (a program's or a library's file name) in the cache directory `dir` */
export function cacheEntries(dir: string, name: string): StoredEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
    .map((f) => ({ key: f.slice(0, -5), about: JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name?: string; options?: { protect?: string } } }))
    .filter((e) => e.about.name === name)
    .map((e) => ({ key: e.key, ino: statSync(join(dir, `${e.key}.wasm`)).ino, protect: e.about.options?.protect }));
}
