// translate() on a worker thread: the bundler plugin's translations run there, so that the
// bundler's own thread (vite's dev server answering requests, other modules loading) never
// waits for binaryen, and several executables translate at once, one thread each.
import { Worker } from 'node:worker_threads';
import { ElfFormatError, type ElfErrorCode } from '../elf/errors.ts';
import type { TranslationMeta } from '../meta.ts';
import type { TranslateOptions } from '../translate-options.ts';
import type { ProgressListener, TranslateProgress } from '../translate-progress.ts';
import { workerScript } from './worker-script.ts';

export interface ThreadRequest { bytes: Uint8Array; options: TranslateOptions; progressMs?: number }
export type ThreadReply =
  | { kind: 'progress'; progress: TranslateProgress }
  | { kind: 'done'; wasm: Uint8Array; meta: TranslationMeta; warnings: string[] }
  | { kind: 'error'; name: string; message: string; stack?: string; code?: string };

export interface ThreadOptions {
  /** progress reports, at most one per `progressMs` (default 250) */
  onProgress?: ProgressListener;
  progressMs?: number;
}

/**
 * The worker's file beside this module: dist/translate-worker.js in the package (tsup.config.ts
 * rewrites the name), src/node/translate-worker.ts in this repository's tests (see workerScript).
 */
const WORKER_URL = new URL('./translate-worker.ts', import.meta.url);

/** translate() in a new worker thread; ElfFormatErrors arrive as such */
export function translateInThread(bytes: Uint8Array, options: TranslateOptions = {}, thread: ThreadOptions = {}): Promise<{ wasm: Uint8Array; meta: TranslationMeta; warnings: string[] }> {
  const request: ThreadRequest = { bytes, options, progressMs: thread.onProgress ? thread.progressMs ?? 250 : undefined };
  const [script, how] = workerScript(WORKER_URL);
  const worker = new Worker(script, {
    ...how,
    workerData: request,
    // the dominator-tree structurer recurses as deep as a function's longest chain of blocks
    resourceLimits: { stackSizeMb: 64 },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (reply: ThreadReply) => {
      if (reply.kind === 'progress') return thread.onProgress?.(reply.progress);
      settled = true;
      if (reply.kind === 'done') resolve({ wasm: reply.wasm, meta: reply.meta, warnings: reply.warnings });
      else reject(reviveError(reply));
      void worker.terminate();
    });
    worker.on('error', (e) => { settled = true; reject(e); });
    worker.on('exit', (code) => { if (!settled) reject(new Error(`translation worker exited with code ${code}`)); });
  });
}

function reviveError(reply: Extract<ThreadReply, { kind: 'error' }>): Error {
  const err = reply.name === 'ElfFormatError' ? new ElfFormatError(reply.code as ElfErrorCode, reply.message) : new Error(reply.message);
  if (reply.name !== 'ElfFormatError') err.name = reply.name;
  if (reply.stack) err.stack = reply.stack;
  return err;
}
