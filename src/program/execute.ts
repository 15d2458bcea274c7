// One run of a translated program in the current thread: a fresh instance and memory, WASI from
// browser_wasi_shim over an in-memory file system and captured stdio. Used directly on the
// caller's thread and by the worker entry.
import { WASI } from '@bjorn3/browser_wasi_shim';
import { HostPipe, InputFailed, type ByteSource } from '../runtime/host-pipe.ts';
import type { ProcessImage } from '../runtime/kernel.ts';
import type { LifterLoader } from '../runtime/lifting.ts';
import { Interrupts } from '../runtime/interrupts.ts';
import { runGuest } from '../runtime/process.ts';
import { Terminal, type TerminalSize, type TerminalSource } from '../runtime/terminal.ts';
import type { WasiImports } from '../runtime/wasi.ts';
import { buildRoot, collectFiles } from './fs.ts';
import { MemFileHost, MetaTable } from './fs-meta.ts';
import { programFiles, programLoader, type ProgramImages } from './programs.ts';
import { capturedOutput, isStreamed, OutputSink, stdinFile } from './stdio.ts';
import { terminalSize } from './terminal-feed.ts';
import { ProgramError, type RunOptions, type RunResult } from './types.ts';

/** The part of RunOptions that crosses to a worker (no callbacks, stdin only when given whole),
 *  and the word that RunningProgram.kill sets (Interrupts.cell: shared with a worker where
 *  SharedArrayBuffer exists). */
export type PlainRunOptions = Pick<RunOptions, 'args' | 'env' | 'files' | 'cwd' | 'uid' | 'gid'> & { stdin?: string | Uint8Array; interrupts?: Int32Array; terminal?: TerminalSize };

export interface Streams {
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /** stdin fed while the program runs (instead of PlainRunOptions.stdin) */
  stdin?: ByteSource;
  /** the keys and sizes of the run's terminal (with PlainRunOptions.terminal) */
  terminal?: TerminalSource;
}

export function plainOptions(options: RunOptions): PlainRunOptions {
  const { args, env, stdin, files, cwd, uid, gid } = options;
  return { args, env, stdin: isStreamed(stdin) ? undefined : stdin, files, cwd, uid, gid, terminal: terminalSize(options.terminal) };
}

/** The guest path of the executable (AT_EXECFN, /proc/self/exe). */
export function execPathOf(name: string): string {
  return name.startsWith('/') ? name : `/bin/${name}`;
}

/** `image`: the program (with the libraries placed in its meta); `programs`: the programs the
 *  guest can execve besides its own executable */
export async function execute(name: string, image: ProcessImage, options: PlainRunOptions, streams: Streams = {}, loadLifter?: LifterLoader, programs?: ProgramImages): Promise<RunResult> {
  const cwd = options.cwd ?? '/';
  const stdout = new OutputSink(streams.onStdout);
  const stderr = new OutputSink(streams.onStderr);
  const owner = { uid: options.uid ?? 0, gid: options.gid ?? options.uid ?? 0 };
  const table = new MetaTable(owner);
  const stubs = programFiles(programs);
  let root;
  try {
    root = buildRoot({ ...stubs, ...options.files }, cwd, table, Object.keys(stubs).filter((path) => !options.files?.[path]));
  } catch (e) {
    throw e instanceof TypeError ? new TypeError(`elf program "${name}": ${e.message}`) : e;
  }
  const fds = [stdinFile(options.stdin), stdout.fd, stderr.fd, root];
  const makeWasi = (memory: WebAssembly.Memory): WasiImports => {
    const wasi = new WASI([], [], fds, { debug: false });
    wasi.inst = { exports: { memory } } as unknown as typeof wasi.inst;
    return wasi.wasiImport as WasiImports;
  };
  let exitCode: number;
  let lifted: number[] = [];
  let liftedFunctions = 0;
  try {
    exitCode = await runGuest(image.module, image.meta, {
      libraries: image.libraries,
      args: [name, ...(options.args ?? [])],
      env: options.env ?? {},
      cwd,
      execPath: execPathOf(name),
      ...owner,
      groups: [owner.gid],
      rootFd: 3,
      fileHost: new MemFileHost(root, table, fds),
      makeWasi,
      loadLifter,
      interrupts: options.interrupts && new Interrupts(options.interrupts),
      loadImage: programs && programLoader(programs),
      stdinPipe: streams.stdin && new HostPipe(streams.stdin),
      terminal: options.terminal && new Terminal(streams.terminal ?? { next: async () => undefined }, options.terminal, (bytes) => stdout.write(bytes)),
      onLiftStats: (code) => {
        lifted = [...code.liftedEntries].sort((a, b) => a - b);
        liftedFunctions = code.stats.functions;
      },
    });
  } catch (e) {
    if (e instanceof WebAssembly.LinkError) throw new ProgramError(name, 'BAD_MODULE', `not a translated program: ${e.message}`, { cause: e });
    if (e instanceof InputFailed) throw new ProgramError(name, 'STDIN_FAILED', e.message, { cause: e.cause });
    throw e;
  }
  return { exitCode, ...capturedOutput(stdout, stderr), files: collectFiles(root.dir), lifted, liftedFunctions };
}
