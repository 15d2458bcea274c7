// `elf2wasm cache ls` and `elf2wasm cache clean`: the translation cache that `run` and the
// bundler plugin share (src/node/cache.ts).
import { cleanCache, defaultCacheDir, defaultCacheSize, listCache, type CacheEntry } from '../node/cache.ts';
import { TRANSLATOR_VERSION } from '../version.ts';
import { UsageError } from './confine.ts';

export const CACHE_HELP = `Usage: elf2wasm cache ls|clean

The translation cache shared by \`elf2wasm run\` and the bundler plugins, keyed by the
executable's content, the translation options and the translator version.

  ls      list the translations, most recently used first
  clean   remove every translation

Environment:
  ELF2WASM_CACHE_DIR   the cache directory (default: $XDG_CACHE_HOME/elf2wasm or ~/.cache/elf2wasm)
  ELF2WASM_CACHE_SIZE  its size limit, e.g. 500M or 2G (default: 1G); the least recently used
                       translations are removed beyond it
`;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** one line of `ls`: when last used, size, program, options, and whether this elf2wasm can use it */
function entryLine(e: CacheEntry): string {
  const when = new Date(e.used).toISOString().slice(0, 16).replace('T', ' ');
  const o = e.options;
  const options = o ? `-O${o.optimize} --protect=${o.protect}${o.relaxedSimd ? ' --relaxed-simd' : ''}${o.loopReentry === false ? ' --no-loop-reentry' : ''}${o.entries.length ? ` +${o.entries.length} learned` : ''}` : '?';
  const stale = e.version === TRANSLATOR_VERSION ? '' : e.version ? ` (translator ${e.version})` : ' (made by an older elf2wasm)';
  return `${when}  ${mib(e.bytes).padStart(10)}  ${(e.name ?? '?').padEnd(20)} ${options}${stale}`;
}

export function cacheCommand(argv: string[], out: (text: string) => void): number {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || rest.some((a) => a === '--help' || a === '-h')) {
    out(CACHE_HELP);
    return 0;
  }
  if (rest.length) throw new UsageError(`cache ${sub ?? ''}: unexpected ${rest[0]}`);
  const dir = defaultCacheDir();
  if (sub === 'ls') {
    const entries = listCache(dir);
    const total = entries.reduce((s, e) => s + e.bytes, 0);
    out(`${dir}: ${entries.length} translation${entries.length === 1 ? '' : 's'}, ${mib(total)} of ${mib(defaultCacheSize())}\n`);
    for (const e of entries) out(`${entryLine(e)}\n`);
    return 0;
  }
  if (sub === 'clean') {
    const removed = cleanCache(dir);
    out(`${dir}: removed ${removed.length} translation${removed.length === 1 ? '' : 's'}, ${mib(removed.reduce((s, e) => s + e.bytes, 0))}\n`);
    return 0;
  }
  throw new UsageError(sub ? `unknown cache command: ${sub} (ls or clean)` : 'usage: elf2wasm cache ls|clean');
}
