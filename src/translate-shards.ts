// A translation in shards, for threads working in parallel (node/translate-thread.ts runs them):
// the program's functions are split into shards of about SHARD_INSNS guest instructions each;
// a thread discovers the whole program (discovery is deterministic, so every thread finds the
// same functions), emits the shards it is given (wasm/module.ts ProgramModule), and the thread
// with shard 0 joins them into the program (wasm/merge.ts). The number of shards depends on the
// program alone, not on the threads, so the output is the same on every machine.
import { aarch64 } from './arch/aarch64/index.ts';
import type { GuestFunction } from './lift/discover.ts';
import { completeTranslation, prepareTranslation, type PreparedTranslation, type Translation } from './translate.ts';
import type { TranslateOptions } from './translate-options.ts';
import type { ProgressListener } from './translate-progress.ts';
import { learn, type LiftFacts } from './wasm/function-set.ts';
import { mergeShards } from './wasm/merge.ts';
import { ProgramModule } from './wasm/module.ts';

/** guest instructions per shard: small enough to keep 16 threads busy on busybox (374k) */
const SHARD_INSNS = 24_000;
const MAX_SHARDS = 64;

const sizeOf = (fn: GuestFunction): number => {
  let n = 0;
  for (const b of fn.blocks.values()) n += b.insns.length;
  return n;
};

/** shard of each function (in entry order): largest first, each to the least loaded shard */
export function assignShards(fns: GuestFunction[], instructions: number): Uint8Array {
  const count = Math.max(1, Math.min(MAX_SHARDS, Math.ceil(instructions / SHARD_INSNS)));
  const owner = new Uint8Array(fns.length), load = new Float64Array(count);
  const order = fns.map((fn, k) => [sizeOf(fn), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [size, k] of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    owner[k] = best;
    load[best]! += size;
  }
  return owner;
}

/** how many shards a program's functions make */
export const shardCountOf = (owner: Uint8Array): number => owner.reduce((a, b) => Math.max(a, b), 0) + 1;

/**
 * The shards one thread emits: thread `thread` of `threads` takes shards thread, thread+threads, …
 * The phases follow the threads' exchanges: lift → (everyone's facts) → finish → (everyone's
 * helpers) → emit → (the shards) → join, on the thread with shard 0.
 */
export class ShardThread {
  readonly prepared: PreparedTranslation;
  readonly owner: Uint8Array;
  private readonly fns: GuestFunction[];
  private modules: { index: number; pm: ProgramModule }[] = [];
  private readonly layout: { privateEnd: number; pageTable: number };

  /** `onProgress`: lift and compile counted over this thread's functions */
  constructor(bytes: Uint8Array, options: TranslateOptions, readonly thread: number, threads: number, onProgress?: ProgressListener) {
    this.prepared = prepareTranslation(bytes, options);
    const fns = [...this.prepared.program.functions.values()].sort((a, b) => a.entry - b.entry);
    this.fns = fns;
    this.owner = assignShards(fns, this.prepared.program.instructions);
    const { image, program, opts } = this.prepared;
    const mine = (index: number) => index % threads === thread;
    const total = this.owner.reduce((n, s) => n + (mine(s) ? 1 : 0), 0);
    const before = { lift: 0, compile: 0 }, seen = { lift: 0, compile: 0 };
    const progress: ProgressListener | undefined = onProgress && ((p) => {
      if (p.phase !== 'lift' && p.phase !== 'compile') return onProgress(p);
      if (p.done < seen[p.phase]) before[p.phase] += seen[p.phase]; // the next module's count began
      seen[p.phase] = p.done;
      onProgress({ phase: p.phase, done: before[p.phase] + p.done, total });
    });
    for (let index = thread; index < shardCountOf(this.owner); index += threads) {
      this.modules.push({ index, pm: new ProgramModule(image, program, aarch64, { ...opts, onProgress: progress }, { index, own: (k) => this.owner[k] === index }) });
    }
    const first = this.modules[0]?.pm;
    this.layout = { privateEnd: first?.privateEnd ?? 0, pageTable: first?.pageTable ?? 0 };
  }

  /** whether this thread joins the shards (it has shard 0) */
  get joins(): boolean { return this.thread === 0; }

  lift(): LiftFacts[] { return this.modules.flatMap(({ pm }) => pm.lift()); }

  /** the helpers this thread's functions call, given the facts of every function */
  finish(facts: LiftFacts[]): string[] {
    const learned = learn(this.fns, facts);
    return [...new Set(this.modules.flatMap(({ pm }) => pm.finish(learned)))];
  }

  /** this thread's shards, by index (its modules are disposed) */
  emit(helpers: string[], facts: LiftFacts[]): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>();
    for (const { index, pm } of this.modules) {
      out.set(index, pm.emit(helpers, facts));
      pm.dispose();
    }
    this.modules = [];
    return out;
  }

  /** the program from all its shards (on the thread with shard 0); `t0`: when the translation began */
  join(shards: Map<number, Uint8Array>, t0: number): Translation {
    const all = Array.from({ length: shardCountOf(this.owner) }, (_, i) => {
      const s = shards.get(i);
      if (!s) throw new Error(`internal error: shard ${i} of the translation is missing`);
      return s;
    });
    return completeTranslation(this.prepared, { wasm: mergeShards(all, this.owner), ...this.layout }, t0);
  }

  dispose(): void {
    for (const { pm } of this.modules) pm.dispose();
    this.modules = [];
  }
}

