// Getting a program's compiled module and its translation metadata from a ProgramSource.
import type { LibraryMeta, TranslationMeta } from '../meta.ts';
import { hasRelaxedSimd } from '../runtime/fma.ts';
import { META_SECTION } from '../wasm/custom-section.ts';
import { ProgramError, type ProgramSource } from './types.ts';

type FsPromises = { readFile(path: URL): Promise<Uint8Array> };

/** node:fs/promises when running under Node (process.getBuiltinModule needs no import, so
 *  bundlers targeting browsers see nothing to resolve); undefined elsewhere. */
function nodeFs(): FsPromises | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:fs/promises') as FsPromises | undefined) : undefined;
}

async function compileBytes(name: string, bytes: Uint8Array | ArrayBuffer): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw badModule(name, e);
  }
}

/** a module the engine refused; an engine without relaxed SIMD is named, as a translation with `relaxedSimd` fails there */
function badModule(name: string, e: unknown): ProgramError {
  const why = hasRelaxedSimd() ? '' : ' (this engine has no relaxed SIMD: a program translated with `relaxedSimd: true` needs Chrome/Edge 114+, Firefox 146+ or Node 22+; translate it without)';
  return new ProgramError(name, 'BAD_MODULE', `not a valid WebAssembly module: ${e instanceof Error ? e.message : String(e)}${why}`, { cause: e });
}

function loadFailed(name: string, url: string | URL, why: unknown): ProgramError {
  return new ProgramError(name, 'LOAD_FAILED', `cannot load ${String(url)}: ${why instanceof Error ? why.message : String(why)}`, { cause: why });
}

/** `url`'s contents: the bytes of a file: URL under Node, else the (successful) fetch Response */
async function open(name: string, url: string | URL): Promise<Uint8Array | Response> {
  if (String(url).startsWith('file:')) {
    const fs = nodeFs();
    if (fs) {
      try {
        return await fs.readFile(new URL(url));
      } catch (e) {
        throw loadFailed(name, url, e);
      }
    }
  }
  if (typeof fetch !== 'function') throw loadFailed(name, url, 'fetch is not available here (give `bytes`, `module` or `load`)');
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw loadFailed(name, url, e);
  }
  if (!response.ok) throw loadFailed(name, url, `HTTP ${response.status} ${response.statusText}`.trim());
  return response;
}

async function bodyOf(name: string, url: string | URL, response: Response): Promise<ArrayBuffer> {
  try {
    return await response.arrayBuffer();
  } catch (e) {
    throw loadFailed(name, url, e);
  }
}

/** the bytes at `url` (http(s):, data:, blob:, or file: under Node) */
export async function fetchBytes(name: string, url: string | URL): Promise<Uint8Array> {
  const got = await open(name, url);
  return got instanceof Uint8Array ? got : new Uint8Array(await bodyOf(name, url, got));
}

/** the contents of `urls` (guest path → URL), fetched in parallel */
export async function fetchFiles(name: string, urls: Record<string, string | URL> = {}): Promise<Record<string, Uint8Array>> {
  return Object.fromEntries(await Promise.all(Object.entries(urls).map(async ([path, url]) => [path, await fetchBytes(name, url)] as const)));
}

/** the module at `url`, compiled (streaming where the server says application/wasm) */
export async function fetchModule(name: string, url: string | URL): Promise<WebAssembly.Module> {
  const got = await open(name, url);
  if (got instanceof Uint8Array) return compileBytes(name, got);
  // compileStreaming insists on the application/wasm MIME type; anything else goes by bytes.
  const type = got.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(type)) {
    try {
      return await WebAssembly.compileStreaming(got);
    } catch (e) {
      if (e instanceof WebAssembly.CompileError) throw badModule(name, e);
      throw loadFailed(name, url, e);
    }
  }
  return compileBytes(name, await bodyOf(name, url, got));
}

/** Throws unless `module` looks like a translated program (imports only from `linux`, exports
 *  `memory` and `run`), so a wrong file fails with a clear message rather than a LinkError. */
export function checkModule(name: string, module: WebAssembly.Module): void {
  const exports = WebAssembly.Module.exports(module);
  const has = (n: string, kind: string): boolean => exports.some((e) => e.name === n && e.kind === kind);
  const foreign = WebAssembly.Module.imports(module).find((i) => i.module !== 'linux');
  if (!has('memory', 'memory') || !has('run', 'function') || foreign) {
    const why = foreign ? `it imports ${foreign.module}.${foreign.name}` : 'it does not export `memory` and `run`';
    throw new ProgramError(name, 'BAD_MODULE', `not a translated program (${why})`);
  }
}

/** Compiles the source's module (not cached here: ElfProgram caches the promise). */
export async function compileSource(name: string, source: ProgramSource): Promise<WebAssembly.Module> {
  let module: WebAssembly.Module;
  if (source.module) {
    if (!(source.module instanceof WebAssembly.Module)) throw new ProgramError(name, 'BAD_MODULE', '`module` is not a WebAssembly.Module');
    module = source.module;
  } else if (source.bytes) module = await compileBytes(name, source.bytes);
  else if (source.load) {
    let bytes: Uint8Array | ArrayBuffer;
    try {
      bytes = await source.load();
    } catch (e) {
      throw new ProgramError(name, 'LOAD_FAILED', `load() failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    module = await compileBytes(name, bytes);
  } else if (source.url !== undefined) module = await fetchModule(name, source.url);
  else throw new ProgramError(name, 'NO_SOURCE', 'no module source: give one of `module`, `bytes`, `load` or `url`');
  checkModule(name, module);
  return module;
}

/** The translation metadata: `source.meta`, else the module's custom section. */
export function metaOf(name: string, module: WebAssembly.Module, given?: TranslationMeta): TranslationMeta {
  let meta: unknown = given;
  if (meta === undefined) {
    const [section] = WebAssembly.Module.customSections(module, META_SECTION);
    if (!section) throw new ProgramError(name, 'NO_META', `no translation metadata: the module has no "${META_SECTION}" section and none was given`);
    try {
      meta = JSON.parse(new TextDecoder().decode(section));
    } catch (e) {
      throw new ProgramError(name, 'NO_META', `the "${META_SECTION}" section is not valid JSON`, { cause: e });
    }
  }
  const m = meta as Partial<TranslationMeta> | null;
  if (!m || typeof m !== 'object' || m.arch !== 'aarch64' || typeof m.entry !== 'number' || typeof m.privateEnd !== 'number' || !Array.isArray(m.symbols)) {
    throw new ProgramError(name, 'NO_META', 'the translation metadata is malformed');
  }
  return m as TranslationMeta;
}

/** A shared library's translation (ProgramSource.libraries): its module's metadata, which must
 *  say it is one (translate-library.ts). */
export function libraryMetaOf(name: string, module: WebAssembly.Module, url: string | URL): LibraryMeta {
  const [section] = WebAssembly.Module.customSections(module, META_SECTION);
  let meta: Partial<LibraryMeta> | null = null;
  try {
    meta = section ? (JSON.parse(new TextDecoder().decode(section)) as Partial<LibraryMeta>) : null;
  } catch {
    // reported below
  }
  if (!meta || meta.kind !== 'library' || typeof meta.base !== 'number' || !Array.isArray(meta.code) || !Array.isArray(meta.functions)) {
    throw new ProgramError(name, 'BAD_MODULE', `libraries: ${String(url)} is not a shared library's translation (no library metadata)`);
  }
  return meta as LibraryMeta;
}
