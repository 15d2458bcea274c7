// Translates in a worker thread so that the test worker's event loop stays free while binaryen
// works (a synchronous translation of a 1 MB static binary can outlast vitest's RPC timeout on a
// loaded machine: "Timeout calling onTaskUpdate"). Loads the translator from dist/, which
// test/cli-setup.ts (vitest's globalSetup) builds from the sources under test before any test runs.
import { parentPort, workerData } from 'node:worker_threads';

const { translate } = await import(new URL('../../dist/index.js', import.meta.url).href);
try {
  const { wasm } = translate(workerData.bytes, workerData.options);
  parentPort.postMessage({ wasm }, [wasm.buffer]);
} catch (e) {
  parentPort.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
}
