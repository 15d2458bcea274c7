// Running a translated program: instantiate it with the `linux` imports, bind the host's WASI to
// the run's I/O memory, start the first process and run the process tree (kernel.ts), and turn
// whatever ends a process into a termination. Host-agnostic: the host layer (src/node/run.ts, a
// browser one) supplies WASI.
import { MODULE_ABI } from '../abi.ts';
import type { TranslationMeta } from '../meta.ts';
import { asGuestFault, describePc, GuestExit, GuestFault, GuestKilled, GuestTrap } from './errors.ts';
import type { Guest, GuestOptions } from './guest.ts';
import { GuestMem } from './guest-mem.ts';
import { ioMemory, WasiFs, type WasiImports } from './wasi.ts';
import { hardwareFma } from './fma.ts';
import { Kernel, type KernelOptions } from './kernel.ts';
import type { LifterLoader, RuntimeCode } from './lifting.ts';
import { withLibraries, type LibraryImage } from './libraries.ts';

export interface RunOptions extends GuestOptions, Pick<KernelOptions, 'loadImage' | 'interrupts' | 'onRootStopped'> {
  /**
   * Creates the WASI imports bound to `memory`, the run's I/O memory (not a guest's: every
   * process of the run shares one WASI fd table), e.g. node:wasi after
   * `wasi.initialize({ exports: { memory } })` or browser_wasi_shim after `wasi.inst = { exports: { memory } }`.
   */
  makeWasi(memory: WebAssembly.Memory): WasiImports;
  /** loads the run-time lifter on the first miss (see LiftOptions); without it misses are faults */
  loadLifter?: LifterLoader;
  /** told as each process image ends (exit, exec): what was lifted at run time in it (stats, entry PCs for learning builds) */
  onLiftStats?: (code: RuntimeCode, meta: TranslationMeta) => void;
  /** shared libraries translated on their own that the program's ld.so loads (libraries.ts) */
  libraries?: readonly LibraryImage[];
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
      trap: (kind: number, pc: bigint, info: bigint): void => (target.guest ?? noGuest()).trap(kind, pc, info),
      // runInstance sets guest.code before the guest runs
      miss: (pc: bigint): void => (target.guest ?? noGuest()).code!.miss(pc),
      icache: (addr: bigint): void => (target.guest ?? noGuest()).code?.icache(addr),
      fault: (addr: bigint, pc: bigint): void => (target.guest ?? noGuest()).fault(addr, pc),
    },
  };
}

/** how a process ended: exit(code), or killed by `signal` */
export interface Termination { code?: number; signal?: number }

/** Converts what ended the guest into a termination, printing a one-line diagnostic on the
 *  guest's stderr for traps and faults. Errors that are not about the guest are rethrown. */
export function termination(guest: Guest, error: unknown): Termination {
  if (error instanceof GuestExit) return { code: error.status };
  if (error instanceof GuestKilled) return { signal: error.signal }; // like the kernel: no message
  let reported: GuestTrap | GuestFault | undefined = error instanceof GuestTrap || error instanceof GuestFault ? error : undefined;
  reported ??= asGuestFault(error, guest.lastPc ? `last syscall at ${describePc(guest.lastPc, guest.meta.symbols)}` : undefined);
  if (!reported) throw error;
  guest.writeStderr(`elf2wasm: ${reported.message}\n`);
  return { signal: reported.signal };
}

/** the exit status a shell reports for a termination: the code, or 128 + the signal */
export function shellStatus(end: Termination): number {
  return end.signal !== undefined ? 128 + end.signal : end.code ?? 0;
}

/** Converts what ended the guest into an exit status (see termination). */
export function exitStatus(guest: Guest, error: unknown): number {
  return shellStatus(termination(guest, error));
}

/** Thrown when a module was translated for another module contract (src/abi.ts). */
export class ModuleAbiError extends Error {
  constructor(found: unknown) {
    super(`this module was translated by an elf2wasm with module contract ${String(found)}; this runtime needs ${MODULE_ABI}: translate the program again`);
    this.name = 'ModuleAbiError';
  }
}

/** checks that `instance` is a translated program for this runtime */
export function checkProgram(instance: WebAssembly.Instance, meta: TranslationMeta): void {
  const { memory, run } = instance.exports as { memory?: unknown; run?: unknown };
  if (!(memory instanceof WebAssembly.Memory) || typeof run !== 'function') {
    throw new TypeError('not a translated program: it must export `memory` and `run`');
  }
  if (meta.abi !== MODULE_ABI) throw new ModuleAbiError(meta.abi);
}

/**
 * Runs a translated program, and every process it forks or execs, to completion (see kernel.ts);
 * resolves to the first process's exit status. Guest code runs synchronously; the run only
 * yields when something must happen asynchronously (lifting before the lifter is loaded,
 * compiling an exec'd program, input the host feeds to `stdinPipe` or types at `terminal`), while the processes that wait
 * for it are unwound. Rejects with InputFailed when the source of `stdinPipe` or `terminal` fails.
 */
export async function runGuest(module: WebAssembly.Module, meta: TranslationMeta, opts: RunOptions): Promise<number> {
  const io = ioMemory();
  const wasi = new WasiFs(opts.makeWasi(io), new GuestMem(io), opts.rootFd);
  wasi.onHostError = (m) => opts.trace?.(m);
  wasi.host = opts.fileHost;
  const kernel = new Kernel({ wasi, loadLifter: opts.loadLifter, runtimeLift: opts.runtimeLift, trace: opts.trace, loadImage: opts.loadImage, onLiftStats: opts.onLiftStats, interrupts: opts.interrupts, onRootStopped: opts.onRootStopped, inputs: [opts.stdinPipe, opts.terminal].filter((i) => i !== undefined), terminal: opts.terminal });
  const target: { guest?: Guest } = {};
  const imports = linuxImports(target);
  const instance = await WebAssembly.instantiate(module, imports);
  checkProgram(instance, meta);
  try {
    const image = opts.libraries?.length ? { module, ...withLibraries(meta, opts.libraries, opts.trace) } : { module, meta };
    const root = kernel.spawn(image, opts, instance, imports, target);
    kernel.rootPid = root.pid;
    opts.stdinPipe?.start(); // the first process holds fd 0 now
    if (opts.terminal) {
      // the controlling terminal of the first process's session, its group in the foreground
      opts.terminal.session = root.sid;
      opts.terminal.foreground = root.pgid;
      opts.terminal.start();
    }
    await root.code.prepareLibraries();
    await kernel.runAll(root);
    // input that failed before the run ended fails the run, even if no process noticed
    if (opts.stdinPipe?.error) throw opts.stdinPipe.error;
    if (opts.terminal?.error) throw opts.terminal.error;
    return root.end ? shellStatus(root.end) : EXIT_INTERNAL_ERROR;
  } finally {
    opts.stdinPipe?.stop();
    opts.terminal?.stop();
    // makeWasi created the WASI instance for this run only, so its preopen goes too.
    try {
      wasi.close(wasi.rootFd);
    } catch {
      // already closed, or the host does not allow it
    }
  }
}
