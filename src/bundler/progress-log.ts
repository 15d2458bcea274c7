// What the plugin says about a translation: a line when it starts and when it ends, and for a
// long one a progress line every few seconds, through the bundler's logger where it has one
// (rollup and vite: this.info) and on the console otherwise.
import { basename } from 'node:path';
import type { LibraryTranslator, Translator } from '../node/cache.ts';
import { translateInThread, translateLibraryInThread, type ThreadOptions } from '../node/translate-thread.ts';
import { resolveTranslateOptions, type TranslateOptions } from '../translate-options.ts';
import { describeProgress, type TranslateProgress } from '../translate-progress.ts';

export type Log = (line: string) => void;

/** the bundler's info logger for this hook's context, else the console */
export function bundlerLog(ctx: unknown): Log {
  const info = (ctx as { info?: unknown }).info;
  // rollup and vite prefix the plugin's name themselves
  if (typeof info === 'function') return (line) => (info as (message: string) => void).call(ctx, line);
  return (line) => console.log(`[unplugin-elf] ${line}`);
}

/** A Translator for translateCached that runs on a worker thread and logs as it goes: a
 *  translation longer than `intervalMs` logs a progress line every `intervalMs`. */
export function loggedTranslator(name: string, log: Log | undefined, intervalMs: number): Translator {
  return (bytes, options) => logged(name, bytes, options, log, intervalMs, (thread) => translateInThread(bytes, options, thread));
}

/** loggedTranslator for a dynamic program's shared libraries (translateLibraryCached) */
export function loggedLibraryTranslator(log: Log | undefined, intervalMs: number): LibraryTranslator {
  return (lib, options) => logged(basename(lib.path), lib.bytes, options, log, intervalMs, (thread) => translateLibraryInThread(lib, options, thread));
}

async function logged(name: string, bytes: Uint8Array, options: TranslateOptions, log: Log | undefined, intervalMs: number, translate: (thread: ThreadOptions) => Promise<{ wasm: Uint8Array }>): Promise<Uint8Array> {
  const t0 = performance.now();
  let lastLine = t0;
  log?.(`translating ${name} (${Math.round(bytes.byteLength / 1024)} KiB, optimize ${resolveTranslateOptions(options).optimize}) on a worker thread`);
  const onProgress = log && ((p: TranslateProgress) => {
    const now = performance.now();
    if (now - lastLine < intervalMs) return;
    lastLine = now;
    log(`translating ${name}: ${describeProgress(p)}, ${((now - t0) / 1000).toFixed(0)} s`);
  });
  // kept threads: a program's libraries, the next import and a changed file translate warm
  return (await translate({ onProgress, progressMs: Math.min(1000, intervalMs), keep: true })).wasm;
}
