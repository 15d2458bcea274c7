// Runs a translated fixture binary in-process, as the fixture script runs it under qemu:
// exact argv tail, exactly the given environment, stdin from a file, a fresh cwd holding only
// the case's files.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { configureV8 } from '../../src/node/engine.ts';
import type { TranslationMeta } from '../../src/meta.ts';
import { translate } from '../../src/translate.ts';
import type { TranslateOptions } from '../../src/translate-options.ts';
import { runNode } from '../../src/node/run.ts';
import { META_SECTION, readJsonSection } from '../../src/wasm/custom-section.ts';
import { stripSymbols } from './strip-elf.mjs';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

export interface Expected { stdout: string; stderr: string; status: number; stdoutEncoding?: string; stderrEncoding?: string }
export interface Loaded { module: WebAssembly.Module; meta: TranslationMeta; path: string }

/** Translates a committed fixture binary; `stripped`: first remove its symbol table, as `strip`
 * does (test/helpers/strip-elf.mjs), so that only what a stripped binary offers guides discovery.
 * The guest still sees the committed file's path as argv[0] and execPath. */
export async function loadBinary(name: string, { stripped = false, optimize }: { stripped?: boolean; optimize?: number } = {}): Promise<Loaded> {
  const path = join(FIXTURES, 'bin', name);
  const bytes = readFileSync(path);
  return loadElf(stripped ? stripSymbols(bytes).bytes : bytes, path, { inChild: true, optimize });
}

/**
 * Translation on worker threads, as the CLI and the plugin translate (in shards: translate-shards.ts),
 * from dist/, which test/cli-setup.ts (vitest's globalSetup) builds from the sources under test
 * before any test runs; the test worker's event loop stays free meanwhile (a synchronous
 * translation of a 1 MB static binary can outlast vitest's RPC timeout on a loaded machine).
 */
export async function translateInChild(bytes: Uint8Array, options: TranslateOptions): Promise<Uint8Array> {
  const { translateInThread } = await import(new URL('../../dist/node.js', import.meta.url).href) as typeof import('../../src/node/index.ts');
  return (await translateInThread(bytes, options)).wasm;
}

/** Translates and compiles ELF bytes; `path` is what the guest sees as its executable.
 * `inChild`: translate on worker threads from dist/ (see translateInChild). */
export async function loadElf(bytes: Uint8Array, path: string, { inChild = false, optimize, protect, relaxedSimd }: { inChild?: boolean } & Pick<TranslateOptions, 'optimize' | 'protect' | 'relaxedSimd'> = {}): Promise<Loaded> {
  // no disk cache: the translator under test changes between runs, its version string may not
  const options: TranslateOptions = { optimize, protect, relaxedSimd };
  const wasm = inChild ? await translateInChild(bytes, options) : translate(bytes, options).wasm;
  configureV8();
  const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  return { module, meta: readJsonSection<TranslationMeta>(module, META_SECTION)!, path };
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  tmpdir?: boolean;
  files?: Record<string, string>;
  /** false: a jump to code the build did not translate ends the guest (SIGSEGV) instead of lifting it */
  runtimeLift?: boolean;
  /** how stdout is decoded (default utf8; latin1 keeps binary output byte for byte) */
  stdoutEncoding?: BufferEncoding;
}

export async function runFixture(bin: Loaded, argvTail: string[], opts: RunOptions = {}): Promise<Expected> {
  const work = mkdtempSync(join(tmpdir(), 'elf2wasm-run-'));
  const cwd = join(work, 'cwd');
  const dir = opts.tmpdir ? mkdtempSync(join(work, 'dir-')) : undefined;
  try {
    writeFileSync(join(work, 'stdin'), opts.stdin ?? '');
    writeFileSync(join(work, 'stdout'), '');
    writeFileSync(join(work, 'stderr'), '');
    mkdirSync(cwd);
    for (const [name, text] of Object.entries(opts.files ?? {})) {
      mkdirSync(dirname(join(cwd, name)), { recursive: true });
      writeFileSync(join(cwd, name), text);
    }
    const fds = ['stdin', 'stdout', 'stderr'].map((f, i) => openSync(join(work, f), i ? 'w' : 'r'));
    let status: number;
    try {
      const tail = dir ? [argvTail[0]!, dir, ...argvTail.slice(1)] : argvTail;
      status = await runNode(bin.module, bin.meta, {
        args: [bin.path, ...tail], env: opts.env ?? {}, cwd, execPath: bin.path,
        stdin: fds[0], stdout: fds[1], stderr: fds[2],
        ...(opts.runtimeLift === undefined ? {} : { runtimeLift: opts.runtimeLift }),
      });
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
    return { stdout: readFileSync(join(work, 'stdout'), opts.stdoutEncoding ?? 'utf8'), stderr: readFileSync(join(work, 'stderr'), 'utf8'), status };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}


export function expectedOf(build: string, caseName: string): Expected {
  const e = JSON.parse(readFileSync(join(FIXTURES, 'expected', build, `${caseName}.json`), 'utf8')) as Expected;
  const decode = (s: string, enc?: string) => (enc === 'base64' ? Buffer.from(s, 'base64').toString('utf8') : s);
  return { stdout: decode(e.stdout, e.stdoutEncoding), stderr: decode(e.stderr, e.stderrEncoding), status: e.status };
}
