// The worker_threads entry behind translateInThread (translate-thread.ts): one translation per
// worker, so that binaryen's global settings and its memory belong to that translation alone.
import { parentPort, workerData } from 'node:worker_threads';
import { translate } from '../translate.ts';
import { throttled } from '../translate-progress.ts';
import type { ThreadReply, ThreadRequest } from './translate-thread.ts';

const { bytes, options, progressMs } = workerData as ThreadRequest;
const post = (reply: ThreadReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
try {
  const onProgress = progressMs === undefined ? undefined : throttled((progress) => post({ kind: 'progress', progress }), progressMs);
  const { wasm, meta, warnings } = translate(bytes, options, { onProgress });
  post({ kind: 'done', wasm, meta, warnings }, [wasm.buffer as ArrayBuffer]);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ kind: 'error', name: err.name, message: err.message, stack: err.stack, code: (err as { code?: string }).code });
}
