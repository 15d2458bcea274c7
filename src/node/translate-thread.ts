// translate() on worker threads: the bundler plugin's and the CLI's translations run there, so
// that the bundler's own thread (vite's dev server answering requests, other modules loading)
// never waits for a translation, and a large program translates on every core: its functions are
// split into shards (translate-shards.ts), one per thread, and this thread only
// passes between the threads what the phases need of each other. A thread may be kept for the
// next translation (ThreadOptions.keep), with the translator already compiled by V8.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ElfFormatError, type ElfErrorCode } from '../elf/errors.ts';
import type { InterpreterFile } from '../elf/load-plan.ts';
import type { LibraryMeta, TranslationMeta } from '../meta.ts';
import type { Translation } from '../translate.ts';
import type { LibraryTranslation } from '../translate-library.ts';
import { resolveTranslateOptions, type TranslateOptions } from '../translate-options.ts';
import type { ProgressListener, TranslateProgress } from '../translate-progress.ts';
import type { LiftFacts } from '../wasm/function-set.ts';
import { translationRuns, withTranslatorHeap } from './jit-flags.ts';
import { workerScript } from './worker-script.ts';

export interface ThreadRequest { bytes: Uint8Array; options: TranslateOptions; progressMs?: number; thread: number; threads: number }
/** a shared library translated on its own (translate-library.ts), on one thread */
export interface LibraryRequest { library: InterpreterFile; options: TranslateOptions; progressMs?: number }
export type ThreadReply =
  | { kind: 'progress'; progress: TranslateProgress }
  | { kind: 'facts'; facts: LiftFacts[] }
  | { kind: 'helpers'; helpers: string[] }
  /** a thread's shard (the joining thread keeps its own) */
  | { kind: 'shard'; shard?: Uint8Array }
  | { kind: 'done'; wasm: Uint8Array; meta: TranslationMeta; warnings: string[] }
  | { kind: 'library'; wasm: Uint8Array; meta: LibraryMeta }
  | { kind: 'error'; name: string; message: string; stack?: string; code?: string };
export type CoordinatorMessage =
  /** a thread's next translation (its first, or one more if it was kept) */
  | { kind: 'request'; request: ThreadRequest | LibraryRequest }
  | { kind: 'learn'; facts: LiftFacts[] }
  | { kind: 'emit'; helpers: string[] }
  /** the shards of threads 1, 2, …, for thread 0 */
  | { kind: 'join'; shards: Uint8Array[] };

export interface ThreadOptions {
  /** progress reports, at most one per `progressMs` (default 250) per thread */
  onProgress?: ProgressListener;
  progressMs?: number;
  /** threads to translate on (default: defaultThreads; one when optimizing, which binaryen does on the whole module); the output is the same for any number */
  threads?: number;
  /**
   * keep the threads for a while after the translation, for the next one in this process (the
   * bundler plugin's: a program's libraries, the next import, a changed file): V8 has compiled
   * the translator there by then. Not when optimising (binaryen's settings are global).
   */
  keep?: boolean;
}

/**
 * The worker's file beside this module: dist/translate-worker.js in the package (tsup.config.ts
 * rewrites the name), src/node/translate-worker.ts in this repository's tests (see workerScript).
 */
const WORKER_URL = new URL('./translate-worker.ts', import.meta.url);

/** about this much ELF per thread: smaller programs do not repay a thread's start (loading the translator, discovery) */
const BYTES_PER_THREAD = 256 * 1024;

/**
 * One thread per core, at most one per BYTES_PER_THREAD of the program; one on two cores: every
 * thread discovers the whole program, and on this project's 2-core machine two translations at
 * once each take 1.8 times as long as one alone (memory-bound), so two threads gained nothing
 * and cost a third more memory (busybox: 12.2 s and 1.13 GB against 12.1 s and 0.86 GB).
 */
function defaultThreads(bytes: Uint8Array): number {
  const cores = availableParallelism();
  return cores <= 2 ? 1 : Math.min(cores, MAX_THREADS, Math.ceil(bytes.length / BYTES_PER_THREAD));
}
const MAX_THREADS = 8;

/**
 * Threads kept after a translation (ThreadOptions.keep), unreferenced, each until KEEP_MS pass
 * without another. A hello-glibc translation takes ~1.2 s on a thread that translated something
 * before and ~1.5 s on a new one, which pays V8's compilation of the translator again.
 */
