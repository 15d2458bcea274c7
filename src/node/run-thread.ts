// runNode on a worker thread, for the CLI. The guest runs synchronously until it waits, and
// Node runs a signal listener (process.on('SIGINT')) only on the main thread's event loop: with
// the guest on the main thread, Ctrl-C could not be seen until the run ended. Here the main
// thread stays idle, takes the host's signals and hands them to the run through a shared word
// (runtime/interrupts.ts), which the guest's thread checks at every syscall and wait.
import { Worker } from 'node:worker_threads';
import type { TranslationMeta } from '../meta.ts';
import type { LibraryImage } from '../runtime/libraries.ts';
import type { TranslateOptions } from '../translate-options.ts';
import type { TerminalSize } from '../runtime/terminal.ts';
import type { HostTerminal } from './host-terminal.ts';
import type { Mount } from './namespace.ts';
import type { NodeRunOptions } from './run.ts';
import { workerScript } from './worker-script.ts';

/** what crosses to the thread: NodeRunOptions without callbacks, and how to build them there */
export interface RunThreadRequest {
  module: WebAssembly.Module;
  meta: TranslationMeta;
  opts: Pick<NodeRunOptions, 'args' | 'env' | 'cwd' | 'execPath' | 'sysroot' | 'runtimeLift'>;
  /** the namespace's mounts (Namespace.given) */
  mounts?: readonly Mount[];
  /** trace lines go to the host's stderr */
  trace: boolean;
  /** nodeImageLoader's arguments: exec'd programs are translated in the thread */
  /** `autoProtect`: the protection was not chosen (options.protect is the default): a program known to install a fault handler (its runtime does, or an earlier run saw it) is translated with 'full' (cache.ts faultHandlerProtect) */
  images: { options: TranslateOptions; cache: boolean; first?: Uint8Array; sysroot?: string; libraries?: boolean; autoProtect?: boolean };
  /** the program's libraries translated on their own (node/libraries.ts) */
  libraries?: LibraryImage[];
  /** Interrupts.cell */
  interrupts: Int32Array;
  /** fds 0-2 are the host's terminal, driven from the main thread (host-terminal.ts): its size */
  terminal?: TerminalSize;
}

/** the run's status and what it lifted at run time (for --trace and --record) */
export interface RunThreadReply {
  status: number;
  stats: { lifts: number; functions: number; instructions: number; millis: number };
  /** entry PCs lifted in the first program's executable */
  entries: number[];
}

/** dist/run-worker.js in the package (tsup.config.ts rewrites the name) */
const WORKER_URL = new URL('./run-worker.ts', import.meta.url);

/**
 * A thread for one run, started before the run is known: Node's start of a worker and its loading
 * of the runtime (~0.1 s) then overlap the main thread's reading and compiling of the translation.
 * It does not keep the process alive until `run` is called, so a run that never starts (a
 * translation that fails) needs no clean-up.
 */
export interface RunThread {
  /** `terminal`: the host's terminal whose keys and sizes go to the run (request.terminal) */
  run(request: RunThreadRequest, terminal?: HostTerminal): Promise<RunThreadReply>;
}

export function startRunThread(): RunThread {
  const [script, how] = workerScript(WORKER_URL);
  // a deep guest recursion goes further on a larger stack before the runtime must unwind it
  const worker = new Worker(script, { ...how, resourceLimits: { stackSizeMb: 64 } });
  worker.unref();
  // how the thread ends, from its start (it may fail before the run is given to it); a 'message'
  // listener would keep the process alive, and the thread says nothing before its request anyway
  let reply: RunThreadReply | undefined, failure: Error | undefined, exit: number | undefined;
  let settle = (): void => {};
  worker.on('error', (e) => { failure ??= e; settle(); });
  worker.on('exit', (code) => { exit = code; settle(); });
  return {
    run(request, terminal) {
      worker.ref();
      worker.on('message', (m: { reply?: RunThreadReply; error?: { message: string; stack?: string } }) => {
        if (m.reply) reply = m.reply;
        else if (m.error) failure ??= Object.assign(new Error(m.error.message), { stack: m.error.stack });
        settle();
      });
      // the request first: the terminal's messages follow it (run-worker.ts takes the first message as the request)
      worker.postMessage(request);
      terminal?.attach(worker);
      return new Promise((resolve, reject) => {
        settle = () => {
          if (failure) reject(failure);
          else if (exit !== undefined) reply ? resolve(reply) : reject(new Error(`the run's thread exited (code ${exit}) without a status`));
        };
        settle();
      });
    },
  };
}
