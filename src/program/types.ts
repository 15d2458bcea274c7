// The program API: what a bundler plugin's generated loader module exports for each translated
// executable. Isomorphic (browsers, workers, Node); no `node:` imports anywhere in src/program.
import type { TranslationMeta } from '../meta.ts';
import type { LifterLoader } from '../runtime/lifting.ts';

/** Where a program's translated module comes from. At least one of `module`, `bytes`, `load`
 *  or `url` is needed; the first present in that order is used. */
export interface ProgramSource {
  /** translation metadata; default: the `elf2wasm.meta` custom section of the module */
  meta?: TranslationMeta;
  /** the .wasm to fetch (http(s):, data:, blob:, or file: under Node) */
  url?: string | URL;
  /** the .wasm bytes */
  bytes?: Uint8Array;
  /** an already compiled module */
  module?: WebAssembly.Module;
  /** produces the .wasm bytes (for hosts where `fetch(url)` does not work) */
  load?: () => Promise<Uint8Array | ArrayBuffer>;
  /** creates a worker running `worker.ts`, used when a run asks for `worker: true`
   *  (default: `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`) */
  worker?: () => WorkerLike;
  /** the worker script (a build of `unplugin-elf/worker`) for `worker: true` when `worker` is not
   *  given; the bundler plugin sets it where the bundler does not bundle workers itself */
  workerUrl?: string | URL;
  /** files every run sees (absolute guest path → the URL of its contents), fetched with the
   *  module; a run's own `files` are laid over them */
  fileUrls?: Record<string, string | URL>;
  /** other translated programs the guest can execve: absolute guest path → the URL of its .wasm
   *  (as `url`). Each appears in the guest's file system as an executable file at its path (its
   *  contents are a stub, not the ELF); paths with the same URL share one module, and a URL equal
   *  to `url` is this program's own module. Fetched and compiled with the module. */
  programs?: Record<string, string | URL>;
  /** shared libraries translated ahead of time (`translateLibrary`, the plugin's default for a
   *  dynamic executable): the guest path the program's ld.so loads the library from → the URL of
   *  its translation. A library joins a run when ld.so maps that file at the base it was
   *  translated for and its code is the code translated; otherwise (and for every library not
   *  listed) its code is lifted at run time. The files themselves come with `fileUrls`. */
  libraries?: Record<string, string | URL>;
  /**
   * loads the run-time lifter for runs on the caller's thread, e.g.
   * `() => import('unplugin-elf/lifter')` (the plugin's loader modules do this): code the build
   * did not translate is then lifted when reached (the lifter loads on the first such miss). Worker
   * runs bring their own (the worker entry imports it lazily).
   */
  lifter?: LifterLoader;
}

