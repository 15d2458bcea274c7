// The plugin's user options and their resolved form (defaults applied once, in one place).
import { isAbsolute, join, resolve } from 'node:path';
import type { FilterPattern } from 'unplugin';

export interface Options {
  /** ids to translate (default: /\.elf$/) */
  include?: FilterPattern;
  exclude?: FilterPattern;
  /** translation cache and generated files (default: node_modules/.cache/unplugin-elf under the root) */
  cacheDir?: string;
  /** project root (default: the bundler's root, else the working directory) */
  root?: string;
  /** binaryen optimisation level 0..3 (default 2) */
  optimize?: number;
  /** translations smaller than this many bytes are inlined as base64 data: URLs (default 0: never) */
  inlineLimit?: number;
  /** no log line per translation */
  quiet?: boolean;
}

export interface ResolvedOptions {
  include: FilterPattern;
  exclude: FilterPattern | undefined;
  root: string;
  cacheDir: string;
  optimize: number;
  inlineLimit: number;
  quiet: boolean;
}

export function resolveOptions(options: Options = {}, root = options.root ?? process.cwd()): ResolvedOptions {
  const optimize = options.optimize ?? 2;
  if (!Number.isInteger(optimize) || optimize < 0 || optimize > 3) throw new TypeError(`unplugin-elf: optimize must be 0..3, not ${String(optimize)}`);
  const cacheDir = options.cacheDir ?? join('node_modules', '.cache', 'unplugin-elf');
  return {
    include: options.include ?? /\.elf$/,
    exclude: options.exclude,
    root,
    cacheDir: isAbsolute(cacheDir) ? cacheDir : resolve(root, cacheDir),
    optimize,
    inlineLimit: Math.max(0, options.inlineLimit ?? 0),
    quiet: options.quiet ?? false,
  };
}
