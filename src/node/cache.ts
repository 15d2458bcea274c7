// The translation cache on disk, one for the CLI and every bundler: keyed by ELF content,
// translator version and options, bounded in size with least-recently-used eviction.
//
// An entry is `<key>.wasm` and a small `<key>.json` describing it (for `elf2wasm cache ls`). The
// .wasm's mtime is its last use: a hit touches it, and after a write the oldest entries go
// until the cache fits its size limit again.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { InterpreterFile } from '../elf/load-plan.ts';
import { startUpFaultHandler } from '../elf/start-up-handlers.ts';
import { parseElfLayout, type ElfImage } from '../elf/parse.ts';
import { resolveTranslateOptions, trapsInEngine, type ResolvedTranslateOptions, type TranslateOptions } from '../translate-options.ts';
import { TRANSLATOR_VERSION } from '../version.ts';
import { translateInThread } from './translate-thread.ts';

/** the default size limit: a busybox at -O2 is ~15 MB, so dozens of programs and versions fit */
export const DEFAULT_CACHE_SIZE = 1 << 30;

export interface CacheOptions {
  /** the cache directory (default: defaultCacheDir()) */
  dir?: string;
  /** size limit in bytes (default: $ELF2WASM_CACHE_SIZE, else DEFAULT_CACHE_SIZE) */
  maxBytes?: number;
  /** what the entry is shown as by `elf2wasm cache ls` (the executable's file name) */
  name?: string;
}

/** one cached translation, as `elf2wasm cache ls` shows it */
export interface CacheEntry {
  key: string;
  /** the .wasm's size in bytes */
  bytes: number;
  /** last use (written or read), ms since the epoch */
  used: number;
  /** from the entry's description, when it has one */
  name?: string;
  version?: string;
  options?: ResolvedTranslateOptions;
}

