// V8's flags for translations. Inlining: off while translations run, in a process that is ours,
// the CLI's (a bundler's process belongs to the bundler, whose own code the flag would change too;
// V8 flags are per process). The young generation: larger for every translation thread (below).
//
// A translation is short enough that the translator runs mostly before V8's optimising compiler
// has delivered its code, on the one other core of a 2-core machine, which has more functions to
// compile than time to compile them. Without inlining each compiles in a fraction of the time
// and the optimised code arrives sooner: a cold hello-glibc translation takes 13 % less time,
// busybox's 6 % (the translated code is the same: this is the translator's own JIT). The flag
// goes back as soon as no translation runs, before the guest's runtime code gets hot; translations
// a running guest asks for (an exec'd program, in the guest's thread) keep the flags as they are.
import { setFlagsFromString } from 'node:v8';

/**
 * A V8 flag set while any of its users runs: `on` when the first begins, `off` after the last
 * ends; the function returned ends one use (once)
 */
function heldFlag(on: string, off: string): () => () => void {
  let users = 0;
  return () => {
    if (users++ === 0) setFlagsFromString(on);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--users === 0) setFlagsFromString(off);
    };
  };
}

/** whether node was started with a flag matching `flag`: the user's choice then stays */
const given = (flag: RegExp): boolean => process.execArgv.some((a) => flag.test(a));

let owned = false;
const noInlining = heldFlag('--no-turbo-inlining', '--turbo-inlining');

/** the host process is ours: translations may set V8 flags while they run (unless node was started with an inlining flag of its own) */
export function ownJitFlags(): void {
  owned = !given(/^--(no-)?turbo[-_]inlining\b/);
}

/** a translation begins; the function it returns ends it (once) */
export function translationRuns(): () => void {
  return owned ? noInlining() : () => {};
}

/**
 * A translation thread's young generation, large from the start: V8 starts a heap's semi-spaces at
 * 1 MB and grows them as they fill, and a translation allocates fast and keeps much (a static glibc
 * hello: ~0.5 GB allocated, ~100 MB kept), so it scavenged 45 times, 36 with 8 MB semi-spaces (~5 %
 * less time). V8 reads the flag when it creates an isolate, which a worker does on its own thread:
 * the flag stays set until the worker is online (or gone), then goes back to the default (0, V8's
 * choice). Other isolates created meanwhile take it too; the process's own heap (a bundler's)
 * never does, and a node told a size on its command line keeps it.
 */
const TRANSLATOR_SEMI_SPACE_MB = 8;
const youngGeneration = heldFlag(`--min-semi-space-size=${TRANSLATOR_SEMI_SPACE_MB}`, '--min-semi-space-size=0');

/** `start()`'s worker, created with the translator's young generation */
export function withTranslatorHeap<W extends { once(event: 'online' | 'exit', f: () => void): unknown }>(start: () => W): W {
  const started = given(/^--min[-_]semi[-_]space[-_]size\b/) ? () => {} : youngGeneration();
  let worker: W;
  try {
    worker = start();
  } catch (e) {
    started();
    throw e;
  }
  worker.once('online', started);
  worker.once('exit', started);
  return worker;
}
