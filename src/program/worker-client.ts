// The caller's side of worker mode: sends the compiled module and the plain run options to a
// worker running worker.ts, relays streamed output to the callbacks, answers its asks for
// streamed stdin, resolves with the result.
import type { ProcessImage } from '../runtime/kernel.ts';
import type { PlainRunOptions, Streams } from './execute.ts';
import type { ProgramImages } from './programs.ts';
import { deserializeError, isReply, listen, serializeError, type RunRequest, type StdinChunk } from './protocol.ts';
import { ProgramError, type RunResult, type WorkerLike } from './types.ts';

let nextId = 1;

// worker.ts, relative to this module. Under Node both are passed through variables: bundlers turn
// a literal `new URL('./x', import.meta.url)` into a copied asset, and a copy of worker.js alone
// cannot import its chunks (bundled Node builds get `url` from the plugin instead); and webpack
// warns "Critical dependency: the request of a dependency is an expression" at a `new URL(x,
// import.meta.url)` whose `x` is not a literal.
const WORKER_ENTRY = './worker.ts';
const MODULE_URL = import.meta.url;

/** A worker running worker.ts (or the script at `url`, which the bundler plugin emits where the
 *  bundler does not build workers itself): a module Web Worker in browsers; under Node (no global
 *  Worker) a worker_threads worker. Bundlers that do (vite, webpack 5, rspack, Parcel) recognise
 *  the literal `new Worker(new URL('./worker.ts', import.meta.url), …)` and bundle the worker. */
export function defaultWorker(url?: string | URL): WorkerLike {
  if (typeof Worker === 'function') {
    if (url !== undefined) return new Worker(url, { type: 'module' });
    return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  }
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (url: URL) => WorkerLike } | undefined;
  if (threads) return new threads.Worker(url !== undefined ? new URL(url) : new URL(WORKER_ENTRY, MODULE_URL));
  throw new TypeError('worker: this host has no Worker; pass a worker or a factory');
}

function describe(event: unknown): string {
  if (event instanceof Error) return event.message;
  const e = event as { message?: unknown } | null;
  if (e && typeof e.message === 'string' && e.message) return e.message;
  return 'the worker script failed to load or crashed';
}

/** Runs one program in `worker`; terminates it afterwards if `owned`, or when `signal` aborts. */
export function runInWorker(worker: WorkerLike, owned: boolean, name: string, program: { image: ProcessImage; programs?: ProgramImages }, options: PlainRunOptions, streams: Streams, signal?: AbortSignal): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const id = nextId++;
    const unsubscribe: (() => void)[] = [];
    let settled = false;
    const finish = (): void => {
      settled = true;
      for (const off of unsubscribe) off();
      if (owned) void worker.terminate?.();
      streams.stdin?.cancel?.();
      streams.terminal?.cancel?.();
    };
    /** answers the worker's ask for the next stdin chunk (or terminal event) */
    const feed = (source: NonNullable<Streams['stdin'] | Streams['terminal']>): void => {
      const send = (answer: StdinChunk, transfer: ArrayBuffer[] = []): void => {
        if (!settled) worker.postMessage(answer, transfer);
      };
      source.next().then(
        (event) => {
          if (event !== undefined && !(event instanceof Uint8Array)) return send({ kind: 'elf2wasm:stdin', id, size: event });
          const copy = event?.slice(); // the caller's bytes stay the caller's: a copy crosses
          send({ kind: 'elf2wasm:stdin', id, chunk: copy }, copy ? [copy.buffer] : []);
        },
        (e: unknown) => send({ kind: 'elf2wasm:stdin', id, error: serializeError(e) }));
    };
    const fail = (e: unknown): void => {
      if (settled) return;
      finish();
      reject(e);
    };
    const workerFailed = (why: string, cause?: unknown): ProgramError => new ProgramError(name, 'WORKER_FAILED', `worker: ${why}`, { cause });
    unsubscribe.push(listen(worker, 'message', (data) => {
      if (settled || !isReply(data) || data.id !== id) return;
      if (data.kind === 'elf2wasm:out') {
        (data.fd === 1 ? streams.onStdout : streams.onStderr)?.(data.text);
      } else if (data.kind === 'elf2wasm:stdin-pull') {
        const source = streams.terminal ?? streams.stdin;
        if (source) feed(source);
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
    if (signal) {
      // the guest runs synchronously in the worker: stopping it means terminating the worker
      // (fail() terminates an owned one; one passed in is terminated too)
      const abort = (): void => {
        if (!settled && !owned) void worker.terminate?.();
        fail(signal.reason);
      };
      signal.addEventListener('abort', abort, { once: true });
      unsubscribe.push(() => signal.removeEventListener('abort', abort));
    }
    // compiled modules (the program's, its libraries' and those it can exec) cross to the worker as they are
    const request: RunRequest = { kind: 'elf2wasm:run', id, name, ...program, options, stream: [!!streams.onStdout, !!streams.onStderr], streamStdin: !!(streams.stdin ?? streams.terminal) };
    try {
      worker.postMessage(request);
    } catch (e) {
      fail(workerFailed(`cannot send the program: ${e instanceof Error ? e.message : String(e)}`, e));
    }
  });
}
