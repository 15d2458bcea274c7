// createProgram: the object a bundler plugin's loader module exports for a translated ELF.
//
//   const tool = createProgram('tool', { url: new URL('./tool.wasm', import.meta.url) });
//   const { exitCode, stdout } = await tool.run({ args: ['-v'], stdin: 'data', worker: true });
import type { TranslationMeta } from '../meta.ts';
import { execute, plainOptions } from './execute.ts';
import { compileSource, fetchFiles, fetchModule, libraryMetaOf, metaOf } from './load.ts';
import type { ProgramImages } from './programs.ts';
import { Interrupts, isShared, signalNumber } from '../runtime/interrupts.ts';
import type { ProcessImage } from '../runtime/kernel.ts';
import { withLibraries, type LibraryImage } from '../runtime/libraries.ts';
import { ProgramError, type ElfProgram, type ProgramSource, type RunningProgram, type RunOptions, type RunResult, type WorkerLike } from './types.ts';
import { byteSource, isStreamed } from './stdio.ts';
import { TerminalFeed } from './terminal-feed.ts';
import { defaultWorker, runInWorker } from './worker-client.ts';

export type { ElfProgram, ProgramErrorCode, ProgramSource, RunningProgram, RunOptions, RunResult, WorkerLike } from './types.ts';
export { ProgramError } from './types.ts';
export { serveWorker } from './serve.ts';

interface Compiled { image: ProcessImage; files: Record<string, Uint8Array>; programs?: ProgramImages }

/** the source's `libraries`, compiled */
async function compileLibraries(name: string, source: ProgramSource): Promise<LibraryImage[]> {
  return Promise.all(Object.entries(source.libraries ?? {}).map(async ([path, url]) => {
    if (!path.startsWith('/')) throw new TypeError(`createProgram("${name}"): libraries: ${JSON.stringify(path)} is not an absolute guest path`);
    const module = await fetchModule(name, url);
    return { module, meta: libraryMetaOf(name, module, url), path };
  }));
}

/** the source's `programs`, one module per distinct URL (the program's own where it is the same);
 *  each may use the bundle's libraries (installed only over the files they were translated from) */
async function compilePrograms(name: string, source: ProgramSource, own: Promise<WebAssembly.Module>, libraries: Promise<LibraryImage[]>): Promise<ProgramImages | undefined> {
  if (!source.programs) return undefined;
  const urls: string[] = [];
  const paths: Record<string, number> = {};
  for (const [path, url] of Object.entries(source.programs)) {
    if (!path.startsWith('/')) throw new TypeError(`createProgram("${name}"): programs: ${JSON.stringify(path)} is not an absolute guest path`);
    const key = String(url);
    if (!urls.includes(key)) urls.push(key);
    paths[path] = urls.indexOf(key);
  }
  const images = await Promise.all(urls.map(async (url) => {
    const module = source.url !== undefined && url === String(source.url) ? await own : await compileSource(name, { url });
    return imageOf(module, metaOf(name, module), await libraries);
  }));
  return { paths, images };
}

function imageOf(module: WebAssembly.Module, meta: TranslationMeta, libraries: LibraryImage[]): ProcessImage {
  return libraries.length ? { module, ...withLibraries(meta, libraries) } : { module, meta };
}

export function createProgram(name: string, source: ProgramSource): ElfProgram {
  if (typeof name !== 'string' || !name) throw new TypeError('createProgram: the name must be a non-empty string');
  if (!source || typeof source !== 'object') throw new TypeError(`createProgram("${name}"): a source is required`);
  let compiled: Promise<Compiled> | undefined;

  /** Compiles once; a failure is not cached, so a later run retries (e.g. after a network error). */
  const prepare = (): Promise<Compiled> => {
    if (compiled) return compiled;
    const p = (async (): Promise<Compiled> => {
      const own = compileSource(name, source);
      const libraries = compileLibraries(name, source);
      const [module, libs, files, programs] = await Promise.all([own, libraries, fetchFiles(name, source.fileUrls), compilePrograms(name, source, own, libraries)]);
      return { image: imageOf(module, metaOf(name, module, source.meta), libs), files, programs };
    })();
    compiled = p;
    p.catch(() => {
      if (compiled === p) compiled = undefined;
    });
    return p;
  };

  const pickWorker = (w: NonNullable<RunOptions['worker']>): [WorkerLike, boolean] => {
    if (w === true) return [source.worker ? source.worker() : defaultWorker(source.workerUrl), true];
    if (typeof w === 'function') return [w(), true];
    if (typeof w === 'object') return [w, false];
    throw new TypeError(`elf program "${name}": worker must be a boolean, a worker or a factory`);
  };

  return {
    name,
    async compile(): Promise<WebAssembly.Module> {
      return (await prepare()).image.module;
    },
    run(options: RunOptions = {}): RunningProgram {
      const interrupts = new Interrupts();
      const feed = options.terminal ? new TerminalFeed() : undefined;
      const terminal = (): TerminalFeed => {
        if (!feed) throw new TypeError(`elf program "${name}": write() and resize() are for a run with a terminal (the terminal option)`);
        return feed;
      };
      const shared = isShared(interrupts.cell.buffer);
      const kill = (sig: number | string = 'SIGTERM'): void => {
        // a worker gets a copy of a plain ArrayBuffer: only a shared word reaches its run
        if (options.worker && !shared) throw new TypeError(`elf program "${name}": kill() in a worker needs SharedArrayBuffer (a cross-origin-isolated page: Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers)`);
        interrupts.send(signalNumber(sig));
      };
      const write = (keys: string | Uint8Array): void => terminal().write(keys);
      const resize = (columns: number, rows: number): void => terminal().resize(columns, rows);
      return Object.assign(start(options, interrupts.cell, feed), { kill, write, resize });
    },
  };

  /** one run: compiles (once), then runs here or in a worker */
  async function start(options: RunOptions, interrupts: Int32Array, terminal?: TerminalFeed): Promise<RunResult> {
    options.signal?.throwIfAborted();
    const { stdin } = options;
    if (options.terminal && stdin !== undefined) throw new TypeError(`elf program "${name}": a run with a terminal reads its keys: stdin cannot be given too`);
    if (options.terminal && typeof options.terminal !== 'boolean' && typeof options.terminal !== 'object') throw new TypeError(`elf program "${name}": terminal must be true or { columns, rows }`);
    if (stdin !== undefined && typeof stdin !== 'string' && !(stdin instanceof Uint8Array) && !isStreamed(stdin)) {
      throw new TypeError(`elf program "${name}": stdin must be a string, a Uint8Array, or an async iterable or ReadableStream of them`);
    }
    const { image, files, programs } = await prepare();
    options.signal?.throwIfAborted();
    const streams = { onStdout: options.onStdout, onStderr: options.onStderr, stdin: isStreamed(options.stdin) ? byteSource(options.stdin) : undefined, terminal };
    const plain = { ...plainOptions(source.fileUrls ? { ...options, files: { ...files, ...options.files } } : options), interrupts };
    if (!options.worker) return execute(name, image, plain, streams, source.lifter, programs);
    let worker: WorkerLike;
    let owned: boolean;
    try {
      [worker, owned] = pickWorker(options.worker);
    } catch (e) {
      if (e instanceof ProgramError) throw e;
      throw new ProgramError(name, 'WORKER_FAILED', `cannot start a worker: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return runInWorker(worker, owned, name, { image, programs }, plain, streams, options.signal);
  }
}
