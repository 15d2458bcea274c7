// The plugin's user options and their resolved form (defaults applied once, in one place).
import { isAbsolute, join, resolve } from 'node:path';
import type { FilterPattern } from 'unplugin';
import { learnedPathFor } from '../node/learned.ts';
import { resolveTranslateOptions, type ProtectMode } from '../translate-options.ts';

export interface Options {
  /** ids to translate (default: /\.elf$/) */
  include?: FilterPattern;
  exclude?: FilterPattern;
  /** translation cache and generated files (default: node_modules/.cache/unplugin-elf under the root) */
  cacheDir?: string;
  /** project root (default: the bundler's root, else the working directory) */
  root?: string;
  /** binaryen optimisation level 0..4 (default 2) */
  optimize?: number;
  /** memory protection of the translated code: 'none' (default), 'bounds' or 'full' (TranslateOptions.protect) */
  protect?: ProtectMode;
  /** translations (and bundled files) smaller than this many bytes are inlined as base64 data: URLs (default 0: never) */
  inlineLimit?: number;
  /** no log line per translation */
  quiet?: boolean;
  /** extra files bundled with the programs, which see them at run time (under a run's own
   *  `files`): absolute guest path → host path (relative to the root). A guest path ending in "/"
   *  takes a host directory's files (recursively), or a host file under its own name. A function
   *  chooses per executable (its absolute path). */
  files?: FileMap | ((elf: string) => FileMap | undefined);
  /** put the worker entry into the output where the bundler does not (rollup and vite SSR
   *  builds: a chunk; esbuild: a file beside the bundle), so that `run({ worker: true })` works
   *  (default true). Single-file outputs (rollup's iife and umd) cannot have it. */
  worker?: boolean;
  /** entries lifted at run time by earlier runs (`elf2wasm run --record`), translated ahead of
   *  time: the file for an executable (its absolute path), or false to ignore such files
   *  (default: `<executable>.lifted` beside it, used when present and made for the same bytes) */
  learned?: false | ((elf: string) => string);
  /** lift code the build did not translate when a program reaches it, on the page's thread and in
   *  workers (default true): the lifter is a lazy chunk (~15 MB with binaryen) that only such a
   *  program fetches. esbuild builds need `splitting` for it on the page's thread (without it the
   *  chunk would be inlined into the bundle); their workers always have it. */
  lift?: boolean;
}

export type FileMap = Record<string, string>;

export interface ResolvedOptions {
  include: FilterPattern;
  exclude: FilterPattern | undefined;
  root: string;
  cacheDir: string;
  optimize: number;
  protect: ProtectMode;
  inlineLimit: number;
  quiet: boolean;
  files: (elf: string) => FileMap | undefined;
  worker: boolean;
  learned: (elf: string) => string | undefined;
  lift: boolean;
}

export function resolveOptions(options: Options = {}, root = options.root ?? process.cwd()): ResolvedOptions {
  let optimize: number, protect: ProtectMode;
  try {
    ({ optimize, protect } = resolveTranslateOptions({ optimize: options.optimize, protect: options.protect }));
  } catch (e) {
    throw new TypeError(`unplugin-elf: ${(e as Error).message}`);
  }
  const cacheDir = options.cacheDir ?? join('node_modules', '.cache', 'unplugin-elf');
  const { files } = options;
  if (files !== undefined && typeof files !== 'function' && (typeof files !== 'object' || files === null)) throw new TypeError('unplugin-elf: files must be an object (guest path → host path) or a function');
  return {
    include: options.include ?? /\.elf$/,
    exclude: options.exclude,
    root,
    cacheDir: isAbsolute(cacheDir) ? cacheDir : resolve(root, cacheDir),
    optimize,
    protect,
    inlineLimit: Math.max(0, options.inlineLimit ?? 0),
    quiet: options.quiet ?? false,
    files: typeof files === 'function' ? files : () => files,
    worker: options.worker ?? true,
    lift: options.lift ?? true,
    learned: options.learned === false ? () => undefined : options.learned ?? learnedPathFor,
  };
}
