// Worker entry: runs programs sent by the caller's thread (see worker-client.ts) and streams
// their output back. Works as a module Web Worker and as a Node worker_threads worker:
//
//   new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
//
// A custom worker entry can instead call serveWorker(self) (exported by the package). The
// run-time lifter (the translator) is a lazy import: a bundler makes it a chunk of its own, fetched
// only when a program reaches code its build did not translate.
import { serveWorker, workerPort } from './serve.ts';

const port = workerPort();
if (port) serveWorker(port, () => import('../lift/runtime-lift.ts'));
