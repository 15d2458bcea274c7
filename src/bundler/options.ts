// The plugin's user options and their resolved form (defaults applied once, in one place).
import { resolve } from 'node:path';
import type { FilterPattern } from 'unplugin';
import { defaultCacheDir, defaultCacheSize, parseSize } from '../node/cache.ts';
import { learnedPathFor } from '../node/learned.ts';
import { resolveSysroot } from '../node/sysroot.ts';
import { resolveTranslateOptions, type ProtectMode } from '../translate-options.ts';

export interface Options {
  /** ids to translate (default: /\.elf$/) */
  include?: FilterPattern;
  exclude?: FilterPattern;
  /** the translation cache, relative to the root (default: the one the CLI uses,
   *  $ELF2WASM_CACHE_DIR or ~/.cache/elf2wasm, so that both share translations) */
  cacheDir?: string;
  /** the translation cache's size limit in bytes, or a size such as '500M' (default:
   *  $ELF2WASM_CACHE_SIZE, else 1G); the least recently used translations go beyond it */
  cacheSize?: number | string;
  /** project root (default: the bundler's root, else the working directory) */
  root?: string;
  /** binaryen optimisation level 0..4 (default 0, as the CLI's) */
  optimize?: number;
  /** memory protection of the translated code: 'null' (default; unset, a Go or Rust program gets 'full': cache.ts faultHandlerProtect), 'pages', 'bounds', 'full' or 'none' (TranslateOptions.protect) */
  protect?: ProtectMode;
  /** translations may use relaxed SIMD (TranslateOptions.relaxedSimd): FMA-heavy code runs faster, but
   *  Safari cannot compile them (Chrome/Edge 114+, Firefox 146+ and Node 22+ can; Node 20 only with
   *  --experimental-wasm-relaxed-simd). Default false */
  relaxedSimd?: boolean;
  /** loops re-enter their function now and then (TranslateOptions.loopReentry), so that a long loop
   *  leaves the engine's baseline code: V8 compiles every function in it first. Default true;
   *  false only for engines that replace a running loop's code themselves */
  loopReentry?: boolean;
  /** translations (and bundled files) smaller than this many bytes are inlined as base64 data: URLs (default 0: never) */
  inlineLimit?: number;
  /** no log lines about translations (a translation logs its start and its end) */
  quiet?: boolean;
  /** a translation that runs longer than this many milliseconds logs a progress line every as
   *  many milliseconds (default 5000) */
  progressInterval?: number;
  /** extra files bundled with the programs, which see them at run time (under a run's own
   *  `files`): absolute guest path → host path (relative to the root). A guest path ending in "/"
   *  takes a host directory's files (recursively), or a host file under its own name. A function
   *  chooses per executable (its absolute path). */
  files?: FileMap | ((elf: string) => FileMap | undefined);
  /** other executables the programs can execve: absolute guest path → host .elf (relative to the
   *  root), e.g. `{ '/bin/sh': 'busybox.elf', '/usr/bin/env': 'busybox.elf' }`. Each is translated
   *  once however many paths name it (the importing program's own .elf is its own module) and
   *  appears at its paths as an executable file; `#!` interpreters resolve through them. A
   *  function chooses per executable (its absolute path). */
  programs?: FileMap | ((elf: string) => FileMap | undefined);
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
  /** the AArch64 sysroot of dynamically linked executables (relative to the root), as
   *  qemu-aarch64 -L: their interpreter is translated with them, and it and the libraries they
   *  need at start-up (DT_NEEDED) are bundled at their guest paths (default: $QEMU_LD_PREFIX,
   *  else $ELF2WASM_SYSROOT, else /usr/aarch64-linux-gnu when it exists) */
  sysroot?: string;
  /** translate a dynamic executable's start-up libraries ahead of time too, each on its own and
   *  cached by content (one libc.so.6 translation serves every program), emitted beside the
   *  program's .wasm (default true); false: they are lifted at run time when reached */
  translateLibraries?: boolean;
  /** vite's dev and preview servers send Cross-Origin-Opener-Policy: same-origin and
   *  Cross-Origin-Embedder-Policy: require-corp, so that pages are cross-origin isolated and have
   *  SharedArrayBuffer (`kill()` of a run in a worker needs it); default true. A production server
   *  must send the same headers (see the README). */
  crossOriginIsolation?: boolean;
}

