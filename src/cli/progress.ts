// The CLI's progress display on a terminal: one line, rewritten in place, with the phase, the
// functions done and the time so far; nothing where stderr is not a terminal (the summary line
// after the translation says it all there).
import { describeProgress, throttled, type ProgressListener } from '../translate-progress.ts';

export interface ProgressDisplay {
  /** undefined when there is no terminal to show progress on */
  onProgress?: ProgressListener;
  /** clears the line (call before printing anything else) */
  end(): void;
}

export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) return { end() {} };
  const t0 = performance.now();
  let shown = false;
  const onProgress = throttled((p) => {
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const bar = p.total > 1 ? ` ${progressBar(p.done / p.total, 20)}` : '';
    stream.write(`\r\x1b[K${label}: ${describeProgress(p)}${bar} ${secs} s`);
    shown = true;
  }, 100);
  return { onProgress, end: () => { if (shown) stream.write('\r\x1b[K'); } };
}

function progressBar(fraction: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}
