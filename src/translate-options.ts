// translate()'s options, apart from translate.ts so that cache keys need not load binaryen.

export interface TranslateOptions {
  /** binaryen optimisation level 0..4 (default 2) */
  optimize?: number;
  /** nested guest calls kept on the Wasm stack before unwinding to the dispatcher (default 2000) */
  callDepthLimit?: number;
}

/** the options with their defaults, checked (one place for the CLI, the plugin and cache keys) */
export function resolveTranslateOptions(options: TranslateOptions = {}): Required<TranslateOptions> {
  const optimize = options.optimize ?? 2;
  if (!Number.isInteger(optimize) || optimize < 0 || optimize > 4) throw new RangeError(`optimize must be 0..4, not ${String(optimize)}`);
  return { optimize, callDepthLimit: options.callDepthLimit ?? 2000 };
}