/** $ELF2WASM_CACHE_DIR, else $XDG_CACHE_HOME/elf2wasm, else ~/.cache/elf2wasm */
export function defaultCacheDir(): string {
  return process.env.ELF2WASM_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'elf2wasm');
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A size such as `500M`, `2G`, `1.5g`, `123456` (bytes; K/M/G/T are powers of 1024, an optional
 *  trailing B or iB is ignored); throws a RangeError naming `what` otherwise. */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`${what} must be a size such as 500M or 2G, not ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

/** $ELF2WASM_CACHE_SIZE, else DEFAULT_CACHE_SIZE */
export function defaultCacheSize(): number {
  const env = process.env.ELF2WASM_CACHE_SIZE;
  return env ? parseSize(env, 'ELF2WASM_CACHE_SIZE') : DEFAULT_CACHE_SIZE;
}

/**
 * sha256 of an executable's bytes. A run's start needs it for the cache keys it tries and for the
 * fault-handler memo (rememberFaultHandler): it computes it once and passes it on as `digest`
 * (the functions below hash `bytes` themselves without one).
 */
export function contentDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `digest`: contentDigest(bytes), if the caller has it */
export function cacheKey(bytes: Uint8Array, options: TranslateOptions, digest = contentDigest(bytes)): string {
  // resolved: {} and the defaults spelled out are the same translation
  const hash = createHash('sha256').update(TRANSLATOR_VERSION).update(JSON.stringify(resolveTranslateOptions(options))).update(digest);
  // the interpreter translated with a dynamic program: its bytes and the path it is known by
  const interp = options.interpreter;
  if (interp) hash.update(`\0interpreter ${interp.path}\0`).update(interp.bytes);
  for (const lib of options.libraries ?? []) hash.update(`\0library ${lib.path}\0`).update(lib.bytes);
  return hash.digest('hex');
}

/** the translation itself, on a miss; the default loads the translator in this thread */
export type Translator = (bytes: Uint8Array, options: TranslateOptions) => Uint8Array | Promise<Uint8Array>;

/** on worker threads (the translator, and binaryen when optimising, load there: a cached run does not pay for them) */
const translateHere: Translator = async (bytes, options) => (await translateInThread(bytes, options)).wasm;

/** The translated module for `bytes`, from the cache when possible (`cached` says which). Every
 *  translation of the CLI and the bundler plugin goes through here, so equal options share entries. */
export async function translateCached(bytes: Uint8Array, options: TranslateOptions = {}, cache: CacheOptions = {}, translator: Translator = translateHere, digest?: string): Promise<{ wasm: Uint8Array; cached: boolean }> {
  return cachedModule(cacheKey(bytes, options, digest), options, cache, () => translator(bytes, options));
}

/**
 * A shared library translated on its own (translate-library.ts), from the cache when possible:
 * keyed by the library's content, the options and the translator's version only, so every
 * program that loads the same file shares one entry (`key` names it, e.g. for tests).
 */
export async function translateLibraryCached(lib: InterpreterFile, options: TranslateOptions = {}, cache: CacheOptions = {}, translator: LibraryTranslator = translateLibraryHere): Promise<{ wasm: Uint8Array; cached: boolean; key: string }> {
  // the program's own parts of the options (learned entries, its interpreter) do not apply
  const own = { optimize: options.optimize, callDepthLimit: options.callDepthLimit, protect: options.protect, relaxedSimd: options.relaxedSimd, loopReentry: options.loopReentry };
  const key = createHash('sha256').update(TRANSLATOR_VERSION).update('\0library\0').update(JSON.stringify(resolveTranslateOptions(own))).update(lib.bytes).digest('hex');
  return { ...(await cachedModule(key, own, cache, () => translator(lib, own))), key };
}

export type LibraryTranslator = (lib: InterpreterFile, options: TranslateOptions) => Uint8Array | Promise<Uint8Array>;
const translateLibraryHere: LibraryTranslator = async (lib, options) => (await import('../translate-library.ts')).translateLibrary(lib, options).wasm;

/**
 * Executables an earlier run saw install a SIGSEGV or SIGBUS handler (or make their read-only
 * segments writable): their process switched to
 * checked code lifted at run time (RuntimeCode.checkFaults), which costs seconds for a large
 * program on every run (bash when interactive, gawk, Rust programs). A later run translates such
 * an executable with protect 'full' ahead of time instead (faultHandlerProtect). An empty
 * `<sha256 of the executable>.handler` per program, kept until `elf2wasm cache clean`.
 */
export function rememberFaultHandler(bytes: Uint8Array, cache: CacheOptions = {}): void {
  const dir = cache.dir ?? defaultCacheDir();
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${contentDigest(bytes)}.handler`), '');
  } catch { /* a read-only cache is not an error */ }
}

/**
 * `options` for `bytes`, with protect 'full' when the default 'null' or 'pages' would switch to
 * checked code because the program installs a SIGSEGV or SIGBUS handler (faultHandlerReason),
 * and why; `cache` false: without the memos of earlier runs (no cache in use); `image`: `bytes`
 * parsed already; `digest`: its contentDigest, if the caller has it
 */
export function faultHandlerProtect<T extends TranslateOptions>(bytes: Uint8Array, options: T, cache: CacheOptions | false = {}, image?: ElfImage, digest?: string): { options: T; reason?: string } {
  if (!trapsInEngine(resolveTranslateOptions(options).protect)) return { options };
  const reason = faultHandlerReason(bytes, cache, image, digest);
  return reason ? { options: { ...options, protect: 'full' }, reason } : { options };
}

/**
 * Why a run of `bytes` will install a SIGSEGV or SIGBUS handler, if it is known: its language
 * runtime installs one at start-up (start-up-handlers.ts), or an earlier run saw it do so
 * (rememberFaultHandler)
 */
function faultHandlerReason(bytes: Uint8Array, cache: CacheOptions | false, image?: ElfImage, digest?: string): string | undefined {
  try {
    const runtime = startUpFaultHandler(image ?? parseElfLayout(bytes));
    if (runtime) return `is a ${runtime} program, whose runtime installs a SIGSEGV/SIGBUS handler at start-up`;
  } catch { /* not an ELF we load: translating it says why */ }
  if (!cache) return undefined;
  try {
    statSync(join(cache.dir ?? defaultCacheDir(), `${digest ?? contentDigest(bytes)}.handler`));
    return 'switched to checked code in an earlier run (a SIGSEGV/SIGBUS handler, or its read-only segments made writable)';
  } catch {
    return undefined; // not seen to install one
  }
}

