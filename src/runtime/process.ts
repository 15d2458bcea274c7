// Running a translated program: instantiate it with the `linux` imports, bind the host's WASI to
// its memory, build the initial process state, call run(), and turn whatever ends it into an
// exit status. Host-agnostic: the host layer (src/node/run.ts, a browser one) supplies WASI.
import { MODULE_ABI } from '../abi.ts';
import type { TranslationMeta } from '../meta.ts';
import { asGuestFault, describePc, GuestExit, GuestFault, GuestKilled, GuestTrap } from './errors.ts';
import { Guest, type GuestOptions } from './guest.ts';
import type { WasiImports } from './wasi.ts';
import { hardwareFma } from './fma.ts';
import { LiftPending, RuntimeCode, type LifterLoader } from './lifting.ts';

export interface RunOptions extends GuestOptions {
  /** Creates the WASI imports bound to the instance's memory, e.g. node:wasi after
   *  `wasi.initialize(instance)` or browser_wasi_shim after `wasi.inst = instance`. */
  makeWasi(instance: WebAssembly.Instance): WasiImports;
  /** loads the run-time lifter on the first miss (see LiftOptions); without it misses are faults */
  loadLifter?: LifterLoader;
  /** told once the run ends: what was lifted at run time (stats, entry PCs for learning builds) */
  onLiftStats?: (code: RuntimeCode) => void;
}

/** Exit status for a translated program that returned from run(): a translator/runtime bug. */
export const EXIT_INTERNAL_ERROR = 70;

/** The import object of a translated module; `target.guest` must be set before run(). */
export function linuxImports(target: { guest?: Guest }): WebAssembly.Imports {
  const noGuest = (): never => {
    throw new Error('linux import called before the guest was set up');
  };
  const fma = hardwareFma();
  const noFma = (): never => {
    throw new Error('internal error: hardware FMA called although hwfma is 0');
  };
  return {
    linux: {
      fma64: fma?.fma64 ?? noFma,
      fma32: fma?.fma32 ?? noFma,
      hwfma: new WebAssembly.Global({ value: 'i32', mutable: false }, fma ? 1 : 0),
      syscall: (nr: bigint, a0: bigint, a1: bigint, a2: bigint, a3: bigint, a4: bigint, a5: bigint, pc: bigint): bigint =>
        (target.guest ?? noGuest()).syscall(nr, a0, a1, a2, a3, a4, a5, pc),
      trap: (kind: number, pc: bigint, info: bigint): never => (target.guest ?? noGuest()).trap(kind, pc, info),
      // runInstance sets guest.code before the guest runs
      miss: (pc: bigint): void => (target.guest ?? noGuest()).code!.miss(pc),
      icache: (addr: bigint): void => (target.guest ?? noGuest()).code?.icache(addr),
      fault: (addr: bigint, pc: bigint): void => (target.guest ?? noGuest()).fault(addr, pc),
    },
  };
}

/** Converts what ended the guest into an exit status, printing a one-line diagnostic on the
 *  guest's stderr for traps and faults. Errors that are not about the guest are rethrown. */
export function exitStatus(guest: Guest, error: unknown): number {
  if (error instanceof GuestExit) return error.status;
  if (error instanceof GuestKilled) return 128 + error.signal; // like the kernel: no message
  let reported: GuestTrap | GuestFault | undefined = error instanceof GuestTrap || error instanceof GuestFault ? error : undefined;
  reported ??= asGuestFault(error, guest.lastPc ? `last syscall at ${describePc(guest.lastPc, guest.meta.symbols)}` : undefined);
  if (!reported) throw error;
  guest.writeStderr(`elf2wasm: ${reported.message}\n`);
  return 128 + reported.signal;
}

/** Thrown when a module was translated for another module contract (src/abi.ts). */
export class ModuleAbiError extends Error {
  constructor(found: unknown) {
    super(`this module was translated by an elf2wasm with module contract ${String(found)}; this runtime needs ${MODULE_ABI}: translate the program again`);
    this.name = 'ModuleAbiError';
  }
}

/**
 * Runs an instantiated translated module to completion. Guest code runs synchronously; the run
 * only yields when code must be lifted at run time before the lifter is loaded (then the guest
 * resumes from the dispatcher, with its state in memory, once the code is compiled).
 */
export async function runInstance(instance: WebAssembly.Instance, meta: TranslationMeta, opts: RunOptions, target: { guest?: Guest }, imports: WebAssembly.Imports): Promise<number> {
  const { memory, run } = instance.exports as { memory?: unknown; run?: unknown };
  if (!(memory instanceof WebAssembly.Memory) || typeof run !== 'function') {
    throw new TypeError('not a translated program: it must export `memory` and `run`');
  }
  if (meta.abi !== MODULE_ABI) throw new ModuleAbiError(meta.abi);
  const guest = new Guest(memory, meta, opts.makeWasi(instance), opts);
  target.guest = guest;
  const code = new RuntimeCode(instance, imports, meta, guest.vm, { enabled: opts.runtimeLift ?? true, trace: opts.trace, loadLifter: opts.loadLifter });
  guest.code = code;
  code.badJump = (pc) => guest.badJump(pc);
  guest.reentry = {
    run: () => {
      code.nested++;
      try { (run as () => void)(); } finally { code.nested--; }
    },
    depth: instance.exports.depth instanceof WebAssembly.Global ? instance.exports.depth : undefined,
    writable: (start, end) => guest.vm.writable(start, end),
  };
  try {
    guest.start();
    for (;;) {
      try {
        (run as () => void)();
      } catch (e) {
        if (e instanceof LiftPending) {
          try {
            await code.complete(e);
          } catch (le) {
            return exitStatus(guest, le);
          }
          continue;
        }
        return exitStatus(guest, e);
      }
      guest.writeStderr(`elf2wasm: internal error: run() returned instead of ending with exit (last syscall at ${describePc(guest.lastPc, meta.symbols)})\n`);
      return EXIT_INTERNAL_ERROR;
    }
  } finally {
    opts.onLiftStats?.(code);
    // makeWasi created the WASI instance for this run only, so its preopen goes too.
    guest.shutdown(true);
  }
}

/** Instantiates and runs a translated module; resolves to the exit status. */
export async function runGuest(module: WebAssembly.Module, meta: TranslationMeta, opts: RunOptions): Promise<number> {
  const target: { guest?: Guest } = {};
  const imports = linuxImports(target);
  const instance = await WebAssembly.instantiate(module, imports);
  return runInstance(instance, meta, opts, target, imports);
}
