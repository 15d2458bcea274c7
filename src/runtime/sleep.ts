// Blocking the (synchronous) guest thread for a while.

let sleepCell: Int32Array | null | undefined;

/** Blocks for `ms` milliseconds: Atomics.wait where allowed (Node, workers), else spinning
 *  (a browser main thread may not block). `wake` (a shared word, see interrupts.ts) ends the
 *  sleep early once it is not 0. */
export function sleepMs(ms: number, wake?: Int32Array): void {
  if (ms <= 0) return;
  if (sleepCell === undefined) {
    try {
      sleepCell = new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(sleepCell, 0, 0, 0);
    } catch {
      sleepCell = null;
    }
  }
  if (sleepCell) {
    Atomics.wait(wake?.buffer instanceof SharedArrayBuffer ? wake : sleepCell, 0, 0, ms);
    return;
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (wake && Atomics.load(wake, 0) !== 0) return;
  }
}
