// elf2wasm: translate an AArch64 Linux ELF to Wasm, or translate (cached) and run it like qemu-user.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { cac } from 'cac';
import { ElfFormatError } from '../elf/errors.ts';
import type { TranslationMeta } from '../meta.ts';
import { cachedTranslation, contentDigest, faultHandlerProtect, translateCached, type LibraryTranslator } from '../node/cache.ts';
import { libraryImages } from '../node/libraries.ts';
import { configureV8 } from '../node/engine.ts';
import { openHostTerminal } from '../node/host-terminal.ts';
import { startRunThread, type RunThread } from '../node/run-thread.ts';
import { ownJitFlags, translationRuns } from '../node/jit-flags.ts';
import { translateInThread } from '../node/translate-thread.ts';
import { Interrupts } from '../runtime/interrupts.ts';
import { interpreterFor, resolveSysroot } from '../node/sysroot.ts';
import { TRANSLATOR_VERSION } from '../version.ts';
import { META_SECTION, readJsonSection } from '../wasm/custom-section.ts';
import { DEFAULT_PROTECT, resolveTranslateOptions, type ProtectMode, type TranslateOptions } from '../translate-options.ts';
import type { ProgressListener } from '../translate-progress.ts';
import type { Translation } from '../translate.ts';
import { learnedPathFor, readLearned, recordLearned } from '../node/learned.ts';
import { defaultCacheSize } from '../node/cache.ts';
import { cacheCommand } from './cache-command.ts';
import { FsOptions, UsageError } from './confine.ts';
export { cwdRemoved } from './confine.ts';
import { forwardHostSignals } from './host-signals.ts';
import { terminalProgress } from './progress.ts';
import { RUN_HELP, RUN_USAGE } from './run-help.ts';
/** bad input file: exit status 1, message names the file */
class InputError extends Error {}

