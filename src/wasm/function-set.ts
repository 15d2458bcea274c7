// The functions of one module, lifted then emitted in two phases with what the whole program's
// functions tell each other in between: which read NZCV on entry or after a call, and what each
// writes (a call's clobber set). A module translated in shards (module.ts ProgramModule) lifts only
// its own functions; the facts of all shards are joined before any shard finishes.
import * as ir from './ir.ts';
import type { GuestFunction } from '../lift/discover.ts';
import type { Arch } from '../lift/types.ts';
import type { ProgressListener } from '../translate-progress.ts';
import { clobberSets, type ModuleContext, type ModuleFacts } from './context.ts';
import { FunctionEmitter } from './function.ts';

/** what the other functions' emission needs to know of a lifted function (structured-cloneable) */
export interface LiftFacts {
  entry: number;
  writes: number[];
  flagsLiveIn: boolean;
  flagsAtReturn: boolean;
  flagsAtEntry: boolean;
  /** guest instructions */
  size: number;
}

/** what the functions `fns` tell each other, from their lift facts (every shard's) */
export function learn(fns: GuestFunction[], facts: LiftFacts[]): ModuleFacts {
  // entries found only as addresses in data or code (no branch goes there) are often not code
  // at all, or mid-function blocks after a compare: they do not count
  const branchedTo = new Set(fns.flatMap((fn) => [...fn.callees]));
  return {
    readsFlagsOnEntry: new Set(facts.filter((f) => f.flagsLiveIn).map((f) => f.entry)),
    flagsCrossCalls: facts.some((f) => f.flagsAtReturn || (f.flagsAtEntry && branchedTo.has(f.entry))),
    clobbers: clobberSets(fns, new Map(facts.map((f) => [f.entry, new Set(f.writes)]))),
  };
}

export class FunctionSet {
  /** emitters of the functions this set emits, by index in ctx.fns */
  private readonly emitters = new Map<number, FunctionEmitter>();
  readonly names: string[];

  /** `own(k)`: whether this set emits ctx.fns[k] (default all); the others get a stub */
  constructor(private readonly ctx: ModuleContext, arch: Arch, own: (k: number) => boolean = () => true) {
    ctx.fns.forEach((fn, k) => { if (own(k)) this.emitters.set(k, new FunctionEmitter(ctx, fn, arch)); });
    this.names = ctx.fns.map((fn) => ctx.functionName(fn.entry)!);
  }

  lift(onProgress?: ProgressListener): LiftFacts[] {
    const facts: LiftFacts[] = [];
    let done = 0;
    for (const e of this.emitters.values()) {
      e.lift();
      facts.push({ entry: e.fn.entry, writes: [...e.writes], flagsLiveIn: e.flagsLiveIn, flagsAtReturn: e.flagsAtReturn, flagsAtEntry: e.flagsAtEntry, size: e.size });
      onProgress?.({ phase: 'lift', done: ++done, total: this.emitters.size });
    }
    return facts;
  }

  /** what every function of the module (from every shard) tells the others: `learn(ctx.fns, facts)` */
  adopt(facts: ModuleFacts): void { this.ctx.adopt(facts); }

  /** adds every function to the module, in ctx.fns order: its code, or a stub another shard replaces */
  finish(onProgress?: ProgressListener): void {
    // counted before the loop, which drops each emitter once its code is in the module
    const m = this.ctx.m, total = this.emitters.size;
    let done = 0;
    this.names.forEach((name, k) => {
      const e = this.emitters.get(k);
      if (!e) {
        m.addFunction(name, ir.i32, ir.none, [], m.unreachable()); // a guest function's signature (function.ts)
        return;
      }
      try {
        e.finish(name);
        this.emitters.delete(k); // its blocks and analyses are garbage once its code is in the module
      } catch (err) {
        throw new Error(`internal error: emitting ${name}: ${(err as Error).message}`, { cause: err });
      }
      onProgress?.({ phase: 'compile', done: ++done, total });
    });
  }
}
