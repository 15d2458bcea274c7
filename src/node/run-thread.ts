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
  images: { options: TranslateOptions; cache: boolean; first?: Uint8Array; sysroot?: string; libraries?: boolean };
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

/** `terminal`: the host's terminal whose keys and sizes go to the run (request.terminal) */
export function runNodeInThread(request: RunThreadRequest, terminal?: HostTerminal): Promise<RunThreadReply> {
  const [script, how] = workerScript(WORKER_URL);
  // a deep guest recursion goes further on a larger stack before the runtime must unwind it
  const worker = new Worker(script, { ...how, workerData: request, resourceLimits: { stackSizeMb: 64 } });
  terminal?.attach(worker);
  return new Promise((resolve, reject) => {
    let reply: RunThreadReply | undefined;
    worker.on('message', (m: { reply?: RunThreadReply; error?: { message: string; stack?: string } }) => {
      if (m.reply) reply = m.reply;
      else if (m.error) reject(Object.assign(new Error(m.error.message), { stack: m.error.stack }));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (reply ? resolve(reply) : reject(new Error(`the run's thread exited (code ${code}) without a status`))));
  });
}
