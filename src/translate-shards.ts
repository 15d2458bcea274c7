// A translation in shards, for threads working in parallel (node/translate-thread.ts runs them):
// the program's functions are split into one shard per thread, balanced by size; every thread
// discovers the whole program (discovery is deterministic, so every thread finds the same
// functions) and emits its shard (wasm/module.ts ProgramModule), and the thread with shard 0
// joins them into the program (wasm/merge.ts). A function's code does not depend on its shard and
// the join puts types in a canonical order, so the output is the same for any number of threads.
import { aarch64 } from './arch/aarch64/index.ts';
import { instructionCount, type GuestFunction } from './lift/discover.ts';
import { completeTranslation, prepareTranslation, type PreparedTranslation, type Translation } from './translate.ts';
import type { TranslateOptions } from './translate-options.ts';
import type { ProgressListener } from './translate-progress.ts';
import { learn, type LiftFacts } from './wasm/function-set.ts';
import { mergeShards } from './wasm/merge.ts';
import { ProgramModule } from './wasm/module.ts';

/** shard of each function (in entry order) for `count` shards: largest first, each to the least loaded shard */
export function assignShards(fns: GuestFunction[], count: number): Uint8Array {
  const owner = new Uint8Array(fns.length), load = new Float64Array(count);
  const order = fns.map((fn, k) => [instructionCount(fn), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [size, k] of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    owner[k] = best;
    load[best]! += size;
  }
  return owner;
}

/**
 * The shard one thread emits: thread `thread` of `threads` has shard `thread`. The phases follow
 * the threads' exchanges: lift → (everyone's facts) → finish → (everyone's helpers) → emit →
 * (the shards) → join, on the thread with shard 0.
 */
export class ShardThread {
  readonly prepared: PreparedTranslation;
  readonly owner: Uint8Array;
  private readonly fns: GuestFunction[];
  private pm: ProgramModule | undefined;
  private readonly layout: { privateEnd: number; pageTable: number; lowEnd: number };

  constructor(bytes: Uint8Array, options: TranslateOptions, readonly thread: number, private readonly threads: number, onProgress?: ProgressListener) {
    this.prepared = prepareTranslation(bytes, options);
    this.fns = [...this.prepared.program.functions.values()].sort((a, b) => a.entry - b.entry);
    this.owner = assignShards(this.fns, threads);
    const { image, program, opts } = this.prepared;
    // one thread emits the whole module, as translate() does (with binaryen's global optimisations)
    const shard = threads > 1 ? { index: thread, own: (k: number) => this.owner[k] === thread } : undefined;
    if (shard && opts.optimize > 0) throw new Error('internal error: binaryen optimises a whole module: a translation with optimize > 0 has one shard');
    this.pm = new ProgramModule(image, program, aarch64, { ...opts, onProgress }, shard);
    this.layout = { privateEnd: this.pm.privateEnd, pageTable: this.pm.pageTable, lowEnd: this.pm.lowEnd };
  }

  /** whether this thread joins the shards (it has shard 0) */
  get joins(): boolean { return this.thread === 0; }

  lift(): LiftFacts[] { return this.pm!.lift(); }

  /** the helpers this thread's functions call, given the facts of every function */
  finish(facts: LiftFacts[]): string[] { return this.pm!.finish(learn(this.fns, facts)); }

  /** this thread's shard (its module is disposed) */
  emit(helpers: string[]): Uint8Array {
    const wasm = this.pm!.emit(helpers);
    this.dispose();
    return wasm;
  }

  /** the program from every thread's shard, by thread (on the thread with shard 0); `t0`: when the translation began */
  join(shards: Uint8Array[], t0: number): Translation {
    if (shards.length !== this.threads || shards.some((s) => !s)) throw new Error('internal error: a shard of the translation is missing');
    return completeTranslation(this.prepared, { wasm: mergeShards(shards, this.owner), ...this.layout }, t0);
  }

  dispose(): void {
    this.pm?.dispose();
    this.pm = undefined;
  }
}
