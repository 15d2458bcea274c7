// Blocking the (synchronous) guest thread for a while.

let sleepCell: Int32Array | null | undefined;

/** Blocks for `ms` milliseconds: Atomics.wait where allowed (Node, workers), else spinning
 *  (a browser main thread may not block). */
export function sleepMs(ms: number): void {
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
    Atomics.wait(sleepCell, 0, 0, ms);
    return;
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}
