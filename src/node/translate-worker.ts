// The worker_threads entry behind translateInThread and translateLibraryInThread
// (translate-thread.ts). Requests come as messages, one at a time; a worker that finished one
// may be given another (translate-thread.ts keeps it for a while: V8 has compiled the translator
// here by then). A program: one thread of a translation in shards (translate-shards.ts), with
// binaryen loaded only to optimise (its global settings then belong to that translation alone:
// such a worker gets no second request). It answers the coordinator's messages in the phases'
// order: its functions' facts, then the helpers they call, then its shard; the thread with shard
// 0 then joins every shard into the program. A shared library: translated whole, then posted.
import { parentPort } from 'node:worker_threads';
import { translateLibrary } from '../translate-library.ts';
import { ShardThread } from '../translate-shards.ts';
import { throttled } from '../translate-progress.ts';
import type { ThreadReply, ThreadRequest, CoordinatorMessage, LibraryRequest } from './translate-thread.ts';
import { useOptimizer } from '../wasm/optimize.ts';

const post = (reply: ThreadReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
const fail = (e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ kind: 'error', name: err.name, message: err.message, stack: err.stack, code: (err as { code?: string }).code });
};

/** the program translation in progress: its shard thread, and its own shard once emitted (for the join) */
let shards: ShardThread | undefined, own: Uint8Array | undefined, t0 = 0;

async function begin(request: ThreadRequest | LibraryRequest): Promise<void> {
  shards = own = undefined;
  t0 = performance.now();
  if ((request.options.optimize ?? 0) > 0) useOptimizer((await import('binaryen')).default);
  const onProgress = request.progressMs === undefined ? undefined : throttled((progress) => post({ kind: 'progress', progress }), request.progressMs);
  if ('library' in request) {
    const { wasm, meta } = translateLibrary(request.library, request.options, onProgress);
    post({ kind: 'library', wasm, meta }, [wasm.buffer as ArrayBuffer]);
    return;
  }
  const { bytes, options, thread, threads } = request;
  shards = new ShardThread(bytes, options, thread, threads, onProgress);
  post({ kind: 'facts', facts: shards.lift() });
}

parentPort!.on('message', (msg: CoordinatorMessage) => {
  try {
    if (msg.kind === 'request') { begin(msg.request).catch(fail); return; }
    if (!shards) return;
    if (msg.kind === 'learn') post({ kind: 'helpers', helpers: shards.finish(msg.facts) });
    else if (msg.kind === 'emit') {
      const shard = shards.emit(msg.helpers);
      if (shards.joins) { own = shard; post({ kind: 'shard' }); } // kept for the join
      else {
        shards = undefined; // done: its program is not kept with the thread
        post({ kind: 'shard', shard }, [shard.buffer as ArrayBuffer]);
      }
    } else if (msg.kind === 'join') {
      const { wasm, meta, warnings } = shards.join([own!, ...msg.shards], t0);
      shards = own = undefined;
      post({ kind: 'done', wasm, meta, warnings }, [wasm.buffer as ArrayBuffer]);
    }
  } catch (e) {
    fail(e);
  }
});