/** `digest`: contentDigest(bytes) (cache.ts), which the cache keys hash */
async function translateFile(file: string, bytes: Uint8Array, options: TranslateOptions, cached: boolean, digest?: string): Promise<Uint8Array> {
  try {
    const progress = terminalProgress(`translating ${basename(file)}`);
    const here = async (b: Uint8Array, o: TranslateOptions) => (await translateInThread(b, o, { onProgress: progress.onProgress })).wasm;
    try {
      if (!cached) return await here(bytes, options);
      // a translation without relaxed SIMD (the bundler plugin's portable one, or run --no-relaxed-simd's)
      // runs here too, a little slower: reused, not redone
      const own = cachedTranslation(bytes, options, {}, digest) ?? (options.relaxedSimd ? cachedTranslation(bytes, { ...options, relaxedSimd: false }, {}, digest) : undefined);
      return own ?? (await translateCached(bytes, options, { name: basename(file) }, here, digest)).wasm;
    } finally {
      progress.end();
    }
  } catch (e) {
    if (e instanceof ElfFormatError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}

/** a library's translation on its own (node/libraries.ts), with progress on a terminal */
const translateLibraryShown: LibraryTranslator = async (lib, options) => {
  const progress = terminalProgress(`translating ${basename(lib.path)}`), ended = translationRuns();
  try {
    return (await import('../translate-library.ts')).translateLibrary(lib, options, progress.onProgress).wasm;
  } finally {
    ended();
    progress.end();
  }
};

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** a dynamic program's interpreter from the sysroot (translated with it); what cannot be loaded names the file */
function interpreterOf(file: string, bytes: Uint8Array, sysroot: string | undefined): TranslateOptions['interpreter'] {
  try {
    return interpreterFor(bytes, sysroot);
  } catch (e) {
    throw e instanceof ElfFormatError ? new InputError(`${file}: ${e.message}`) : e;
  }
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** the CLI defaults to 0: V8 optimises anyway, and binaryen -O2 on glibc takes ~30 s */
function protectMode(v: unknown): ProtectMode {
  try {
    return resolveTranslateOptions({ protect: v === undefined ? undefined : String(v) as ProtectMode }).protect;
  } catch {
    throw new UsageError(`--protect takes null, pages, bounds, full or none, not ${String(v)}`);
  }
}

function optimizeLevel(v: unknown): number {
  try {
    return resolveTranslateOptions({ optimize: v === undefined ? undefined : Number(v) }).optimize;
  } catch {
    throw new UsageError(`--optimize takes 0..4, not ${String(v)}`);
  }
}

/** the report needs the discovered program: that translation stays on this thread */
async function reportedTranslation(bytes: Uint8Array, options: TranslateOptions, onProgress: ProgressListener | undefined): Promise<Translation> {
  const { translate } = await import('../translate.ts'), ended = translationRuns();
  try {
    return translate(bytes, options, { report: true, onProgress });
  } finally {
    ended();
  }
}

async function translateCommand(file: string, opts: { output?: string; optimize?: unknown; learned?: string; report?: boolean; protect?: unknown; sysroot?: string; relaxedSimd: boolean; loopReentry: boolean }): Promise<void> {
  const bytes = readInput(file);
  const interpreter = interpreterOf(file, bytes, resolveSysroot(opts.sysroot));
  let result;
  try {
    const entries = readLearned(opts.learned ?? learnedPathFor(file), bytes);
    const progress = terminalProgress(file);
    try {
      const options = { optimize: optimizeLevel(opts.optimize), entries, protect: protectMode(opts.protect), relaxedSimd: opts.relaxedSimd, loopReentry: opts.loopReentry, interpreter };
      result = opts.report ? await reportedTranslation(bytes, options, progress.onProgress)
        : await translateInThread(bytes, options, { onProgress: progress.onProgress });
    } finally {
      progress.end();
    }
  } catch (e) {
    throw e instanceof ElfFormatError ? new InputError(`${file}: ${e.message}`) : e;
  }
  const { wasm, meta } = result;
  for (const w of result.warnings) process.stderr.write(`elf2wasm: warning: ${file}: ${w}\n`);
  if (result.report) process.stdout.write(result.report.endsWith('\n') ? result.report : `${result.report}\n`);
  const out = opts.output ?? `${file.replace(/\.elf$/, '')}.wasm`;
  writeFileSync(out, wasm);
  const s = meta.stats;
  const learned = meta.learnedEntries ? `, ${meta.learnedEntries} learned entries` : '';
  process.stderr.write(`${file} → ${out}: ${s.functions} functions, ${s.instructions} instructions${learned}, ${(wasm.byteLength / 1024).toFixed(0)} KiB, ${result.millis} ms\n`);
}

/**
 * `run` takes elf2wasm options before the program; everything after it belongs to the guest.
 * `early`: the run's thread, if bin/elf2wasm.js started it before loading this module.
 */
async function runCommand(argv: string[], early?: RunThread): Promise<number> {
  let trace = false, noCache = false, lift = true, protect: unknown, optimize: unknown, record: string | undefined, sysrootArg: string | undefined, libraries = true, relaxedSimd = true;
  const fsOptions = new FsOptions();
  let k = 0;
  for (; k < argv.length && argv[k]!.startsWith('-'); k++) {
    const a = argv[k]!;
    const fsEnd = fsOptions.parse(argv, k);
    if (fsEnd !== undefined) k = fsEnd;
    else if (a === '--trace') trace = true;
    else if (a === '--no-cache') noCache = true;
    else if (a === '--no-lift') lift = false;
    else if (a === '--no-translate-libraries') libraries = false;
    else if (a === '--no-relaxed-simd') relaxedSimd = false;
    else if (a === '-L') sysrootArg = argv[++k] ?? '';
    else if (a.startsWith('-L') && a.length > 2) sysrootArg = a.slice(2);
    else if (a === '--protect') protect = argv[++k];
    else if (a.startsWith('--protect=')) protect = a.slice(10);
    else if (a === '--record') record = '';
    else if (a.startsWith('--record=')) record = a.slice(9);
    else if (a === '--optimize' || a === '-O') optimize = argv[++k];
    else if (a.startsWith('--optimize=')) optimize = a.slice(11);
    else if (a === '--') { k++; break; }
    else if (a === '--help' || a === '-h') { process.stdout.write(RUN_HELP); return 0; }
    else throw new UsageError(`unknown option for run: ${a}`);
  }
  const file = argv[k];
  if (!file) throw new UsageError(`usage: ${RUN_USAGE}`);
  const log = trace ? (line: string) => process.stderr.write(`[elf2wasm] ${line}\n`) : undefined;
  const bytes = readInput(file);
  const thread = early ?? startRunThread();
  const isWasm = WASM_MAGIC.every((b, i) => bytes[i] === b);
  if (isWasm && record !== undefined) throw new UsageError('--record needs the executable, not a .wasm');
  const learnedPath = record || learnedPathFor(file);
  if (sysrootArg === '') throw new UsageError('-L takes a directory (the AArch64 sysroot)');
  const sysroot = resolveSysroot(sysrootArg);
  const interpreter = isWasm ? undefined : interpreterOf(file, bytes, sysroot);
  const given = { optimize: optimizeLevel(optimize), entries: isWasm ? [] : readLearned(learnedPath, bytes), protect: protectMode(protect), relaxedSimd, interpreter };
  // a program known to install a SIGSEGV/SIGBUS handler: checked code ahead of time (cache.ts)
  const autoProtect = protect === undefined && !isWasm;
  // the executable's sha256, for the cache's keys and memos: hashed once
  const digest = isWasm || noCache ? undefined : contentDigest(bytes);
  const { options, reason } = autoProtect ? faultHandlerProtect(bytes, given, noCache ? false : {}, undefined, digest) : { options: given };
  if (reason) log?.(`${file} ${reason}: translated with protect 'full' (checked code ahead of time instead of lifted at run time)`);
  const wasm = isWasm ? bytes : await translateFile(file, bytes, options, !noCache, digest);
  // before compiling (engine.ts)
  configureV8();
  const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  const meta = readJsonSection<TranslationMeta>(module, META_SECTION);
  if (!meta) throw new InputError(`${file}: a .wasm without elf2wasm metadata (not produced by elf2wasm)`);
  // a dynamic program's libraries, each translated on its own (cached, shared with other programs)
  const libraryModules = libraries && interpreter ? await libraryImages(bytes, file, sysroot, options, { cache: !noCache, trace: log, translator: translateLibraryShown }) : undefined;
  const view = fsOptions.setup(file);
  // the guest runs on a thread of its own, so that this one can pass Ctrl-C on to it (run-thread.ts)
  const interrupts = new Interrupts();
  const stopForwarding = forwardHostSignals(interrupts);
  const terminal = openHostTerminal(interrupts);
  let reply;
  try {
    reply = await thread.run({
      module, meta,
      opts: {
        args: [file, ...argv.slice(k + 1)],
        env: { ...process.env } as Record<string, string>,
        cwd: view.cwd,
        execPath: view.execPath,
        // as qemu -L; the default sysroot only for dynamic programs, so static ones see the host's files as under plain qemu
        sysroot: sysrootArg || process.env.QEMU_LD_PREFIX || process.env.ELF2WASM_SYSROOT || meta.interp ? sysroot : undefined,
        runtimeLift: lift,
      },
      mounts: view.namespace?.given,
      trace,
      images: { options: given, cache: !noCache, first: isWasm ? undefined : bytes, sysroot, libraries, autoProtect },
      libraries: libraryModules,
      interrupts: interrupts.cell,
      terminal: terminal?.size,
    }, terminal);
  } finally {
    terminal?.close();
    stopForwarding();
  }
  // what every process of the run lifted: stats for --trace, the first program's entries for --record
  const { status, stats, entries } = reply;
  log?.(`run-time lifting: ${stats.lifts} lifts, ${stats.functions} functions, ${stats.instructions} instructions, ${stats.millis.toFixed(0)} ms`);
  if (record !== undefined) {
    const all = recordLearned(learnedPath, bytes, entries);
    log?.(`recorded ${entries.length} lifted entries in ${learnedPath} (${all.length} in all): the next translation includes them`);
  }
  return status;
}

export async function main(argv: string[], runThread?: RunThread): Promise<number> {
  try {
    defaultCacheSize();
  } catch (e) {
    throw new UsageError((e as Error).message); // a bad ELF2WASM_CACHE_SIZE
  }
  if (argv[0] === 'run') return runCommand(argv.slice(1), runThread);
  if (argv[0] === 'cache') return cacheCommand(argv.slice(1), (text) => process.stdout.write(text));
  const cli = cac('elf2wasm');
  cli.command('<file>', 'translate an AArch64 Linux ELF executable to WebAssembly')
    .option('-o, --output <file>', 'output .wasm (default: <file>.wasm)')
    .option('-O, --optimize <level>', 'binaryen optimisation level 0..4', { default: 0 })
    .option('--report', 'print what discovery found, by source, and the indirect branches left to run time')
    .option('--learned <file>', 'entries lifted at run time by earlier runs (default: <file>.lifted, written by run --record)')
    .option('-L, --sysroot <dir>', 'AArch64 sysroot with a dynamic program\'s interpreter (as qemu-aarch64 -L; default $QEMU_LD_PREFIX, else /usr/aarch64-linux-gnu)')
    .option('--protect <mode>', 'memory protection: null (the null page, stores to .text and .rodata; code lifted with checks once a SIGSEGV handler is installed), pages (unmapped and read-only memory too, as null once a handler is installed), bounds (null page, 64-bit addresses), full (unmapped and read-only memory, 64-bit addresses, precise faults), none', { default: DEFAULT_PROTECT })
    .option('--relaxed-simd', 'the module may use relaxed SIMD: FMADD and friends inline (Chrome/Edge 114+, Firefox 146+, Node 22+ or elf2wasm run; not Safari)')
    .option('--no-loop-reentry', 'loops never re-enter their function (by default they do now and then, so that long loops leave the engine\'s baseline code)');
  cli.command('run <file> [...args]', 'translate (cached) and run in Node, like qemu-aarch64');
  cli.command('cache <ls|clean>', 'list (ls) or empty (clean) the translation cache shared with the bundler plugins');
  cli.help();
  cli.version(TRANSLATOR_VERSION);
  // cac (6.x) hands mri a dashed boolean under its camel-case name, so mri would take the next
  // argument as its value: these flags are taken out before cac parses
  const relaxedSimd = argv.includes('--relaxed-simd'), loopReentry = !argv.includes('--no-loop-reentry');
  const parsed = cli.parse(['node', 'elf2wasm', ...argv.filter((a) => a !== '--relaxed-simd' && a !== '--no-loop-reentry')], { run: false });
  if (parsed.options.help || parsed.options.version) return 0;
  const file = parsed.args[0];
  if (!file) { cli.outputHelp(); return 2; }
  await translateCommand(String(file), { ...parsed.options as { output?: string; optimize?: unknown; learned?: string; report?: boolean; protect?: unknown; sysroot?: string }, relaxedSimd, loopReentry });
  return 0;
}

/** bin/elf2wasm.js: `runThread`, the thread it started for `elf2wasm run` before loading this module */
export async function cliEntry(runThread?: RunThread): Promise<void> {
  ownJitFlags();
  try {
    process.exitCode = await main(process.argv.slice(2), runThread);
  } catch (e) {
    if (e instanceof UsageError || (e as Error).name === 'CACError') {
      process.stderr.write(`elf2wasm: ${(e as Error).message}\n`);
      process.exitCode = 2;
    } else if (e instanceof InputError) {
      process.stderr.write(`elf2wasm: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`elf2wasm: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  }
}
