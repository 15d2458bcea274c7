// Translation cache on disk, keyed by ELF content, translator version and options.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveTranslateOptions, type TranslateOptions } from '../translate-options.ts';
import { TRANSLATOR_VERSION } from '../version.ts';

export function defaultCacheDir(): string {
  return process.env.ELF2WASM_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'elf2wasm');
}

export function cacheKey(bytes: Uint8Array, options: TranslateOptions): string {
  // resolved: {} and the defaults spelled out are the same translation
  return createHash('sha256').update(TRANSLATOR_VERSION).update(JSON.stringify(resolveTranslateOptions(options))).update(bytes).digest('hex');
}

/** the translated module for `bytes`, from the cache when possible; `cached` says which */
export async function translateCached(bytes: Uint8Array, options: TranslateOptions = {}, dir = defaultCacheDir()): Promise<{ wasm: Uint8Array; cached: boolean }> {
  const file = join(dir, `${cacheKey(bytes, options)}.wasm`);
  try {
    return { wasm: readFileSync(file), cached: true };
  } catch { /* not cached yet */ }
  // loaded only on a miss: binaryen is 12 MB of JavaScript, a cached run should not pay for it
  const { translate } = await import('../translate.ts');
  const { wasm } = translate(bytes, options);
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, wasm);
    renameSync(tmp, file); // atomic: concurrent runs never see a partial file
  } catch { /* a read-only cache is not an error */ }
  return { wasm, cached: false };
}