export interface RunOptions {
  /** argv[1..]; argv[0] is the program name */
  args?: string[];
  env?: Record<string, string>;
  /**
   * stdin: the whole of it, as text (written as UTF-8) or bytes (given as they are), which the
   * guest reads as a file; or fed while the program runs, as an async iterable of chunks (text or
   * bytes, as above) or a web ReadableStream of them, which the
   * guest reads as a pipe: a read waits until a chunk comes (other processes of the run go on
   * meanwhile), then returns what is there; the iteration's end is EOF. Forked children share it.
   * A run whose iteration throws rejects with a ProgramError (code 'STDIN_FAILED'). For a
   * terminal (line editing, echo, ^C) see `terminal` instead. The next
   * chunk is asked for only while the guest has less than 64 KiB of it unread (a pipe's
   * capacity), and the iteration is ended (`return()`; a ReadableStream is cancelled) when the
   * run ends first. To push input as it comes (a terminal), pass a ReadableStream and keep its
   * controller:
   *
   *     let input!: ReadableStreamDefaultController<string>;
   *     const run = prog.run({ stdin: new ReadableStream({ start: (c) => { input = c; } }) });
   *     input.enqueue('line 1\n');  // … later: input.close() is EOF
   */
  stdin?: string | Uint8Array | AsyncIterable<string | Uint8Array> | ReadableStream<string | Uint8Array>;
  /**
   * a terminal for the run, as a pty gives a shell: fds 0, 1 and 2 are one tty (isatty, /dev/tty,
   * termios, window size, a foreground process group for job control) with Linux's line
   * discipline in the runtime: canonical mode edits a line (DEL, ^U, ^W) until Enter, ^D is end
   * of file, ^C/^\/^Z signal the foreground group, what is typed is echoed, "\n" is written as
   * "\r\n"; programs may set raw mode (VMIN/VTIME). Keys go in with RunningProgram.write, the
   * size changes with resize (SIGWINCH); everything the terminal shows (output of every process,
   * echo) comes through onStdout, in order, and is the result's stdout (stderr stays empty).
   * `true` is 80 columns by 24 rows. Not with `stdin`. With xterm.js:
   *
   *     const run = prog.run({ terminal: { columns: term.cols, rows: term.rows }, worker: true, onStdout: (s) => term.write(s) });
   *     term.onData((keys) => run.write(keys));
   *     term.onResize(({ cols, rows }) => run.resize(cols, rows));
   */
  terminal?: boolean | { columns?: number; rows?: number };
  /** absolute guest paths → contents (text, written as UTF-8, or bytes), in an in-memory file
   *  system (parent directories are created; a path ending in "/" makes an empty directory).
   *  The guest may change it. */
  files?: Record<string, string | Uint8Array>;
  /** working directory, created if missing (default "/") */
  cwd?: string;
  /** the guest's user id, also the owner of `files` and of what it creates (default 0, root) */
  uid?: number;
  /** the guest's group id (default: `uid`) */
  gid?: number;
  /** called with decoded UTF-8 text as the guest writes (multi-byte sequences are never split);
   *  the result has the exact bytes */
  onStdout?(text: string): void;
  onStderr?(text: string): void;
  /** run off the caller's thread: `true` uses the program's worker factory (or the default);
   *  a factory makes a worker for this run (terminated after it); a worker is used as is
   *  (kept alive, so it can serve many runs). */
  worker?: boolean | WorkerLike | (() => WorkerLike);
  /** cancels the run, which then rejects with the signal's reason. A worker run stops at once: its
   *  worker is terminated (one passed in as well). A run on the caller's thread is synchronous
   *  guest code, so only a signal aborted before the program starts stops it. */
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  /** stdout decoded as UTF-8 (a sequence that is not UTF-8 becomes U+FFFD: binary output wants `stdoutBytes`) */
  stdout: string;
  stderr: string;
  /** exactly the bytes the guest wrote to stdout (fd 1) */
  stdoutBytes: Uint8Array;
  /** exactly the bytes the guest wrote to stderr (fd 2) */
  stderrBytes: Uint8Array;
  /** every regular file of the in-memory file system after the run, by absolute path */
  files?: Record<string, Uint8Array>;
  /** entry points of the executable's own code that had to be lifted at run time: a learning
   *  build translates them ahead of time (`recordLearned` from `unplugin-elf/node` writes the
   *  file the CLI and the plugin read, `tool.elf.lifted`) */
  lifted?: number[];
  /** how many functions the run lifted at run time in all: the executable's, its shared
   *  libraries' (none for a library translated ahead of time), code generated at run time */
  liftedFunctions?: number;
}

/**
 * A run in progress: a promise of its result that can also send the program a signal, as a
 * terminal's ^C or kill(1) would (to its process group). A handler the guest installed runs and
 * the program goes on; otherwise the signal's default action applies (the result's exitCode is
 * then 128 + N). The guest notices a signal at its next syscall or wait (at once when it sleeps or
 * waits for a pipe or a child); one computing without syscalls does not until it makes one. A
 * worker run needs SharedArrayBuffer (a cross-origin-isolated page) for this: without it kill
 * throws. Signals sent before the program starts wait for its first syscall.
 */
export interface RunningProgram extends Promise<RunResult> {
  /** sends `signal` (a number, or a name such as 'SIGINT' or 'INT'; default SIGTERM, as kill(1)) */
  kill(signal?: number | string): void;
  /** types at the run's terminal (RunOptions.terminal): text as UTF-8 ("\r" is Enter, "\x03" ^C), or bytes;
   *  throws TypeError without a terminal */
  write(keys: string | Uint8Array): void;
  /** resizes the run's terminal: TIOCGWINSZ reports the new size, the foreground group gets SIGWINCH */
  resize(columns: number, rows: number): void;
}

export interface ElfProgram {
  readonly name: string;
  /** runs the program as a fresh process (fresh instance, memory and file system) */
  run(options?: RunOptions): RunningProgram;
  /** compiles (once) and returns the module, e.g. to start loading early */
  compile(): Promise<WebAssembly.Module>;
}

/** A Web Worker, a worker_threads Worker or a MessagePort-like object. Messages arrive through
 *  addEventListener('message', e => e.data) (browsers) or on('message', data) (Node). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  addEventListener?(type: string, listener: (event: any) => void): void;
  removeEventListener?(type: string, listener: (event: any) => void): void;
  on?(type: string, listener: (...args: any[]) => void): unknown;
  off?(type: string, listener: (...args: any[]) => void): unknown;
  terminate?(): unknown;
}

export type ProgramErrorCode = 'NO_SOURCE' | 'LOAD_FAILED' | 'BAD_MODULE' | 'NO_META' | 'WORKER_FAILED' | 'STDIN_FAILED';

/** A program could not be loaded or started, or its streamed stdin failed (guest failures are exit codes instead). */
export class ProgramError extends Error {
  readonly code: ProgramErrorCode;
  readonly program: string;

  constructor(program: string, code: ProgramErrorCode, message: string, options?: { cause?: unknown }) {
    super(`elf program "${program}": ${message}`, options);
    this.name = 'ProgramError';
    this.code = code;
    this.program = program;
  }
}
