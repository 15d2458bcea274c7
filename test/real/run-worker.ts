// Worker thread of the real-binary tests (test/helpers/real.ts): runs translated cases with
// runNode, as test/helpers/run-fixture.ts does in-process, so that the test file can bound each
// run's time (a guest that loops forever is terminated with its worker) and keep a few runs in
// flight. Loaded through tsx (the sources are TypeScript), compiled module shared by the parent.
import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { TranslationMeta } from '../../src/meta.ts';
import { configureV8 } from '../../src/node/engine.ts';
import { runNode } from '../../src/node/run.ts';
import { E, Errno } from '../../src/runtime/errno.ts';

/** `execs`: other programs the cases exec, translated by the test, by host path */
export interface WorkerInit {
  kind: 'init'; module: WebAssembly.Module; meta: TranslationMeta; execs?: Record<string, { module: WebAssembly.Module; meta: TranslationMeta }>;
  /** false: code the build did not translate is SIGSEGV (runNode's runtimeLift) */
  runtimeLift?: boolean;
}
export interface WorkerJob {
  kind: 'run';
  id: number;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  execPath: string;
  stdin: string;
  stdout: string;
  stderr: string;
}
/** what the run-time lifter did during one run (the runtime's onLiftStats) */
export interface RunLifts { lifts: number; instructions: number; millis: number; entries: number[] }
export type WorkerReply = { id: number; status: number; lifts?: RunLifts } | { id: number; error: string } | { ready: true };

// The run-time lifter (decoder, lifter, encoder) loads on a guest's first miss; a fresh worker
// thread loading it through tsx then takes seconds on a busy machine, which would count against the first
// case's time limit. Loading it before reporting ready takes that out of the cases' time (the
// guest still reaches it through the runtime's own lazy import, then from the module cache).
// A non-literal specifier: the tests must not break the type check if the lifter moves.
const LIFTER = '../../src/lift/runtime-lift.ts';

configureV8();
let program: WorkerInit | undefined;
const port = parentPort!;
port.on('message', (msg: WorkerInit | WorkerJob) => {
  if (msg.kind === 'init') {
    program = msg;
    void import(LIFTER).catch(() => undefined).then(() => port.postMessage({ ready: true } satisfies WorkerReply));
    return;
  }
  void (async () => {
    const fds = [openSync(msg.stdin, 'r'), openSync(msg.stdout, 'w'), openSync(msg.stderr, 'w')];
    try {
      if (!program) throw new Error('run before init');
      // every process of the run adds to the tally; entries are the first program's
      const lifts: RunLifts = { lifts: 0, instructions: 0, millis: 0, entries: [] };
      const entries = new Set<number>();
      const status = await runNode(program.module, program.meta, {
        args: msg.args, env: msg.env, cwd: msg.cwd, execPath: msg.execPath, runtimeLift: program.runtimeLift,
        stdin: fds[0], stdout: fds[1], stderr: fds[2],
        loadImage: (bytes, path) => {
          const image = program!.execs?.[path];
          if (image) return image;
          throw new Errno(E.ENOEXEC); // the test did not translate it for this run
        },
        onLiftStats: (code, meta) => {
          lifts.lifts += code.stats.lifts;
          lifts.instructions += code.stats.instructions;
          lifts.millis += code.stats.millis;
          if (meta === program!.meta) for (const pc of code.liftedEntries) entries.add(pc);
        },
      });
      lifts.entries = [...entries];
      port.postMessage({ id: msg.id, status, lifts } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply);
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
  })();
});
