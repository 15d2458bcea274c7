// Per-import options in the import's query, as vite's own (`./logo.png?url`):
// `import tool from './tool.elf?optimize=0&protect=full'` translates this import with its own
// settings, `import url from './tool.elf?url'` gives the translation's URL instead of a program.
import { isAbsolute, resolve } from 'node:path';
import type { FilterPattern } from 'unplugin';
import { resolveTranslateOptions, type ProtectMode } from '../translate-options.ts';

export interface ImportQuery {
  /** the id without its query */
  path: string;
  /** the query's translate options (the plugin's own where absent) */
  optimize?: number;
  protect?: ProtectMode;
  /** `?url`: the default export is the .wasm's URL */
  url: boolean;
}

const KEYS = ['optimize', 'protect', 'url'] as const;

/** Splits `id` into its path and the options its query gives; throws an Error naming a key it
 *  does not know or a value it cannot take. */
export function parseImportQuery(id: string): ImportQuery {
  const at = id.search(/[?#]/);
  const found: ImportQuery = { path: at < 0 ? id : id.slice(0, at), url: false };
  if (at < 0 || id[at] === '#') return found;
  const params = new URLSearchParams(id.slice(at + 1).replace(/#.*$/, ''));
  for (const [key, value] of params) {
    if (!(KEYS as readonly string[]).includes(key)) throw new Error(`unknown query parameter ${JSON.stringify(key)} (known: ${KEYS.join(', ')})`);
    if (key === 'url') {
      if (value !== '') throw new Error(`the query parameter url takes no value (?url), not ${JSON.stringify(value)}`);
      found.url = true;
    } else if (key === 'optimize') {
      if (!/^\d+$/.test(value)) throw new Error(`query parameter optimize must be 0..4, not ${JSON.stringify(value)}`);
      found.optimize = Number(value);
    } else {
      found.protect = value as ProtectMode;
    }
  }
  try {
    resolveTranslateOptions({ optimize: found.optimize, protect: found.protect });
  } catch (e) {
    throw new Error(`query parameter ${(e as Error).message}`);
  }
  return found;
}

/** rollup and esbuild look for a file named with the query: the plugin resolves a relative or
 *  absolute specifier with a query itself (the query kept for `load`) when its file is one the
 *  plugin translates. Only RegExp patterns are tried here (globs need a matcher this package does
 *  not carry): undefined for anything else, which the bundler then resolves. */
export function resolveQueried(source: string, importer: string | undefined, include: FilterPattern, exclude: FilterPattern | undefined): string | undefined {
  const at = source.indexOf('?');
  if (at < 0) return undefined;
  const path = source.slice(0, at);
  let file: string;
  if (isAbsolute(path)) file = path;
  else if (importer && /^\.\.?\//.test(path)) file = resolve(importer, '..', path);
  else return undefined;
  const matches = (p: FilterPattern | undefined): boolean => [p ?? []].flat().some((r) => r instanceof RegExp && new RegExp(r.source, r.flags.replace('g', '')).test(file));
  return matches(include) && !matches(exclude) ? `${file}${source.slice(at)}` : undefined;
}