interface Kept { worker: Worker; timer: ReturnType<typeof setTimeout>; lost: () => void }
const kept: Kept[] = [];
const KEEP_MS = 20_000;
/** a kept thread's heap is what its last translation left (hundreds of MB after busybox, until V8 collects it) */
const MAX_KEPT = 2;

/** how many threads are kept now (for tests) */
export const keptThreads = (): number => kept.length;

/** stops every kept thread (for tests) */
export function stopKeptThreads(): void {
  while (kept.length) stop(unkeep(kept[0]!));
}

function stop(worker: Worker): void {
  worker.on('error', () => {}); // its errors are moot once it is stopped
  void worker.terminate();
}

/** `k` no longer kept */
function unkeep(k: Kept): Worker {
  const i = kept.indexOf(k);
  if (i >= 0) kept.splice(i, 1);
  clearTimeout(k.timer);
  k.worker.off('error', k.lost).off('exit', k.lost);
  return k.worker;
}

/** a thread whose translation ended: kept (`keep`) or stopped */
function release(worker: Worker, keep: boolean): void {
  if (!keep || kept.length >= MAX_KEPT) return stop(worker);
  const k: Kept = { worker, timer: setTimeout(() => stop(unkeep(k)), KEEP_MS), lost: () => stop(unkeep(k)) };
  k.timer.unref?.();
  worker.on('error', k.lost).on('exit', k.lost).unref();
  kept.push(k);
}

/** a new translation thread, which loads the translator and waits for a request */
function newThread(): Worker {
  const [script, how] = workerScript(WORKER_URL);
  // the dominator-tree structurer recurses as deep as a function's longest chain of blocks
  return withTranslatorHeap(() => new Worker(script, { ...how, resourceLimits: { stackSizeMb: 64 } }));
}

/**
 * A translation thread started before a translation is asked for (the bundler plugin's build
 * start, the CLI's translate command), waiting as a kept one does: Node's start of a worker and
 * its loading of the translator (~0.1 s) then overlap what the process does first. Nothing when a
 * thread is kept already.
 */
export function prestartThread(): void {
  if (kept.length) return;
  try {
    release(newThread(), true);
  } catch {
    // only a head start: a process that cannot start workers hears why from its translation
  }
}

/** a translation thread running `data` (a ThreadRequest or a LibraryRequest): a kept one when `warm` may be used */
function startThread(data: ThreadRequest | LibraryRequest, warm: boolean): Worker {
  const k = warm ? kept.pop() : undefined;
  let worker: Worker;
  if (k) (worker = unkeep(k)).ref();
  else worker = newThread();
  try {
    worker.postMessage({ kind: 'request', request: data } satisfies CoordinatorMessage);
  } catch (e) {
    stop(worker); // a request that cannot be posted (options that do not clone)
    throw e;
  }
  return worker;
}

/** `count` threads running `data(t)`; none (and the translation `ended`) if one cannot start */
function startThreads(ended: () => void, count: number, warm: boolean, data: (t: number) => ThreadRequest | LibraryRequest): Worker[] {
  const workers: Worker[] = [];
  try {
    for (let t = 0; t < count; t++) workers.push(startThread(data(t), warm));
    return workers;
  } catch (e) {
    for (const w of workers) stop(w);
    ended();
    throw e;
  }
}

/** the message, error and exit listeners of one translation on `worker`; the function returned takes them off */
function listen(worker: Worker, onMessage: (reply: ThreadReply) => void, onError: (e: Error) => void, onExit: (code: number) => void): () => void {
  worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  return () => { worker.off('message', onMessage).off('error', onError).off('exit', onExit); };
}

