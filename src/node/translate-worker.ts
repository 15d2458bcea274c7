// The worker_threads entry behind translateInThread and translateLibraryInThread
// (translate-thread.ts). A program: one thread of a translation in shards (translate-shards.ts),
// with binaryen loaded only to optimise (its global settings then belong to that translation
// alone). It answers the coordinator's messages in the phases' order: its functions' facts,
// then the helpers they call, then its shard; the thread with shard 0 then joins every shard
// into the program. A shared library: translated whole, then posted.
import { parentPort, workerData } from 'node:worker_threads';
import { translateLibrary } from '../translate-library.ts';
import { ShardThread } from '../translate-shards.ts';
import { throttled } from '../translate-progress.ts';
import type { ThreadReply, ThreadRequest, CoordinatorMessage, LibraryRequest } from './translate-thread.ts';
import { useOptimizer } from '../wasm/optimize.ts';

const request = workerData as ThreadRequest | LibraryRequest;
if ((request.options.optimize ?? 0) > 0) useOptimizer((await import('binaryen')).default);
const t0 = performance.now();
const post = (reply: ThreadReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
const fail = (e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ kind: 'error', name: err.name, message: err.message, stack: err.stack, code: (err as { code?: string }).code });
};
const onProgress = request.progressMs === undefined ? undefined : throttled((progress) => post({ kind: 'progress', progress }), request.progressMs);

if ('library' in request) {
  try {
    const { wasm, meta } = translateLibrary(request.library, request.options, onProgress);
    post({ kind: 'library', wasm, meta }, [wasm.buffer as ArrayBuffer]);
  } catch (e) {
    fail(e);
  }
} else {
  const { bytes, options, thread, threads } = request;
  let shards: ShardThread | undefined;
  let own: Uint8Array | undefined;
  try {
    shards = new ShardThread(bytes, options, thread, threads, onProgress);
    post({ kind: 'facts', facts: shards.lift() });
  } catch (e) {
    fail(e);
  }

  parentPort!.on('message', (msg: CoordinatorMessage) => {
    try {
      if (!shards) return;
      if (msg.kind === 'learn') post({ kind: 'helpers', helpers: shards.finish(msg.facts) });
      else if (msg.kind === 'emit') {
        const shard = shards.emit(msg.helpers);
        if (shards.joins) { own = shard; post({ kind: 'shard' }); } // kept for the join
        else post({ kind: 'shard', shard }, [shard.buffer as ArrayBuffer]);
      } else if (msg.kind === 'join') {
        const { wasm, meta, warnings } = shards.join([own!, ...msg.shards], t0);
        post({ kind: 'done', wasm, meta, warnings }, [wasm.buffer as ArrayBuffer]);
      }
    } catch (e) {
      fail(e);
    }
  });
}
