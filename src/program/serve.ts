// The worker side of worker mode: runs programs sent by the caller's thread (worker-client.ts)
// and streams their output back. worker.ts is the entry that starts it.
import { execute } from './execute.ts';
import { deserializeError, isRequest, isStdinChunk, listen, serializeError, type RunRequest, type StdinChunk, type WorkerReply } from './protocol.ts';
import type { WorkerLike } from './types.ts';
import type { ByteSource } from '../runtime/host-pipe.ts';
import type { LifterLoader } from '../runtime/lifting.ts';
import type { TerminalEvent, TerminalSource } from '../runtime/terminal.ts';

/**
 * Serves run requests arriving on `port` (a worker's global scope or Node's parentPort).
 * `lifter` loads the run-time lifter on a program's first miss (worker.ts passes a lazy import).
 */
export function serveWorker(port: WorkerLike, lifter?: LifterLoader): void {
  const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  /** the run waiting for its next stdin chunk, by run id */
  const awaiting = new Map<number, (answer: StdinChunk) => void>();
  /** a run's streamed stdin or terminal: each chunk (or size) asked of the caller's thread when the run wants one */
  const pulled = (id: number): TerminalSource => ({
    next: () => new Promise<TerminalEvent | undefined>((resolve, reject) => {
      awaiting.set(id, (answer) => {
        awaiting.delete(id);
        if (answer.error) reject(deserializeError(answer.error));
        else resolve(answer.chunk ?? answer.size);
      });
      post({ kind: 'elf2wasm:stdin-pull', id });
    }),
  });
  const handle = async (req: RunRequest): Promise<void> => {
    const { id } = req;
    try {
      const result = await execute(req.name, req.image, req.options, {
        onStdout: req.stream[0] ? (text) => post({ kind: 'elf2wasm:out', id, fd: 1, text }) : undefined,
        onStderr: req.stream[1] ? (text) => post({ kind: 'elf2wasm:out', id, fd: 2, text }) : undefined,
        // a stdin's source sends chunks only (sizes are a terminal's)
        stdin: req.streamStdin && !req.options.terminal ? (pulled(id) as ByteSource) : undefined,
        terminal: req.streamStdin && req.options.terminal ? pulled(id) : undefined,
      }, lifter, req.programs);
      // the output and file contents are copies made for this reply: hand their buffers over
      const transfer = [result.stdoutBytes, result.stderrBytes, ...Object.values(result.files ?? {})].map((b) => b.buffer as ArrayBuffer);
      post({ kind: 'elf2wasm:done', id, result }, transfer);
    } catch (e) {
      post({ kind: 'elf2wasm:error', id, error: serializeError(e) });
    } finally {
      awaiting.delete(id);
    }
  };
  listen(port, 'message', (data) => {
    if (isRequest(data)) void handle(data);
    else if (isStdinChunk(data)) awaiting.get(data.id)?.(data);
  });
}

/** The port of the worker this module runs in, if it runs in one. process.getBuiltinModule
 *  needs no import, so browser bundles have nothing Node-specific to resolve. */
export function workerPort(): WorkerLike | undefined {
  const g = globalThis as { WorkerGlobalScope?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (typeof g.WorkerGlobalScope === 'function' && globalThis instanceof (g.WorkerGlobalScope as new () => object)) {
    return globalThis as unknown as WorkerLike;
  }
  const threads = g.process?.getBuiltinModule?.('node:worker_threads') as { parentPort?: WorkerLike | null } | undefined;
  return threads?.parentPort ?? undefined;
}

