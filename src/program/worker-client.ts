// The caller's side of worker mode: sends the compiled module and the plain run options to a
// worker running worker.ts, relays streamed output to the callbacks, resolves with the result.
import type { TranslationMeta } from '../meta.ts';
import type { PlainRunOptions, Streams } from './execute.ts';
import { deserializeError, isReply, listen, type RunRequest } from './protocol.ts';
import { ProgramError, type RunResult, type WorkerLike } from './types.ts';

let nextId = 1;

/** A module Web Worker running worker.ts; under Node (no global Worker), a worker_threads
 *  worker on the same file. Bundlers (Vite, webpack 5, Rollup with a worker plugin, Parcel)
 *  recognise the `new Worker(new URL('./worker.ts', import.meta.url), …)` pattern. */
export function defaultWorker(): WorkerLike {
  if (typeof Worker === 'function') return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (url: URL) => WorkerLike } | undefined;
  if (threads) return new threads.Worker(new URL('./worker.ts', import.meta.url));
  throw new TypeError('worker: this host has no Worker; pass a worker or a factory');
}

function describe(event: unknown): string {
  if (event instanceof Error) return event.message;
  const e = event as { message?: unknown; filename?: unknown } | null;
  if (e && typeof e.message === 'string' && e.message) return e.message;
  return 'the worker script failed to load or crashed';
}

/** Runs one program in `worker`; terminates it afterwards if `owned`. */
export function runInWorker(worker: WorkerLike, owned: boolean, name: string, module: WebAssembly.Module, meta: TranslationMeta, options: PlainRunOptions, streams: Streams): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const id = nextId++;
    const unsubscribe: (() => void)[] = [];
    let settled = false;
    const finish = (): void => {
      settled = true;
      for (const off of unsubscribe) off();
      if (owned) void worker.terminate?.();
    };
    const fail = (e: Error): void => {
      if (settled) return;
      finish();
      reject(e);
    };
    const workerFailed = (why: string, cause?: unknown): ProgramError => new ProgramError(name, 'WORKER_FAILED', `worker: ${why}`, { cause });
    unsubscribe.push(listen(worker, 'message', (data) => {
      if (settled || !isReply(data) || data.id !== id) return;
      if (data.kind === 'elf2wasm:out') {
        (data.fd === 1 ? streams.onStdout : streams.onStderr)?.(data.text);
      } else if (data.kind === 'elf2wasm:done') {
        finish();
        resolve(data.result);
      } else {
        fail(deserializeError(data.error));
      }
    }));
    unsubscribe.push(listen(worker, 'error', (event) => fail(workerFailed(describe(event), event))));
    unsubscribe.push(listen(worker, 'messageerror', (event) => fail(workerFailed(`a message could not be decoded (${describe(event)})`, event))));
    // worker_threads: the thread ended (or never started) without answering
    if (typeof worker.on === 'function' && typeof worker.addEventListener !== 'function') {
      unsubscribe.push(listen(worker, 'exit', (code) => fail(workerFailed(`the worker exited (code ${String(code)}) before the program finished`))));
    }
    const request: RunRequest = { kind: 'elf2wasm:run', id, name, module, meta, options, stream: [!!streams.onStdout, !!streams.onStderr] };
    try {
      worker.postMessage(request);
    } catch (e) {
      fail(workerFailed(`cannot send the program: ${e instanceof Error ? e.message : String(e)}`, e));
    }
  });
}
