// How far a translation has got, for progress displays (the CLI's, the bundler plugin's). Apart
// from translate.ts so that its users need not load binaryen.

/**
 * - lift: guest functions decoded and lifted (`done` of `total`)
 * - compile: lifted functions structured into Wasm functions (`done` of `total`)
 * - optimize: binaryen optimising the whole module (one step: `done` 0 of 1, then 1 of 1)
 * - emit: writing the binary
 */
export interface TranslateProgress {
  phase: 'lift' | 'compile' | 'optimize' | 'emit';
  done: number;
  total: number;
}

export type ProgressListener = (progress: TranslateProgress) => void;

/** one short line, such as `compile 1200/4000 functions` */
export function describeProgress(p: TranslateProgress): string {
  return p.phase === 'lift' || p.phase === 'compile' ? `${p.phase} ${p.done}/${p.total} functions` : p.phase === 'optimize' ? 'optimize' : 'emit';
}

/**
 * A listener that passes on at most one report per `everyMs` (plus each change of phase), so that
 * reporting costs nothing next to the work however many functions there are.
 */
export function throttled(listener: ProgressListener, everyMs: number, now = () => performance.now()): ProgressListener {
  let last = -Infinity, phase = '';
  return (p) => {
    const t = now();
    if (p.phase === phase && t - last < everyMs && p.done < p.total) return;
    last = t;
    phase = p.phase;
    listener(p);
  };
}