export type FileMap = Record<string, string>;

export interface ResolvedOptions {
  include: FilterPattern;
  exclude: FilterPattern | undefined;
  root: string;
  /** translations (src/node/cache.ts) */
  cacheDir: string;
  cacheSize: number;
  /** files the plugin generates for the bundler to pick up (assets where the bundler needs a path) */
  generatedDir: string;
  optimize: number;
  protect: ProtectMode;
  /** `protect` was given (else a program known to install a SIGSEGV handler gets 'full': cache.ts faultHandlerProtect) */
  protectGiven: boolean;
  relaxedSimd: boolean;
  loopReentry: boolean;
  inlineLimit: number;
  quiet: boolean;
  progressInterval: number;
  files: (elf: string) => FileMap | undefined;
  programs: (elf: string) => FileMap | undefined;
  worker: boolean;
  learned: (elf: string) => string | undefined;
  lift: boolean;
  sysroot: string | undefined;
  translateLibraries: boolean;
  crossOriginIsolation: boolean;
}

export function resolveOptions(options: Options = {}, root = options.root ?? process.cwd()): ResolvedOptions {
  let optimize: number, protect: ProtectMode, relaxedSimd: boolean, loopReentry: boolean;
  try {
    ({ optimize, protect, relaxedSimd, loopReentry } = resolveTranslateOptions({ optimize: options.optimize, protect: options.protect, relaxedSimd: options.relaxedSimd, loopReentry: options.loopReentry }));
  } catch (e) {
    throw new TypeError(`unplugin-elf: ${(e as Error).message}`);
  }
  let cacheSize: number;
  try {
    cacheSize = typeof options.cacheSize === 'string' ? parseSize(options.cacheSize, 'cacheSize') : options.cacheSize ?? defaultCacheSize();
  } catch (e) {
    throw new TypeError(`unplugin-elf: ${(e as Error).message}`);
  }
  if (!(cacheSize >= 0)) throw new TypeError(`unplugin-elf: cacheSize must be a size in bytes, not ${String(options.cacheSize)}`);
  const { files, programs } = options;
  for (const [name, map] of [['files', files], ['programs', programs]] as const) {
    if (map !== undefined && typeof map !== 'function' && (typeof map !== 'object' || map === null)) throw new TypeError(`unplugin-elf: ${name} must be an object (guest path → host path) or a function`);
  }
  return {
    include: options.include ?? /\.elf$/,
    exclude: options.exclude,
    root,
    cacheDir: options.cacheDir === undefined ? defaultCacheDir() : resolve(root, options.cacheDir),
    cacheSize,
    // under the project, not in the shared cache: webpack's module ids include the path
    generatedDir: resolve(root, 'node_modules', '.cache', 'unplugin-elf'),
    optimize,
    protect,
    protectGiven: options.protect !== undefined,
    relaxedSimd,
    loopReentry,
    inlineLimit: Math.max(0, options.inlineLimit ?? 0),
    quiet: options.quiet ?? false,
    progressInterval: Math.max(0, options.progressInterval ?? 5000),
    files: typeof files === 'function' ? files : () => files,
    programs: typeof programs === 'function' ? programs : () => programs,
    worker: options.worker ?? true,
    lift: options.lift ?? true,
    translateLibraries: options.translateLibraries ?? true,
    crossOriginIsolation: options.crossOriginIsolation ?? true,
    sysroot: resolveSysroot(options.sysroot === undefined ? undefined : resolve(root, options.sysroot)),
    learned: options.learned === false ? () => undefined : options.learned ?? learnedPathFor,
  };
}
