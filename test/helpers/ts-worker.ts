// worker_threads workers on TypeScript entries, for tests of the program API's worker mode.
import { Worker } from 'node:worker_threads';

/** A worker on a TypeScript entry, loaded through tsx (Node 20's `--import tsx` in execArgv does
 *  not reach worker threads; tsx's API does). */
export const tsWorker = (url: URL): Worker =>
  new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`, { eval: true });

/** a worker running the program API's worker entry from the sources */
export const nodeWorker = (): Worker => tsWorker(new URL('../../src/program/worker.ts', import.meta.url));