/** translate() on worker threads; ElfFormatErrors arrive as such */
export function translateInThread(bytes: Uint8Array, options: TranslateOptions = {}, thread: ThreadOptions = {}): Promise<Translation> {
  const t0 = performance.now();
  const warm = resolveTranslateOptions(options).optimize === 0;
  const threads = warm ? Math.max(1, thread.threads ?? defaultThreads(bytes)) : 1;
  const progressMs = thread.onProgress ? thread.progressMs ?? 250 : undefined;
  const ended = translationRuns();
  const workers = startThreads(ended, threads, warm, (t) => ({ bytes, options, progressMs, thread: t, threads }));
  const progress = workers.map(() => new Map<string, TranslateProgress>());
  const unlisten: (() => void)[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const end = (e?: Error) => {
      if (settled) return;
      settled = true;
      ended();
      for (const off of unlisten) off();
      for (const w of workers) release(w, !e && warm && !!thread.keep);
      if (e) reject(e);
    };
    // each phase's replies, once every thread has sent one
    const gather = <T>() => {
      const got: T[] = [];
      return (t: number, v: T, then: (all: T[]) => void) => {
        got[t] = v;
        if (Object.keys(got).length === threads) then(got);
      };
    };
    const facts = gather<LiftFacts[]>(), helpers = gather<string[]>(), shards = gather<Uint8Array | undefined>();
    workers.forEach((worker, t) => {
      unlisten.push(listen(worker, (reply) => {
        switch (reply.kind) {
          case 'progress': return report(t, reply.progress);
          case 'facts': return facts(t, reply.facts, (f) => {
            const all = f.flat();
            for (const w of workers) w.postMessage({ kind: 'learn', facts: all } satisfies CoordinatorMessage);
          });
          case 'helpers': return helpers(t, reply.helpers, (h) => {
            const union = [...new Set(h.flat())].sort();
            for (const w of workers) w.postMessage({ kind: 'emit', helpers: union } satisfies CoordinatorMessage);
          });
          case 'shard': return shards(t, reply.shard, (s) => {
            const others = s.slice(1) as Uint8Array[];
            workers[0]!.postMessage({ kind: 'join', shards: others } satisfies CoordinatorMessage, others.map((w) => w.buffer as ArrayBuffer));
          });
          case 'done':
            if (!settled) resolve({ wasm: reply.wasm, meta: reply.meta, warnings: reply.warnings, millis: Math.round(performance.now() - t0) });
            return end();
          case 'error': return end(reviveError(reply));
          case 'library': return end(new Error('translation worker: a library reply to a program request'));
        }
      }, (e) => end(e), (code) => end(new Error(`translation worker exited with code ${code}`))));
    });
    // the threads' counts added up, per phase
    const report = (t: number, p: TranslateProgress) => {
      progress[t]!.set(p.phase, p);
      let done = 0, total = 0;
      for (const mine of progress) { const q = mine.get(p.phase); if (q) { done += q.done; total += q.total; } }
      thread.onProgress?.({ phase: p.phase, done, total });
    };
  });
}

/**
 * translateLibrary() on a worker thread: the bundler plugin translates a dynamic program's
 * libraries there, as it does the program, so that its own thread never waits for a translation
 */
export function translateLibraryInThread(library: InterpreterFile, options: TranslateOptions = {}, thread: Omit<ThreadOptions, 'threads'> = {}): Promise<LibraryTranslation> {
  const t0 = performance.now();
  const warm = resolveTranslateOptions(options).optimize === 0;
  const ended = translationRuns();
  const [worker] = startThreads(ended, 1, warm, () => ({ library, options, progressMs: thread.onProgress ? thread.progressMs ?? 250 : undefined })) as [Worker];
  let unlisten = () => {};
  return new Promise((resolve, reject) => {
    let settled = false;
    const end = (e?: Error) => {
      if (settled) return;
      settled = true;
      ended();
      unlisten();
      release(worker, !e && warm && !!thread.keep);
      if (e) reject(e);
    };
    unlisten = listen(worker, (reply) => {
      switch (reply.kind) {
        case 'progress': return thread.onProgress?.(reply.progress);
        case 'library':
          if (!settled) resolve({ wasm: reply.wasm, meta: reply.meta, millis: Math.round(performance.now() - t0) });
          return end();
        case 'error': return end(reviveError(reply));
        default: return end(new Error(`translation worker: a '${reply.kind}' reply to a library request`));
      }
    }, (e) => end(e), (code) => end(new Error(`translation worker exited with code ${code}`)));
  });
}

function reviveError(reply: Extract<ThreadReply, { kind: 'error' }>): Error {
  const err = reply.name === 'ElfFormatError' ? new ElfFormatError(reply.code as ElfErrorCode, reply.message) : new Error(reply.message);
  if (reply.name !== 'ElfFormatError') err.name = reply.name;
  if (reply.stack) err.stack = reply.stack;
  return err;
}