/** the cached translation of `bytes` with `options`, or undefined (nothing is translated) */
export function cachedTranslation(bytes: Uint8Array, options: TranslateOptions = {}, cache: CacheOptions = {}, digest?: string): Uint8Array | undefined {
  return readEntry(cacheKey(bytes, options, digest), cache);
}

function readEntry(key: string, cache: CacheOptions): Uint8Array | undefined {
  const file = join(cache.dir ?? defaultCacheDir(), `${key}.wasm`);
  try {
    const wasm = readFileSync(file);
    touch(file);
    return wasm;
  } catch {
    return undefined; // not cached yet
  }
}

async function cachedModule(key: string, options: TranslateOptions, cache: CacheOptions, produce: () => Uint8Array | Promise<Uint8Array>): Promise<{ wasm: Uint8Array; cached: boolean }> {
  const hit = readEntry(key, cache);
  if (hit) return { wasm: hit, cached: true };
  const dir = cache.dir ?? defaultCacheDir();
  const wasm = await produce();
  try {
    mkdirSync(dir, { recursive: true });
    const about = { name: cache.name, version: TRANSLATOR_VERSION, options: resolveTranslateOptions(options) };
    writeAtomically(join(dir, `${key}.json`), JSON.stringify(about));
    writeAtomically(join(dir, `${key}.wasm`), wasm);
    evict(dir, cache.maxBytes ?? defaultCacheSize(), key);
  } catch { /* a read-only cache is not an error */ }
  return { wasm, cached: false };
}

/** concurrent users never see a partial file */
function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** marks an entry as just used (a read-only cache keeps its old order) */
function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch { /* read-only */ }
}

/** the cache's entries, most recently used first */
export function listCache(dir = defaultCacheDir()): CacheEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no cache yet
  }
  const entries: CacheEntry[] = [];
  for (const n of names) {
    const key = /^([0-9a-f]{64})\.wasm$/.exec(n)?.[1];
    if (!key) continue;
    let st;
    try {
      st = statSync(join(dir, n));
    } catch {
      continue; // evicted meanwhile by another process
    }
    entries.push({ key, bytes: st.size, used: st.mtimeMs, ...describe(dir, key) });
  }
  return entries.sort((a, b) => b.used - a.used || a.key.localeCompare(b.key));
}

function describe(dir: string, key: string): Pick<CacheEntry, 'name' | 'version' | 'options'> {
  try {
    return JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as Pick<CacheEntry, 'name' | 'version' | 'options'>;
  } catch {
    return {}; // written by an older elf2wasm, or removed meanwhile
  }
}

function remove(dir: string, key: string): void {
  rmSync(join(dir, `${key}.wasm`), { force: true });
  rmSync(join(dir, `${key}.json`), { force: true });
}

/** Removes the least recently used entries until the rest fit in `maxBytes`; `keep` (the entry
 *  just written) stays even when it alone is larger. Returns the removed entries. */
export function evict(dir: string, maxBytes: number, keep?: string): CacheEntry[] {
  const entries = listCache(dir);
  let total = entries.reduce((s, e) => s + e.bytes, 0);
  const removed: CacheEntry[] = [];
  for (const e of entries.reverse()) {
    if (total <= maxBytes) break;
    if (e.key === keep) continue;
    remove(dir, e.key);
    total -= e.bytes;
    removed.push(e);
  }
  return removed;
}

/** Empties the cache (entries, descriptions, leftovers of interrupted writes); returns the removed entries. */
export function cleanCache(dir = defaultCacheDir()): CacheEntry[] {
  const entries = listCache(dir);
  for (const e of entries) remove(dir, e.key);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch { /* no cache */ }
  for (const n of names) if (/^[0-9a-f]{64}\.(wasm|json|handler)/.test(n)) rmSync(join(dir, n), { force: true });
  return entries;
}
