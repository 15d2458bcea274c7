// The processes of one run. Each process is an instance of a translated module with a memory of
// its own; all of them run on this thread, one at a time (processes are not threads: nothing in
// one can see another's memory, so parallelism would buy nothing but a host per process). A
// process runs until it exits, must wait (a pipe, a child, a timer) or has had its time slice
// while others could run (timeSlice, at a syscall or a loop's interrupt point). A syscall that
// must wait runs the other ready processes from inside itself (their Wasm frames stack on top of its own)
// and returns once it can go on. When only a process deeper on the stack, or something
// asynchronous (compiling an exec'd program, loading the run-time lifter), can make progress,
// the waiting process unwinds instead (Blocked): the guest state is in memory at every syscall,
// so it resumes later from the dispatcher, the syscall done again. A fork child starts that
// way: a new instance of the same module with a copy of the parent's memory, at the
// instruction after the `svc`, x0 = 0.
//
// Threads (clone with CLONE_VM|CLONE_THREAD) are tasks of a process: they share its instance,
// memory and everything else but their registers, which live in the one state block of the
// instance while the thread runs and are saved beside the task while another thread of the
// process runs (see use). They take turns as processes do: a thread runs until it waits (a
// futex, see futex.ts; a pipe; sched_yield), spins — a loop that only another thread can end
// (FunctionEmitter.spinLoopHeads) gives way every PREEMPT_INTERVAL iterations (preempt) — or
// has had its time slice. Code with neither loops nor syscalls (a deep recursion) runs on.
import { Flocks } from './flock.ts';
import { EXPORT } from '../abi.ts';
import type { TranslationMeta } from '../meta.ts';
import { E, fail, Interrupted } from './errno.ts';
import { GuestKilled, SIGNAL } from './errors.ts';
import type { Interrupts } from './interrupts.ts';
import { Guest, type GuestOptions } from './guest.ts';
import { STATE, STATE_BASE } from './layout.ts';
import { Futexes, type FutexWaiter } from './futex.ts';
import type { SharedFileMaps } from './shared-maps.ts';
import { SysvIpc } from './sysv-ipc.ts';
import type { UnixSocket } from './unix-sockets.ts';
import type { SpecialFile } from './special-files.ts';
import type { HostInput } from './host-pipe.ts';
import { LiftPending, RuntimeCode, type Installed, type LifterLoader } from './lifting.ts';
import type { LibraryImage } from './libraries.ts';
import { linuxImports, termination, type Termination } from './process.ts';
import { type AltStack, enqueue, NO_ALTSTACK, SI_KERNEL, SI_TIMER, SI_USER, SIG_DFL, SIG_IGN, SIGKILL, type SignalInfo, type ThreadSignals } from './signals.ts';
import type { PacKey } from './pac.ts';
import { sleepMs } from './sleep.ts';
import { ContextChanged, type HandlerFrame } from './signal-frame.ts';
import type { Terminal } from './terminal.ts';
import type { WasiFs } from './wasi.ts';

/** thrown through a process's Wasm frames when it must wait for something only unwinding allows */
export class Blocked extends Error {
  constructor() {
    super('the process waits');
    this.name = 'Blocked';
  }
}

/** thrown through the Wasm frames of a thread that ends while other threads of its process go on */
export class ThreadExit extends Error {
  constructor() {
    super('the thread ends');
    this.name = 'ThreadExit';
  }
}

/** thrown through the Wasm frames of a process whose execve passed the point of no return */
export class ExecImage extends Error {
  constructor(readonly image: ProcessImage | Promise<ProcessImage>, readonly opts: GuestOptions) {
    super(`exec ${opts.execPath}`);
    this.name = 'ExecImage';
  }
}

/**
 * a translated program a process can run; `libraries`: shared libraries translated on their own
 * that its ld.so loads, placed by `meta.libraries` (see libraries.ts withLibraries)
 */
export interface ProcessImage { module: WebAssembly.Module; meta: TranslationMeta; libraries?: readonly LibraryImage[] }

export interface KernelOptions {
  wasi: WasiFs;
  /** loads the run-time lifter on the first miss (see lifting.ts) */
  loadLifter?: LifterLoader;
  runtimeLift?: boolean;
  trace?: (line: string) => void;
  /**
   * The program in an executable a guest execs (`bytes`, read from the guest's file system at
   * `path`): a host translates it (through its cache) or finds it among the programs it was given.
   * Throws Errno (ENOEXEC) for what it cannot run. Without it, only the running programs' own
   * executables can be exec'd.
   */
  loadImage?: (bytes: Uint8Array, path: string) => ProcessImage | Promise<ProcessImage>;
  /** told when a process's image ends: what was lifted at run time */
  onLiftStats?: (code: RuntimeCode, meta: TranslationMeta) => void;
  /** signals sent from outside the run (Ctrl-C, a caller's kill): the foreground group gets them */
  interrupts?: Interrupts;
  /** what the host feeds while the run goes on (stdin, a terminal): a process waiting for one
   *  unwinds and the run awaits the host (runAll) */
  inputs?: readonly HostInput[];
  /** the controlling terminal of the first process's session (also among `inputs`): its
   *  foreground process group gets the signals typed at it and those sent from outside */
  terminal?: Terminal;
  /** the first process stopped (^Z to a program that does no job control): a host running it at
   *  its own terminal stops too, as qemu-user's process would, and sends SIGCONT when continued */
  onRootStopped?: () => void;
}

/** how often a run that awaits host input looks for signals sent from outside without waking it (no SharedArrayBuffer) */
const INPUT_POLL_MS = 100;
/** how long ready tasks may keep host input from a task that waits for it */
const INPUT_YIELD_MS = 10;
/**
 * How long a task runs while others could: it gives way at its next syscall or interrupt point
 * (a loop's re-entry, PSEUDO_SYSCALL.poll) after that. Linux's CFS slices are a few ms too.
 * ELF2WASM_TIME_SLICE_MS overrides it for tests (0: give way at every chance).
 */
const TIME_SLICE_MS = sliceFromEnv() ?? 10;
/** handler frames (Proc.unwoundFrames) a task keeps at most: more are handlers left by siglongjmp */
const MAX_UNWOUND_FRAMES = 64;

function sliceFromEnv(): number | undefined {
  const v = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env?.ELF2WASM_TIME_SLICE_MS;
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

const { SIGCHLD, SIGCONT, SIGSTOP } = SIGNAL;
/** signals whose default action stops the process */
const STOPS = new Set([19, 20, 21, 22]);
/** sigaction flags on SIGCHLD: no notice of stops and continuations; no zombies */
const SA_NOCLDSTOP = 1n, SA_NOCLDWAIT = 2n;
const RLIMIT_NPROC = 6;
/** wait4 options */
const WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WNOWAIT = 0x1000000, WEXITED = 4;
/** waitid's idtype */
const P_ALL = 0, P_PID = 1, P_PGID = 2;
/** siginfo si_code of SIGCHLD */
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_STOPPED = 5, CLD_CONTINUED = 6;

/** what wait4/waitid report of a child: its pid, wait status and siginfo */
/** `cpuNs`: the CPU time of the child reaped and of its own reaped children (its rusage) */
export interface WaitResult { pid: number; status: number; info?: { code: number; status: number }; cpuNs?: bigint }

/** a handler's frame set up to run from the dispatcher: its lowest address; `restart`, the `svc` its context goes back to (SA_RESTART) */
export interface UnwoundFrame { low: number; restart?: number }

/** 'gone': a thread that ended while its process goes on */
export type ProcState = 'ready' | 'waiting' | 'zombie' | 'gone';

/** what a thread that is not running keeps of itself (the state block's part of it, see Kernel.use) */
/** (`altstack`: sigaltstack's stack is the thread's own, as its mask, its name (`comm`) and its PACGA key are: Go gives each thread one) */
interface SavedThread { regs: Uint8Array; depth: number; lastPc: number; mask: bigint; signals: ThreadSignals; altstack: AltStack; name: string; pacKey: PacKey; maskAfter?: bigint }
const STATE_SIZE = STATE.end - STATE_BASE;

/**
 * A task: a process (its first thread, which also holds what belongs to the whole process:
 * children, group, session, exit status) or another thread of one (`group` is the process).
 */
export class Proc {
  state: ProcState = 'ready';
  /** the thread id: the pid for a process's first thread */
  tid: number;
  /** the process this thread belongs to: itself for its first thread */
  group: Proc = this;
  /** the process's threads that have not ended, the first one first (on the process only) */
  tasks: Proc[] = [this];
  /** registers and the like of a thread while another thread of its process runs */
  saved?: SavedThread;
  /** CLONE_CHILD_CLEARTID / set_tid_address: zeroed and woken (futex) when the thread ends */
  clearTid = 0n;
  /** the futex wait the thread is in, kept across an unwind (see futex.ts) */
  futex?: FutexWaiter;
  /** what the process waits for (state 'waiting', or in a wait deeper on the stack): true once it can go on */
  ready?: () => boolean;
  /** where it resumes: run() from STATE.pc, or first the syscall at `syscall` again (a pipe write
   *  that had written `progress` bytes goes on from there), or first function `enter.fn` of the
   *  function table at its entry `enter.entry` (a loop head where it gave way, Kernel.timeSlice) */
  resume: { syscall?: bigint; progress?: number; enter?: { fn: number; entry: number } } = {};
  /** the progress the syscall being done again had made (see Kernel.progress) */
  progress?: number;
  /** something asynchronous the process waits for (state 'waiting') */
  pending?: Promise<void>;
  /** its CPU time once it has ended (a zombie's rusage), and that of the children it reaped (RUSAGE_CHILDREN) */
  cpuNs?: bigint;
  childrenCpuNs = 0n;
  /** the signal frames of the handlers it runs (nested runs, innermost last): see Kernel.inHandler */
  handlerFrames: HandlerFrame[] = [];
  /** the frames of the handlers it runs from the dispatcher, innermost last (Kernel.handlersUnwound) */
  unwoundFrames: UnwoundFrame[] = [];
  /** stopped by SIGSTOP (or SIGTSTP/SIGTTIN/SIGTTOU's default action) until SIGCONT */
  stopped = false;
  /** a stop or continuation its parent has not been told of by wait4 (WUNTRACED, WCONTINUED) */
  report?: { stopped: number } | { continued: true };
  /** a vfork child whose parent waits until it execs or exits */
  vforked = false;
  /** waits only for its condition, not for signals (a vfork parent) */
  signalsWait = true;
  /** killed by a signal while its frames were deeper on the stack: they unwind when it resumes */
  killed?: number;
  /** its frames deeper on the stack run an image an execve of its process replaced (or it ended
   *  at that execve): they unwind when control comes back to them (Kernel.backFrom) */
  unwind = false;
  end?: Termination;
  /** when a sleeping process wakes (performance.now) */
  wakeAt?: number;
  /** when the task last began or went on running (performance.now): time slices and their order */
  ranAt = 0;
  /** what the parent is sent when this process ends (clone's exit signal; SIGCHLD for fork) */
  exitSignal: number = SIGCHLD;
  readonly children = new Set<Proc>();
  parent?: Proc;
  pgid: number;
  sid: number;
  code!: RuntimeCode;
  private run!: () => void;

  /** a process running `instance`; or, with `thread`, another thread of `thread`'s process */
  constructor(readonly kernel: Kernel, public guest: Guest, public image: ProcessImage, public instance: WebAssembly.Instance, imports: WebAssembly.Imports, thread?: Proc) {
    this.pgid = guest.pid;
    this.sid = guest.pid;
    this.tid = guest.pid;
    if (thread) {
      this.group = thread.group;
      this.code = thread.code;
      this.run = thread.run;
    } else this.attach(instance, imports);
  }

  get pid(): number { return this.guest.pid; }

  /** binds the process to a (new) instance of its image: run-time lifting, signal re-entry */
  attach(instance: WebAssembly.Instance, imports: WebAssembly.Imports): void {
    const k = this.kernel, guest = this.guest, meta = this.image.meta;
    this.instance = instance;
    const run = instance.exports.run as () => void;
    const code = new RuntimeCode(instance, imports, meta, guest.vm, { enabled: k.opts.runtimeLift ?? true, trace: k.opts.trace, loadLifter: k.opts.loadLifter, shared: k.sharedCode(meta), libraries: this.image.libraries });
    this.code = guest.code = code;
    code.badJump = (pc) => guest.badJump(pc);
    code.sigreturn = () => guest.returnFromHandler();
    code.inHandler = () => k.inHandler(k.self(guest), guest);
    guest.reentry = {
      run: (frame) => {
        const me = k.self(guest);
        me.handlerFrames.push(frame);
        try { run(); } finally { me.handlerFrames.pop(); }
      },
      depth: instance.exports.depth instanceof WebAssembly.Global ? instance.exports.depth : undefined,
      writable: (start, end) => guest.vm.writable(start, end),
      sigreturn: guest.vm.sigtramp,
    };
    this.run = run;
  }

  /** runs the guest until it ends, waits or throws what the kernel handles (see Kernel.slice) */
  enter(): void {
    if (this.killed !== undefined) throw new GuestKilled(this.killed);
    const at = this.resume.enter;
    if (at !== undefined) {
      this.resume = {};
      const depth = this.instance.exports[EXPORT.depth];
      if (depth instanceof WebAssembly.Global) depth.value = 0; // as run() starts a dispatch
      ((this.instance.exports[EXPORT.table] as WebAssembly.Table).get(at.fn) as (entry: number) => void)(at.entry);
    }
    const pc = this.resume.syscall;
    if (pc !== undefined) {
      this.progress = this.resume.progress;
      this.resume = {};
      const dv = new DataView(this.guest.memory.buffer);
      const x = (r: number) => dv.getBigUint64(STATE.x(r), true);
      const result = this.guest.syscall(x(8), x(0), x(1), x(2), x(3), x(4), x(5), pc);
      const after = new DataView(this.guest.memory.buffer);
      after.setBigUint64(STATE.x(0), BigInt.asUintN(64, result), true);
      after.setBigUint64(STATE.pc, pc + 4n, true);
    }
    this.run();
  }
}

export class Kernel {
  readonly procs = new Map<number, Proc>();
  /** processes whose frames are on the JS stack, outermost first; the last one is running */
  private readonly active: Proc[] = [];
  private nextPid: number;
  /** images by executable path, so that exec of a program the run already has is synchronous */
  private readonly images = new Map<string, ProcessImage>();

  constructor(readonly opts: KernelOptions) {
    this.nextPid = 1000;
  }

  private readonly lifted = new Map<TranslationMeta, Map<number, Installed>>();

  /** code lifted at run time in the executable of `meta`, shared by its processes (see LiftOptions.shared) */
  sharedCode(meta: TranslationMeta): Map<number, Installed> {
    let m = this.lifted.get(meta);
    if (!m) this.lifted.set(meta, (m = new Map()));
    return m;
  }

  /** the task whose code runs now */
  get current(): Proc | undefined { return this.active.at(-1); }

  /** every task (thread) of every process */
  private *tasks(): Generator<Proc> {
    for (const p of this.procs.values()) yield* p.tasks;
  }

  /** the task of `g` that runs now (the one making a syscall), else its first thread */
  self(g: Guest): Proc {
    const c = this.current;
    return c !== undefined && c.guest === g ? c : this.of(g);
  }

  /** the first process of the run */
  spawn(image: ProcessImage, guestOpts: GuestOptions, instance: WebAssembly.Instance, imports: WebAssembly.Imports, target: { guest?: Guest }): Proc {
    const memory = instance.exports.memory as WebAssembly.Memory;
    const guest = new Guest(memory, image.meta, this.opts.wasi, guestOpts);
    guest.kernel = this;
    target.guest = guest;
    const p = new Proc(this, guest, image, instance, imports);
    this.procs.set(p.pid, p);
    this.nextPid = Math.max(this.nextPid, p.pid + 1);
    this.images.set(guestOpts.execPath, image);
    guest.start();
    return p;
  }

  /** the Proc of `g` (every guest of a kernel has one) */
  of(g: Guest): Proc {
    return this.procs.get(g.pid)!;
  }

  /** Runs every process until none can go on; resolves once `root` and everything it left have ended. */
  async runAll(root: Proc): Promise<void> {
    for (;;) {
      this.takeInterrupts();
      for (const input of this.opts.inputs ?? []) if (input.error) throw input.error;
      const p = this.nextReady();
      if (p) {
        // a thread that gave way (preempt, sched_yield) is ready at once: let lifting or
        // compiling that another one waits for finish meanwhile, and host input arrive (now
        // and then: a macrotask costs a millisecond or more)
        if (this.awaitsHost() || ((this.starving(p) || this.opts.terminal?.open) && performance.now() - this.yieldedAt > INPUT_YIELD_MS)) {
          this.opts.terminal?.flush();
          await new Promise((resolve) => setTimeout(resolve, 0));
          this.yieldedAt = performance.now();
        }
        this.slice(p);
        continue;
      }
      // nothing runs until something asynchronous happens: the screen shows what was written
      this.opts.terminal?.flush();
      const pending = [...this.tasks()].filter((q) => q.pending).map((q) => q.pending!);
      if (pending.length) {
        await Promise.race(pending);
        continue;
      }
      const wake = this.sleepers();
      const inputs = this.opts.inputs?.filter((i) => i.open) ?? [];
      if (inputs.length) {
        // a chunk, the end or a failure of host input; a sleeper's time; a signal from outside
        const timer = wake !== undefined ? Math.max(0, wake - performance.now()) : this.opts.interrupts ? INPUT_POLL_MS : undefined;
        await Promise.race([...inputs.map((i) => i.changed()), ...(timer !== undefined ? [this.idle(timer)] : [])]);
        continue;
      }
      if (wake !== undefined) {
        await this.idle(Math.max(0, wake - performance.now()));
        continue;
      }
      const blocked = [...this.tasks()].filter((q) => q.state === 'waiting');
      if (!blocked.length) return;
      // Nothing can ever wake them (they wait for each other): each wait gives up, as a lone
      // process's wait does (Kernel.wait returns false). The root first: the run is about it.
      const q = blocked.find((t) => t.group === root) ?? blocked[0]!;
      q.ready = () => true;
      q.state = 'ready';
      this.deadlocked.add(q);
    }
  }

  private readonly deadlocked = new Set<Proc>();

  /** a process that can run now and is not on the stack */
  private nextReady(): Proc | undefined {
    for (const p of this.tasks()) {
      if (!this.active.includes(p) && this.runnable(p)) return p;
    }
    return undefined;
  }

  /** whether `p`, not on the stack, could run now */
  private runnable(p: Proc): boolean {
    if (p.pending || p.group.stopped) return false;
    return p.state === 'ready' || (p.state === 'waiting' && (p.ready?.() || this.interrupted(p)));
  }

  /** when runAll last let the host's events run while tasks were ready */
  private yieldedAt = 0;

  /** whether host input may still come (a wait can end without any process) */
  private fed(): boolean {
    return this.opts.inputs?.some((i) => i.open) ?? false;
  }

  /** host input may come for a task other than `me` that waits: `me` must not keep the thread from it */
  private starving(me: Proc): boolean {
    return this.fed() && [...this.tasks()].some((q) => q !== me && q.state === 'waiting' && !q.pending);
  }

  /** the host's terminal may have keys waiting and processes have kept the thread for a while */
  private terminalDue(): boolean {
    return (this.opts.terminal?.open ?? false) && performance.now() - this.yieldedAt > INPUT_YIELD_MS;
  }

  /**
   * After a write of `g` that returned `n`: when the host's terminal is due a turn (terminalDue),
   * the process unwinds to go on after the syscall, so that a program that only writes (`yes`)
   * can be interrupted by ^C. Not from a signal handler (its frame cannot be unwound).
   */
  afterWrite(g: Guest, n: number): number {
    if (!this.terminalDue()) return n;
    const me = this.self(g);
    if (!this.inHandler(me, g) && !g.signals.toRun.length) this.unwindTo(me, g, { x0: BigInt(n), pc: BigInt(g.lastPc) + 4n });
    return n;
  }

  /**
   * A task on the stack that could go on if the ones above it unwound: one in a wait (its
   * `ready`) once that can end, one that gave way (no `ready`) at once.
   */
  private canGoOn(q: Proc): boolean {
    return !q.group.stopped && q.state !== 'gone' && ((q.ready?.() ?? true) || this.interrupted(q));
  }

  /** a signal ends `p`'s wait: it was killed, or a handler is to run on it */
  private interrupted(p: Proc): boolean {
    if (p.killed !== undefined) return true;
    if (!p.signalsWait) return false;
    const signals = p.guest.signals, s = this.parked(p);
    // the running thread's are in the process's state; another's, its own and those of the process it does not block
    if (s === undefined) return signals.toRun.length > 0;
    return (this.pendingFor(p) & ~s.mask) !== 0n;
  }

  /** runs `p` until it ends or waits (nested inside a waiting process's syscall, or from runAll) */
  private slice(p: Proc): void {
    if (p.state === 'waiting') p.state = 'ready';
    this.active.push(p);
    this.use(p);
    p.guest.enterShared();
    p.ranAt = performance.now();
    p.ready = undefined; // it runs: a wait it was in has ended or will be done again
    try {
      p.enter();
      p.guest.writeStderr('elf2wasm: internal error: run() returned instead of ending with exit\n');
      this.exit(p, { code: 70 });
    } catch (e) {
      this.caught(p, e);
    } finally {
      this.active.pop();
      const top = this.current;
      // (one whose frames an execve made stale unwinds at once: its registers stay where they are)
      if (top && !top.unwind) {
        this.use(top);
        top.guest.enterShared();
        top.ranAt = performance.now();
      }
    }
  }

  /** futex queues of shared anonymous memory, for every process (futex.ts) */
  readonly sharedFutexes = new Map<bigint, FutexWaiter[]>();

  /** the process whose memory has the current pages of each file some process maps MAP_SHARED (shared-maps.ts) */
  readonly fileHolders = new Map<string, SharedFileMaps>();
  /** a number for each such file, for futex keys (SharedFileMaps.futexKey) */
  readonly fileKeys = new Map<string, number>();

  /** FIFOs and sockets' names, by the identity of the plain files standing for them (special-files.ts) */
  readonly specialFiles = new Map<string, SpecialFile>();

  /** AF_UNIX sockets bound to a name, by abstract name or path (syscalls/sockets.ts) */
  readonly unixNames = new Map<string, UnixSocket>();

  /** System V shared memory, semaphores and message queues */
  readonly ipc = new SysvIpc();

  /** flock(2)'s locks */
  readonly flocks = new Flocks();

  /** armed timer files (anon-files.ts TimerFd): a wait ends when one expires */
  readonly wakers = new Set<{ wakeAt(): number }>();

  /** which thread's registers are in the state block of each process's instance */
  private readonly loaded = new WeakMap<Guest, Proc>();

  /** what thread `t` keeps of itself while another thread of its process is in the state block (Kernel.use); undefined while its own is */
  private parked(t: Proc): SavedThread | undefined {
    return this.loaded.get(t.guest) === t ? undefined : t.saved;
  }

  /** the name (prctl PR_SET_NAME, /proc/…/task/<tid>/comm) of task `t`, running or not */
  taskName(t: Proc): string {
    return this.parked(t)?.name ?? t.guest.threadName;
  }

  /** gives thread `tid` of process `pid` another name (a write to its comm file) */
  renameTask(pid: number, tid: number, name: string): void {
    const t = this.task(tid);
    if (t?.group.pid !== pid) return;
    const s = this.parked(t);
    if (s) s.name = name;
    else t.guest.threadName = name;
  }

  /** puts `t`'s registers into its instance's state block, saving those of the thread that was there */
  private use(t: Proc): void {
    const g = t.guest, cur = this.loaded.get(g);
    if (cur === t) return;
    const depth = t.instance.exports.depth instanceof WebAssembly.Global ? t.instance.exports.depth : undefined;
    // (a task still named for this guest after an execve gave its process another one saves nothing here)
    if (cur !== undefined && cur.guest === g && cur.state !== 'gone' && cur.state !== 'zombie') {
      cur.saved = { regs: new Uint8Array(g.memory.buffer, STATE_BASE, STATE_SIZE).slice(), depth: depth?.value ?? 0, lastPc: g.lastPc, mask: g.signals.mask, signals: g.signals.takeThread(), altstack: g.signals.altstack, name: g.threadName, pacKey: g.pacKey, maskAfter: g.maskAfterHandlers };
      g.maskAfterHandlers = undefined;
    }
    const s = t.saved;
    if (s) {
      new Uint8Array(g.memory.buffer, STATE_BASE, STATE_SIZE).set(s.regs);
      if (depth) depth.value = s.depth;
      g.lastPc = s.lastPc;
      g.signals.swapMask(s.mask);
      g.signals.putThread(s.signals); // delivered at its next syscall or interrupt point if not blocked
      g.signals.altstack = s.altstack;
      g.threadName = s.name;
      g.pacKey = s.pacKey;
      g.maskAfterHandlers = s.maskAfter; // rt_sigsuspend's mask to come back is the thread's
      t.saved = undefined;
    }
    g.tid = t.tid;
    this.loaded.set(g, t);
  }

  private caught(p: Proc, e: unknown): void {
    if (e instanceof Blocked) return;
    if (e instanceof ThreadExit) {
      this.endThread(p);
      return;
    }
    if (e instanceof LiftPending) {
      this.await(p, p.code.complete(e));
      return;
    }
    if (e instanceof ExecImage) {
      const q = this.soleThread(p);
      if (e.image instanceof Promise) this.await(q, e.image.then((img) => this.replace(q, img, e.opts)));
      else this.replace(q, e.image, e.opts);
      return;
    }
    this.exit(p, termination(p.guest, e));
  }

  /** `p` waits for `work` (lifting, compiling an exec'd program), then runs on from STATE.pc */
  private await(p: Proc, work: Promise<void>): void {
    p.state = 'waiting';
    p.ready = () => p.pending === undefined;
    p.pending = work.then(
      () => { p.pending = undefined; },
      (err) => {
        p.pending = undefined;
        if (p.state === 'zombie') return;
        let end: Termination;
        try {
          end = termination(p.guest, err);
        } catch {
          // not the guest's doing (an exec'd program the translator refused): the process ends as a shell's failed exec does
          p.guest.writeStderr(`elf2wasm: ${err instanceof Error ? err.message : String(err)}\n`);
          end = { code: 127 };
        }
        this.exit(p, end);
      });
  }

  /**
   * Waits until `ready()` (a check without side effects) holds, running other processes
   * meanwhile. False when nothing can ever make it hold: no other process could (a lone process
   * reading a pipe only it writes): the caller fails as Linux would not, rather than hang. A
   * signal to handle interrupts the wait (EINTR); a fatal one ends the process.
   */
  wait(g: Guest, ready: () => boolean, opts: { restart?: boolean; progress?: number; signals?: boolean; result?: bigint } = {}): boolean {
    const me = this.self(g);
    me.signalsWait = opts.signals ?? true;
    // what it waits for while others run from here (timeSlice asks), and once it has unwound
    me.ready = ready;
    try {
      return this.waitLoop(g, me, ready, opts);
    } finally {
      if (me.state !== 'waiting') me.ready = undefined;
    }
  }

  private waitLoop(g: Guest, me: Proc, ready: () => boolean, opts: { restart?: boolean; progress?: number; signals?: boolean; result?: bigint }): boolean {
    // a task that waited goes on with a time slice of its own (timeSlice), as one a wait woke
    for (let waited = false; ; waited = true) {
      g.takeSignals();
      if (me.killed !== undefined) throw new GuestKilled(me.killed);
      if (this.deadlocked.delete(me)) return false;
      if (ready() && !me.group.stopped) {
        if (waited) me.ranAt = performance.now();
        return true;
      }
      if (me.signalsWait && g.signals.toRun.length) throw new Interrupted(opts.restart ?? false);
      // a terminal's keys (^C) reach the run only between slices, and asynchronous work (an exec'd
      // image loading) finishes only on the host's event loop: a busy process must not keep them out
      const handler = this.inHandler(me, g);
      const next = (this.terminalDue() || this.awaitsHost()) && !handler ? undefined : this.longestWaiting(me, !handler);
      // one deeper on the stack that has waited longer goes first: `me` unwinds (below) for it
      const other = next !== undefined && !this.active.includes(next) ? next : undefined;
      if (other) {
        this.slice(other);
        this.backFrom(me);
        continue;
      }
      const below = this.active.slice(0, -1).some((q) => this.canGoOn(q));
      const async = this.awaitsHost() || this.fed();
      if (!below && !async) {
        const wake = this.sleepers();
        if (wake !== undefined) {
          this.opts.terminal?.flush();
          sleepMs(wake - performance.now(), this.opts.interrupts?.cell);
          continue;
        }
        if (this.active.length === 1 || this.lone(me)) return false;
      }
      // A signal handler's run cannot be unwound and resumed (its frame and the interrupted
      // context live on the JS stack): its wait gives up instead, as a lone process's does.
      if (this.inHandler(me, g)) {
        g.log(`pid ${g.pid}: a signal handler waits for something only another process can do; the wait fails`);
        return false;
      }
      me.state = 'waiting';
      me.ready = ready;
      if (opts.result !== undefined) {
        // the syscall is done: the process goes on after it with its result
        const dv = new DataView(g.memory.buffer);
        dv.setBigUint64(STATE.x(0), BigInt.asUintN(64, opts.result), true);
        dv.setBigUint64(STATE.pc, BigInt(g.lastPc) + 4n, true);
        me.resume = {};
      } else me.resume = { syscall: BigInt(g.lastPc), progress: opts.progress };
      throw new Blocked();
    }
  }

  /** a syscall of `g` completed (not unwound): what its waits kept across unwinds goes (a later wait must not inherit a wake time) */
  syscallDone(g: Guest): void {
    const me = this.current;
    if (me === undefined || me.guest !== g) return;
    me.wakeAt = undefined;
    me.progress = undefined;
  }

  /** what the syscall being done again after an unwind had done before (0 the first time) */
  progress(g: Guest): number {
    const me = this.self(g), n = me.progress ?? 0;
    me.progress = undefined;
    return n;
  }

  /** some task waits for asynchronous work of the host (Proc.pending) */
  private awaitsHost(): boolean {
    for (const q of this.tasks()) if (q.pending) return true;
    return false;
  }

  /** the earliest time a sleeping process wakes (ms, performance.now) */
  private sleepers(): number | undefined {
    let t: number | undefined;
    for (const p of this.tasks()) if (p.wakeAt !== undefined && p.state !== 'zombie' && p.state !== 'gone' && (t === undefined || p.wakeAt < t)) t = p.wakeAt;
    const timer = this.timersDue(); // a timer's signal may end a wait
    return timer < (t ?? Infinity) ? timer : t;
  }

  /** no other process or thread is alive */
  private lone(me: Proc): boolean {
    for (const p of this.tasks()) if (p !== me && p.state !== 'zombie' && p.state !== 'gone') return false;
    return true;
  }

  /**
   * Sleeps `ms` (Infinity: until `until` holds), letting other processes run meanwhile; a
   * signal to handle ends it early (EINTR, with what was left). A lone process just sleeps:
   * nobody else could make `until` hold, only a signal (from outside, from a timer) end it.
   * False when nothing could ever end the sleep (see wait). `restart`: an SA_RESTART handler
   * restarts the syscall rather than failing it with EINTR.
   */
  sleep(g: Guest, ms: number, until?: () => boolean, restart = false): boolean {
    const me = this.self(g);
    if (this.lone(me) && !this.fed()) {
      const end = performance.now() + ms;
      // a signal from outside (Ctrl-C) ends the sleep early: EINTR if a handler is to run (one
      // that came before the sleep began came while the guest ran: the sleep is interrupted too)
      if (g.signals.toRun.length) throw new Interrupted(restart, ms);
      this.opts.terminal?.flush();
      // nobody else can make `until` hold, but it may hold already (a futex woken before an unwind)
      for (let left = ms; left > 0 && !until?.(); left = end - performance.now()) {
        const wake = Math.min(left, this.timersDue() - performance.now());
        if (wake === Infinity && !this.opts.interrupts) return false;
        sleepMs(wake, this.opts.interrupts?.cell);
        if (this.takeInterrupts() && g.signals.toRun.length) throw new Interrupted(restart, end - performance.now());
      }
      return true;
    }
    if (Number.isFinite(ms)) me.wakeAt ??= performance.now() + ms;
    try {
      return this.wait(g, () => (me.wakeAt !== undefined && performance.now() >= me.wakeAt) || (until?.() ?? false), { restart });
    } catch (e) {
      if (e instanceof Interrupted && me.wakeAt !== undefined) throw new Interrupted(e.restart, me.wakeAt - performance.now());
      throw e;
    } finally {
      // an unwound sleep keeps its wake time for when the syscall runs again
      if (me.state !== 'waiting') me.wakeAt = undefined;
    }
  }

  // ---- processes ---------------------------------------------------------------------------

  /**
   * fork: a new process running a copy of `parent`, resuming after the syscall at `pc` with x0 = 0.
   * `tls` and `stack` are clone's CLONE_SETTLS and new stack; `childTid` gets the child's pid
   * (CLONE_CHILD_SETTID), as glibc's fork asks.
   */
  fork(parent: Guest, pc: bigint, opts: { tls?: bigint; stack?: bigint; childTid?: bigint; parentTid?: bigint; exitSignal: number }): number {
    const pp = this.of(parent);
    const nproc = parent.limits.get(RLIMIT_NPROC)?.[0];
    if (parent.uid !== 0 && nproc !== undefined && BigInt([...this.procs.values()].filter((q) => q.guest.uid === parent.uid).length) >= nproc) fail(E.EAGAIN);
    const pid = this.nextPid++;
    const target: { guest?: Guest } = {};
    const imports = linuxImports(target);
    const instance = new WebAssembly.Instance(pp.image.module, imports);
    const memory = instance.exports.memory as WebAssembly.Memory;
    copyMemory(parent.memory, memory, parent.vm.usedRanges());
    copyGlobals(pp.instance, instance);
    const guest = new Guest(memory, pp.image.meta, this.opts.wasi, { ...parent.opts, pid, ppid: parent.pid }, { guest: parent, fork: true });
    target.guest = guest;
    guest.vm.adopt(parent.vm);
    guest.sharedMaps.adopt(parent.sharedMaps);
    guest.sharedAnon.adopt(parent.sharedAnon);
    const child = new Proc(this, guest, pp.image, instance, imports);
    child.code.adopt(pp.code);
    child.unwoundFrames = [...this.self(parent).unwoundFrames]; // a handler that forks returns in the child too
    child.pgid = pp.pgid;
    child.sid = pp.sid;
    child.parent = pp;
    child.exitSignal = opts.exitSignal;
    pp.children.add(child);
    this.procs.set(pid, child);
    const dv = new DataView(memory.buffer);
    dv.setBigUint64(STATE.x(0), 0n, true);
    dv.setBigUint64(STATE.pc, pc + 4n, true);
    if (opts.stack) dv.setBigUint64(STATE.sp, opts.stack, true);
    if (opts.tls !== undefined) dv.setBigUint64(STATE.tpidr, opts.tls, true);
    if (opts.childTid) guest.mem.setU32(opts.childTid, pid);
    if (opts.parentTid) {
      parent.mem.setU32(opts.parentTid, pid);
      guest.mem.setU32(opts.parentTid, pid);
    }
    this.opts.trace?.(`fork: pid ${parent.pid} → ${pid} (${parent.memory.buffer.byteLength >>> 20} MiB of memory)`);
    return pid;
  }

  // ---- threads ----------------------------------------------------------------------------

  /**
   * clone with CLONE_THREAD: a new thread of `g`'s process, resuming after the syscall at `pc`
   * with the caller's registers but x0 = 0, on `stack`, with `tls` (CLONE_SETTLS); its tid is
   * written to `parentTid` and `childTid` (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID) and
   * `clearTid` is zeroed and woken when it ends (CLONE_CHILD_CLEARTID: pthread_join waits on it).
   */
  thread(g: Guest, pc: bigint, opts: { stack: bigint; tls?: bigint; parentTid?: bigint; childTid?: bigint; clearTid?: bigint }): number {
    const creator = this.self(g), p = creator.group;
    const nproc = g.limits.get(RLIMIT_NPROC)?.[0];
    if (g.uid !== 0 && nproc !== undefined && BigInt([...this.tasks()].filter((q) => q.guest.uid === g.uid && q.state !== 'gone').length) >= nproc) fail(E.EAGAIN);
    const t = new Proc(this, g, p.image, p.instance, {}, creator);
    t.tid = this.nextPid++;
    // the creator is in a syscall: the state block holds all of its registers
    const regs = new Uint8Array(g.memory.buffer, STATE_BASE, STATE_SIZE).slice();
    const dv = new DataView(regs.buffer);
    dv.setBigUint64(STATE.x(0) - STATE_BASE, 0n, true);
    dv.setBigUint64(STATE.pc - STATE_BASE, pc + 4n, true);
    if (opts.stack) dv.setBigUint64(STATE.sp - STATE_BASE, opts.stack, true);
    if (opts.tls !== undefined) dv.setBigUint64(STATE.tpidr - STATE_BASE, opts.tls, true);
    // a thread starts without an alternate signal stack (Linux clears it for CLONE_VM without CLONE_VFORK), named as its creator, with its keys
    t.saved = { regs, depth: 0, lastPc: 0, mask: g.signals.mask, signals: new Map(), altstack: NO_ALTSTACK, name: g.threadName, pacKey: g.pacKey };
    t.clearTid = opts.clearTid ?? 0n;
    if (opts.parentTid) g.mem.setU32(opts.parentTid, t.tid);
    if (opts.childTid) g.mem.setU32(opts.childTid, t.tid);
    p.tasks.push(t);
    this.opts.trace?.(`thread: pid ${g.pid} tid ${creator.tid} → tid ${t.tid}`);
    return t.tid;
  }

  /**
   * exit(2) of the calling thread: if other threads of its process go on, the thread ends alone
   * (ThreadExit); else it returns and the process ends with the status, as exit_group.
   */
  exitThread(g: Guest): void {
    const me = this.self(g);
    if (!me.group.tasks.some((t) => t !== me && t.state !== 'gone')) return;
    throw new ThreadExit();
  }

  /** a thread ended alone: its clear_child_tid is zeroed and woken, it runs no more */
  private endThread(t: Proc): void {
    const p = t.group;
    t.state = 'gone';
    t.ready = undefined;
    t.futex = undefined;
    if (t !== p) p.tasks.splice(p.tasks.indexOf(t), 1);
    if (t.clearTid !== 0n) {
      try {
        t.guest.mem.setU32(t.clearTid, 0);
        this.futexes(t.guest).wake(t.clearTid, 1, -1);
      } catch {
        // an unmapped clear_child_tid is ignored, as Linux does
      }
    }
    if (!p.tasks.some((q) => q.state !== 'gone')) this.exit(t, { code: 0 });
  }

  /** the futex queues of `g`'s address space */
  futexes(g: Guest): Futexes {
    let f = this.futexTables.get(g);
    if (!f) this.futexTables.set(g, (f = new Futexes(this, g)));
    return f;
  }
  private readonly futexTables = new WeakMap<Guest, Futexes>();

  /**
   * sched_yield: the other tasks that can run do, before the caller goes on. One deeper on the
   * stack, or one waiting for lifting or compiling, can only go on once the caller unwinds: it
   * does, to go on after the syscall later.
   */
  yield(g: Guest): void {
    this.giveWay(g, { x0: 0n, pc: BigInt(g.lastPc) + 4n });
  }

  /**
   * A spin loop of the running thread has run long (PSEUDO_SYSCALL.preempt; the guest state is in
   * memory, STATE.pc the loop's head): if another thread of its process can run, it does, as at
   * sched_yield. Processes do not share memory: they never wait by spinning.
   */
  preempt(g: Guest): void {
    if (this.threadCount(g) < 2) return;
    this.giveWay(g, { pc: BigInt(g.lastPc) });
  }

  /**
   * At the end of a syscall of `g` that returned `at.x0`, or at an interrupt point of its code
   * (a loop's re-entry, PSEUDO_SYSCALL.poll, where the task can be resumed by calling function
   * `at.fn` at entry `at.entry`): once the task has run for a time slice, the task that has
   * waited longest to run goes on — another ready one, run from here, or one deeper on the
   * stack, for which this one unwinds, to go on from there later (the instruction after an
   * `svc` is an entry point of the dispatch table; a loop head is not, hence the direct call) —
   * so that a task that computes or writes without waiting does not keep the others (a sleeper
   * whose time has come, a process the shell waits for) from running for ever.
   */
  timeSlice(g: Guest, at: { x0: bigint } | { fn: number; entry: number }): void {
    const me = this.current;
    if (me === undefined || me.guest !== g) return;
    // a handler left by siglongjmp still has its nested run on the JS stack: a program that
    // recovers so in a loop (a feature probe per call) must not pile them up
    if ('x0' in at && me.handlerFrames.length && !this.inHandler(me, g)) this.unwindTo(me, g, { x0: at.x0, pc: BigInt(g.lastPc) + 4n });
    if (performance.now() - me.ranAt < TIME_SLICE_MS) return;
    // A signal handler's frame cannot be unwound: the tasks below wait until it returns. Nor can
    // a loop of a shared library's code, built before its place in the table was known (its
    // functions' indices lie beyond the table: module.ts LIBRARY_TABLE_INDEX).
    const unwinds = !this.inHandler(me, g) && ('x0' in at || at.fn < (me.instance.exports[EXPORT.table] as WebAssembly.Table).length);
    const next = this.longestWaiting(me, unwinds);
    if (next === undefined) {
      // only the host's event loop finishes a task's asynchronous work (an exec'd image loading),
      // and this task keeps it from running: it unwinds, to go on once runAll has let it run
      if (!unwinds || !this.awaitsHost()) return;
    } else if (!this.active.includes(next)) {
      this.slice(next);
      this.backFrom(me);
      if (me.killed !== undefined) throw new GuestKilled(me.killed);
      return;
    }
    if ('x0' in at) this.unwindTo(me, g, { x0: at.x0, pc: BigInt(g.lastPc) + 4n });
    me.state = 'waiting';
    me.ready = () => true;
    me.resume = { enter: at };
    throw new Blocked();
  }

  /**
   * After a syscall that returned `x0` changed what code the process must run (RuntimeCode
   * checkFaults): it unwinds, to go on from the dispatcher after the `svc`. Inside a signal
   * handler (whose frame cannot be unwound) the code it interrupted goes on from the dispatcher
   * once it returns (Guest.runHandlers), and the handler's nested run at once if the lifter is
   * loaded (it cannot load there); else the handler goes on in the code it runs.
   */
  restartAfter(g: Guest, x0: bigint): void {
    const me = this.self(g);
    if (!this.inHandler(me, g)) return this.unwindTo(me, g, { x0, pc: BigInt(g.lastPc) + 4n });
    if (!g.code?.lifterLoaded) return;
    const state = new DataView(g.memory.buffer);
    state.setBigUint64(STATE.x(0), x0, true);
    state.setBigUint64(STATE.pc, BigInt(g.lastPc) + 4n, true);
    throw new ContextChanged();
  }

  /**
   * The running task goes on from the state block (STATE.pc and every register there), not with
   * the registers its code holds: its Wasm frames unwind to the dispatcher that runs it — the
   * top-level one, or a signal handler's nested one (signal-frame.ts ContextChanged).
   */
  resumeFromState(g: Guest): never {
    const me = this.self(g);
    if (this.inHandler(me, g)) throw new ContextChanged();
    this.unwindTo(me, g, { pc: new DataView(g.memory.buffer).getBigUint64(STATE.pc, true) });
  }

  /** sched_yield's and preempt's part: `resume` is where the caller goes on if it must unwind */
  private giveWay(g: Guest, resume: { x0?: bigint; pc: bigint }): void {
    const me = this.self(g);
    const next = this.longestWaiting(me, !this.inHandler(me, g));
    const other = next !== undefined && !this.active.includes(next) ? next : undefined;
    if (other) {
      this.slice(other);
      this.backFrom(me);
      if (me.killed !== undefined) throw new GuestKilled(me.killed);
      return;
    }
    // something only the top-level loop can finish (lifting, compiling) must not wait behind a spinning caller either
    const below = this.active.slice(0, -1).some((q) => this.canGoOn(q));
    if ((!below && !this.awaitsHost() && !this.starving(me)) || this.inHandler(me, g)) return;
    this.unwindTo(me, g, resume);
  }

  /**
   * The task that has waited longest to run of those that could go on instead of `me`: a ready
   * one not on the stack, or (when `me` can unwind) one deeper on the stack. Always choosing a
   * ready one over those below would starve the one at the bottom for ever: a thread in a wait
   * that keeps running the same spinning thread nested inside it, while the thread whose turn
   * the spinner waits for lies below (Go's sysmon sleeping, a goroutine spinning, the thread that
   * holds what it spins for at the bottom).
   */
  private longestWaiting(me: Proc, unwinds: boolean): Proc | undefined {
    let next: Proc | undefined;
    for (const q of this.tasks()) {
      if (q === me || (next !== undefined && next.ranAt <= q.ranAt)) continue;
      if (this.active.includes(q) ? unwinds && this.canGoOn(q) : this.runnable(q)) next = q;
    }
    return next;
  }

  /**
   * Whether `me` runs a signal handler whose frame is still in use: its run cannot be unwound
   * (the interrupted context lives on the JS stack). A handler left by longjmp (glibc's thread
   * cancellation unwinds out of its handler; siglongjmp) runs on in its nested run, but once the
   * guest's stack pointer is above every such frame nothing needs that run's JS frames any more:
   * the task unwinds as one outside a handler does.
   */
  inHandler(me: Proc, g: Guest): boolean {
    if (!me.handlerFrames.length) return false;
    const sp = Number(new DataView(g.memory.buffer).getBigUint64(STATE.sp, true));
    // a handler that makes no frame of its own (musl's cancel_handler) runs with sp at the signal frame
    return me.handlerFrames.some((f) => sp >= f.floor && sp <= f.low);
  }

  /**
   * Whether the handlers of signals that `g`'s running task takes after a syscall run from the
   * dispatcher (signal-frame.ts pushPendingHandlers) rather than in a nested run: in a process
   * with several threads, where a handler may wait for another thread (musl's __synccall, behind
   * setuid and setrlimit, waits in every thread's handler for the caller), which a nested run,
   * deeper on the JS stack than the threads it waits for, could not do. Not inside a nested run.
   */
  handlersUnwound(g: Guest): boolean {
    const me = this.self(g);
    return me === this.current && !me.handlerFrames.length && this.threadCount(g) > 1;
  }

  /** handler frames set up for the running task of `g` (handlersUnwound) */
  pushedFrames(g: Guest, frames: UnwoundFrame[]): void {
    const me = this.self(g);
    me.unwoundFrames.push(...frames);
    // a handler left by siglongjmp never returns: its frame must not pile up
    if (me.unwoundFrames.length > MAX_UNWOUND_FRAMES) me.unwoundFrames.splice(0, me.unwoundFrames.length - MAX_UNWOUND_FRAMES);
  }

  /** rt_sigreturn with the stack pointer at `sp`: the frame of a handler of the task's that runs from the dispatcher it returns from, if it is one (forgotten, and those above it) */
  popFrame(g: Guest, sp: number): UnwoundFrame | undefined {
    const me = this.self(g);
    let k = me.unwoundFrames.length - 1;
    while (k >= 0 && me.unwoundFrames[k]!.low !== sp) k--;
    if (k < 0 || me.handlerFrames.some((f) => f.low === sp)) return undefined;
    const frame = me.unwoundFrames[k];
    me.unwoundFrames.length = k;
    return frame;
  }

  /** the running task of `g` unwinds, to do the syscall at `pc` again when it goes on (its registers as the state block has them) */
  redoSyscall(g: Guest, pc: number): never {
    const me = this.self(g);
    if (this.inHandler(me, g)) throw new ContextChanged();
    this.unwindTo(me, g, { pc: BigInt(pc), redo: true });
  }

  /** the running task unwinds, ready to go on from the dispatcher at `resume.pc` (x0 set when given), or (`redo`) by doing the syscall there again */
  private unwindTo(me: Proc, g: Guest, resume: { x0?: bigint; pc: bigint; redo?: boolean }): never {
    me.state = 'waiting';
    me.ready = () => true;
    const dv = new DataView(g.memory.buffer);
    if (resume.x0 !== undefined) dv.setBigUint64(STATE.x(0), resume.x0, true);
    dv.setBigUint64(STATE.pc, resume.pc, true);
    me.resume = resume.redo ? { syscall: resume.pc } : {};
    throw new Blocked();
  }

  /** the threads of `g`'s process that have not ended */
  threadCount(g: Guest): number {
    return this.of(g).tasks.filter((t) => t.state !== 'gone').length;
  }

  /** the task with thread id `tid` (a process's first thread has its pid) */
  task(tid: number): Proc | undefined {
    for (const t of this.tasks()) if (t.tid === tid && t.state !== 'gone') return t;
    return undefined;
  }

  /**
   * The parent of a vfork child waits until the child execs or exits (signals wait too, as on
   * Linux). Done again after an unwind, the clone must not fork again: its progress is the child.
   */
  vforkWait(g: Guest, pid: number): void {
    const child = this.procs.get(pid);
    if (!child) return;
    child.vforked = true;
    this.wait(g, () => !child.vforked, { signals: false, progress: pid });
  }

  /**
   * execve by thread `x` past the point of no return: the process's other threads end (silently,
   * as Linux's de_thread kills them) and it goes on as its first task, whose pid it keeps (a
   * thread that execs becomes the leader). Frames of those tasks deeper on the stack unwind when
   * control returns to them.
   */
  private soleThread(x: Proc): Proc {
    const p = x.group;
    for (const t of p.tasks) {
      if (t === x) continue;
      this.futexes(t.guest).cancel(t);
      t.unwind = this.active.includes(t);
      if (t === p) continue;
      t.state = 'gone';
      t.ready = undefined;
    }
    p.tasks = [p];
    // registers another thread saved for the old image must not reach the new one
    p.saved = undefined;
    this.loaded.delete(p.guest);
    if (p === x) return p;
    // nothing of the thread it was (a wait, handlers) goes on
    p.ready = undefined;
    p.wakeAt = undefined;
    p.progress = undefined;
    p.handlerFrames = [];
    p.unwoundFrames = [];
    return p;
  }

  /** after `me`'s syscall ran other tasks: frames an execve made stale unwind (see Proc.unwind) */
  private backFrom(me: Proc): void {
    if (me.unwind) {
      me.unwind = false;
      throw new Blocked();
    }
  }

  /**
   * execve past the point of no return: `p` continues as `image`, with the same pid, open files
   * (less the close-on-exec ones), identity and signal mask; caught handlers are reset.
   */
  private replace(p: Proc, image: ProcessImage, opts: GuestOptions): void {
    const old = p.guest;
    this.opts.onLiftStats?.(p.code, p.image.meta);
    old.sharedMaps.unmapAll();
    old.sharedAnon.unmapAll();
    const target: { guest?: Guest } = {};
    const imports = linuxImports(target);
    const instance = new WebAssembly.Instance(image.module, imports);
    const guest = new Guest(instance.exports.memory as WebAssembly.Memory, image.meta, this.opts.wasi, { ...opts, pid: old.pid, ppid: old.ppid }, { guest: old, fork: false });
    target.guest = guest;
    p.guest = guest;
    p.image = image;
    p.attach(instance, imports);
    this.images.set(opts.execPath, image);
    guest.start();
    p.state = 'ready';
    p.resume = {};
    p.vforked = false;
    p.unwoundFrames = [];
    p.clearTid = 0n; // (Linux writes 0 there in the old image and forgets it)
  }

  /** the image for `path` if the run already has it (a program execing itself, a shell's applets) */
  knownImage(path: string): ProcessImage | undefined {
    return this.images.get(path);
  }

  /** the process ends: a zombie until its parent reaps it; its children go to init */
  exit(task: Proc, end: Termination): void {
    const p = task.group;
    if (p.state === 'zombie') return;
    // every thread ends with the process; one whose frames are on the stack unwinds when it resumes
    for (const t of p.tasks) {
      if (this.active.includes(t)) t.killed ??= SIGNAL.SIGKILL;
      if (t !== p) t.state = 'gone';
      this.futexes(t.guest).cancel(t); // (a wait on shared memory must not take another's wake)
    }
    p.tasks = [p];
    p.state = 'zombie';
    p.end = end;
    this.ipc.exited(p.pid); // its SEM_UNDO adjustments
    p.cpuNs = p.guest.cpuNs();
    p.vforked = false;
    p.ready = undefined;
    this.opts.onLiftStats?.(p.code, p.image.meta);
    p.guest.shutdown(false);
    for (const c of p.children) {
      c.parent = undefined;
      c.guest.ppid = 1;
      if (c.state === 'zombie') this.procs.delete(c.pid);
    }
    p.children.clear();
    const parent = p.parent;
    if (parent && parent.state !== 'zombie') {
      const act = parent.guest.signals.action(SIGCHLD);
      if (p.exitSignal === SIGCHLD && (act.handler === SIG_IGN || act.flags & SA_NOCLDWAIT)) {
        // nobody will wait: no zombie (a waiting wait4 then finds no child: ECHILD)
        parent.children.delete(p);
        this.procs.delete(p.pid);
      } else if (p.exitSignal) this.signal(parent, p.exitSignal, { ...Kernel.childInfo(end), pid: p.pid, uid: p.guest.uid });
    } else if (parent === undefined && p.pid !== this.rootPid) {
      this.procs.delete(p.pid); // init reaps orphans
    }
    // the terminal's controlling process (its session's leader) ends: the terminal hangs up, as a
    // terminal emulator (script(1)) closes the pty when its child exits, and every process of the
    // session gets SIGHUP, then SIGCONT (Linux's tty_signal_session_leader)
    const term = this.opts.terminal;
    if (term && p.pid === term.session && !term.hungUp) {
      term.hangUp();
      for (const q of [...this.procs.values()]) {
        if (q.sid !== term.session || q.state === 'zombie') continue;
        this.signal(q, SIGNAL.SIGHUP);
        this.signal(q, SIGCONT);
      }
    }
  }

  /** the root process's pid: its end is the run's */
  rootPid = 0;

  // ---- signals -----------------------------------------------------------------------------

  /**
   * Delivers the signals sent from outside the run (KernelOptions.interrupts) and those typed at
   * the terminal to the foreground process group, as the terminal driver does with ^C: the
   * terminal's (tcsetpgrp), or without one the first process's group. True when there were any.
   * Hands the terminal's screen output gathered in a burst to the host as well, once it is due.
   */
  takeInterrupts(): boolean {
    const term = this.opts.terminal;
    if (term && this.opts.interrupts?.takeInput()) term.takeWaiting();
    term?.flushIfDue();
    const timers = this.fireTimers();
    const sigs = [...(this.opts.interrupts?.take() ?? []), ...(term?.takeSignals() ?? [])];
    if (!sigs.length) return timers;
    const fg = term?.foreground || (this.procs.get(this.rootPid)?.pgid ?? this.rootPid);
    for (const sig of sigs) {
      // SIGUSR1/2 no terminal sends: a kill of the run's own process, which only its first process is
      const root = sig === SIGNAL.SIGUSR1 || sig === SIGNAL.SIGUSR2 ? this.procs.get(this.rootPid) : undefined;
      if (root) this.signal(root, sig);
      else this.signalGroup(fg, sig);
    }
    return true;
  }

  /** sends the signals of the processes' timers that are due (itimer.ts, posix-timers.ts); true when there were any */
  private fireTimers(): boolean {
    if (!(this.timersDue() <= performance.now())) return false;
    const now = performance.now();
    // the running process last: its own fatal signal must not keep the others from theirs
    const me = this.current?.group;
    const due = [...this.procs.values()].filter((p) => p.state !== 'zombie').sort((a, b) => Number(a === me) - Number(b === me));
    for (const p of due) {
      const sigs = p.guest.timers.due(now), posix = p.guest.posixTimers.due(now);
      for (const sig of sigs) this.signal(p, sig, { code: SI_KERNEL });
      for (const t of posix) {
        const info = { code: SI_TIMER, timer: { id: t.id, overrun: t.overrun, value: t.value } }, to = t.tid === undefined ? undefined : this.task(t.tid);
        if (to?.group === p) this.signalThread(to, t.sig, info);
        else this.signal(p, t.sig, info);
      }
    }
    return true;
  }

  /** when the next timer of any process fires, or a timer file expires (Infinity: none is armed) */
  timersDue(): number {
    let at = Infinity;
    for (const p of this.procs.values()) {
      if (p.state !== 'zombie') at = Math.min(at, p.guest.timers.next() ?? Infinity, p.guest.posixTimers.next() ?? Infinity);
    }
    for (const w of this.wakers) at = Math.min(at, w.wakeAt());
    return at;
  }

  /** sends `sig` to every process of group `pgid` (killpg from the kernel) */
  signalGroup(pgid: number, sig: number): void {
    const me = this.current?.group;
    // the running process last: its own fatal signal must not keep the others from theirs
    const targets = [...this.procs.values()].filter((p) => p.state !== 'zombie' && p.pgid === pgid).sort((a, b) => Number(a === me) - Number(b === me));
    for (const p of targets) this.signal(p, sig);
  }

  /** whether a live process of session `sid` is in group `pgid` (tcsetpgrp's condition) */
  groupInSession(pgid: number, sid: number): boolean {
    return [...this.procs.values()].some((p) => p.state !== 'zombie' && p.pgid === pgid && p.sid === sid);
  }

  /** runAll's wait for a sleeper: cut short by a signal from outside */
  private idle(ms: number): Promise<void> {
    return this.opts.interrupts?.idle(ms) ?? new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** delivers `sig` to `p` from another process (or the kernel): a fatal one ends it */
  signal(p: Proc, sig: number, info?: SignalInfo, toThread = false): void {
    if (p.state === 'zombie' || sig === 0) return;
    if (sig === SIGCONT) this.continue(p);
    const h = p.guest.signals.action(sig).handler;
    if (sig === SIGSTOP || (STOPS.has(sig) && h === SIG_DFL && !p.guest.signals.blocked(sig))) {
      this.stop(p, sig);
      return;
    }
    if (p === this.current?.group) {
      p.guest.signals.raise(sig, info, toThread);
      return;
    }
    try {
      p.guest.signals.raise(sig, info, toThread);
    } catch (e) {
      if (!(e instanceof GuestKilled)) throw e;
      // It dies when it would run next, as on Linux, where the sender goes on meanwhile (a shell's
      // `kill $!; wait $!` reaps the job in its wait and says "Terminated"); threads with frames on
      // the stack unwind when they resume. A stopped process, or one waiting for something
      // asynchronous (an exec'd program's compilation), would not run soon: it ends now.
      if (p.stopped || p.tasks.some((t) => t.pending)) this.exit(p, { signal: e.signal });
      else for (const t of p.tasks) t.killed = e.signal;
    }
  }

  /**
   * `sig` to thread `t` alone (tgkill, a SIGEV_THREAD_ID timer). While another thread of its
   * process runs, a signal `t` blocks or handles waits for it (a handler runs once `t` runs); one
   * that would end, stop or continue the process, or that it ignores, is the process's.
   */
  signalThread(t: Proc, sig: number, info: SignalInfo): void {
    const g = t.guest, s = t.saved;
    if (this.loaded.get(g) === t || s === undefined || sig === 0) return this.signal(t.group, sig, info, true);
    const h = g.signals.action(sig).handler, blocked = (s.mask & (1n << BigInt(sig - 1))) !== 0n;
    if (!blocked && (h === SIG_DFL || h === SIG_IGN || sig === SIGKILL || sig === SIGSTOP)) return this.signal(t.group, sig, info);
    enqueue(s.signals, sig, info);
  }

  /** the signals pending for thread `t`: its process's and its own */
  pendingFor(t: Proc): bigint {
    const signals = t.guest.signals;
    if (this.loaded.get(t.guest) === t || t.saved === undefined) return signals.pending;
    let own = 0n;
    for (const sig of t.saved.signals.keys()) own |= 1n << BigInt(sig - 1);
    return (signals.pending & ~signals.directedBits) | own;
  }

  private stop(p: Proc, sig: number): void {
    if (p.stopped) return;
    p.stopped = true;
    p.report = { stopped: sig };
    this.notifyParent(p, { code: CLD_STOPPED, status: sig });
    if (p.pid === this.rootPid) this.opts.onRootStopped?.();
  }

  private continue(p: Proc): void {
    if (!p.stopped) return;
    p.stopped = false;
    p.report = { continued: true };
    this.notifyParent(p, { code: CLD_CONTINUED, status: SIGCONT });
  }

  /** SIGCHLD to the parent for a stop or continuation of `p` (unless SA_NOCLDSTOP) */
  private notifyParent(p: Proc, info: { code: number; status: number }): void {
    const parent = p.parent;
    if (!parent || parent.state === 'zombie') return;
    if (parent.guest.signals.action(SIGCHLD).flags & SA_NOCLDSTOP) return;
    this.signal(parent, SIGCHLD, { ...info, pid: p.pid, uid: p.guest.uid });
  }

  /** after a syscall of `g` that stopped it (raise(SIGSTOP)): waits for SIGCONT, then goes on with `result` */
  stoppedHere(g: Guest, result: bigint): void {
    const me = this.of(g);
    if (me.stopped) this.wait(g, () => true, { signals: false, result });
  }

  /** kill(2): `pid` > 0 one process, 0 the caller's group, -1 everyone but init, < -1 group -pid */
  kill(sender: Guest, pid: number, sig: number, info?: SignalInfo): number {
    const me = this.of(sender);
    // a thread's id names its process
    if (pid > 0 && !this.procs.has(pid)) pid = this.task(pid)?.group.pid ?? pid;
    const targets = [...this.procs.values()].filter((p) => p.state !== 'zombie' && (
      pid > 0 ? p.pid === pid : pid === 0 ? p.pgid === me.pgid : pid === -1 ? p.pid !== 1 : p.pgid === -pid));
    if (!targets.length) {
      // a zombie still exists for kill (ESRCH only for no process at all)
      if (pid > 0 && this.procs.has(pid)) return 0;
      fail(E.ESRCH);
    }
    // the sender last: its own fatal signal must not stop it from signalling the others
    targets.sort((a, b) => Number(a === me) - Number(b === me));
    // siginfo names the sender (sigqueue's says whom itself)
    const from: SignalInfo = { pid: sender.pid, uid: sender.uid, ...(info ?? { code: SI_USER }) };
    for (const p of targets) this.signal(p, sig, from);
    return 0;
  }

  // ---- wait --------------------------------------------------------------------------------

  /** wait4: reaps a child matching `pid` (wait4's selectors), writing its status */
  wait4(g: Guest, pid: number, options: number): WaitResult {
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x40000000 | 0x20000000 | 0x80000000)) fail(E.EINVAL);
    const me = this.of(g);
    const match = (c: Proc) => pid === -1 || (pid > 0 ? c.pid === pid : pid === 0 ? c.pgid === me.pgid : c.pgid === -pid);
    return this.reap(g, me, match, options, true) ?? { pid: 0, status: 0 };
  }

  /** waitid: as wait4, with siginfo-style results; WNOWAIT leaves the child a zombie */
  waitid(g: Guest, idtype: number, id: number, options: number): WaitResult | undefined {
    if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) fail(E.EINVAL);
    const me = this.of(g);
    const match = idtype === P_ALL ? () => true : idtype === P_PID ? (c: Proc) => c.pid === id : idtype === P_PGID ? (c: Proc) => c.pgid === (id || me.pgid) : fail(E.EINVAL);
    // waitid reports exits only with WEXITED
    const exits = (c: Proc) => match(c) && (c.state !== 'zombie' || (options & WEXITED) !== 0);
    return this.reap(g, me, exits, options, !(options & WNOWAIT));
  }

  private reap(g: Guest, me: Proc, match: (c: Proc) => boolean, options: number, remove: boolean): WaitResult | undefined {
    const block = !(options & WNOHANG);
    const mine = () => [...me.children].filter(match);
    if (!mine().length) fail(E.ECHILD);
    const reportable = (c: Proc) => c.state === 'zombie' || (c.report !== undefined && ('stopped' in c.report ? options & WUNTRACED : options & WCONTINUED));
    const zombie = () => mine().find(reportable);
    if (!zombie() && block && !this.wait(g, () => zombie() !== undefined || !mine().length)) fail(E.ECHILD);
    const z = zombie();
    if (!z) {
      if (!mine().length) fail(E.ECHILD);
      return undefined; // WNOHANG
    }
    if (z.state !== 'zombie') {
      const report = z.report!;
      if (remove) z.report = undefined;
      return 'stopped' in report
        ? { pid: z.pid, status: (report.stopped << 8) | 0x7f, info: { code: CLD_STOPPED, status: report.stopped } }
        : { pid: z.pid, status: 0xffff, info: { code: CLD_CONTINUED, status: SIGCONT } };
    }
    const cpuNs = (z.cpuNs ?? 0n) + z.childrenCpuNs;
    if (remove) {
      me.children.delete(z);
      this.procs.delete(z.pid);
      me.childrenCpuNs += cpuNs;
    }
    return { pid: z.pid, status: waitStatus(z.end!), info: Kernel.childInfo(z.end!), cpuNs };
  }

  /** SIGCHLD's si_code and si_status for a termination */
  static childInfo(end: Termination): { code: number; status: number } {
    if (end.signal !== undefined) return { code: CLD_KILLED, status: end.signal }; // no core dumps: see waitStatus
    return { code: CLD_EXITED, status: end.code ?? 0 };
  }

  /** the CPU time of the children `g`'s process has reaped, theirs included (RUSAGE_CHILDREN, times' tms_cutime) */
  childrenCpuNs(g: Guest): bigint {
    return this.of(g).childrenCpuNs;
  }

  // ---- process groups and sessions ---------------------------------------------------------

  setpgid(g: Guest, pid: number, pgid: number): number {
    const me = this.of(g);
    const p = pid === 0 ? me : this.procs.get(pid);
    if (!p || (p !== me && p.parent !== me)) fail(E.ESRCH);
    if (pgid < 0) fail(E.EINVAL);
    if (p.sid !== me.sid || p.pid === p.sid) fail(E.EPERM);
    const group = pgid === 0 ? p.pid : pgid;
    if (group !== p.pid && ![...this.procs.values()].some((q) => q.pgid === group && q.sid === me.sid)) fail(E.EPERM);
    p.pgid = group;
    return 0;
  }

  getpgid(g: Guest, pid: number): number {
    const p = pid === 0 ? this.of(g) : this.procs.get(pid);
    if (!p) fail(E.ESRCH);
    return p.pgid;
  }

  getsid(g: Guest, pid: number): number {
    const p = pid === 0 ? this.of(g) : this.procs.get(pid);
    if (!p) fail(E.ESRCH);
    return p.sid;
  }

  setsid(g: Guest): number {
    const me = this.of(g);
    if ([...this.procs.values()].some((q) => q.pgid === me.pid)) {
      if (me.pgid === me.pid) fail(E.EPERM);
    }
    me.sid = me.pgid = me.pid;
    return me.pid;
  }
}

/** the wait status of a termination, as wait4 writes it: no core is ever dumped (RLIMIT_CORE 0,
 *  as on a default Debian), so WCOREDUMP stays clear */
export function waitStatus(end: Termination): number {
  if (end.signal !== undefined) return end.signal;
  return ((end.code ?? 0) & 0xff) << 8;
}

/**
 * The child's memory as the parent's. A fresh memory is zero, so only chunks holding something
 * are copied: most of a process's memory (the stack's unused part, freed heap) is zero, and not
 * writing it spares the host from committing those pages. Only `used` ranges (mappings, heap) are
 * looked at: the memory may reach far beyond them (libraries at their bases, runtime/libraries.ts)
 * and scanning the unmapped hundreds of MiB between cost ~0.3 s a fork.
 */
function copyMemory(from: WebAssembly.Memory, to: WebAssembly.Memory, used: readonly [number, number][]): void {
  const size = from.buffer.byteLength;
  // below this the instance's own data segments may have put bytes the parent has since cleared
  const initialized = to.buffer.byteLength;
  if (initialized < size) to.grow((size - initialized) / 65536);
  const src = new Uint8Array(from.buffer), dst = new Uint8Array(to.buffer);
  const words = new Int32Array(from.buffer, 0, size / 4), dwords = new Int32Array(to.buffer, 0, initialized / 4);
  const CHUNK = 16384;
  const zero = (v: Int32Array, at: number, end: number): boolean => {
    for (let w = at >> 2, last = end >> 2; w < last; w++) if (v[w] !== 0) return false;
    return true;
  };
  let done = 0; // chunks below this were copied (ranges may share a chunk)
  for (const [start, stop] of used) {
    for (let at = Math.max(Math.floor(start / CHUNK) * CHUNK, done); at < Math.min(stop, size); at += CHUNK) {
      const end = Math.min(at + CHUNK, size);
      if (!zero(words, at, end)) dst.set(src.subarray(at, end), at);
      else if (at < initialized && !zero(dwords, at, Math.min(end, initialized))) dst.fill(0, at, end);
      done = end;
    }
  }
}

/** mutable exported globals (dispatch table base and size, call depth) as the parent has them */
function copyGlobals(from: WebAssembly.Instance, to: WebAssembly.Instance): void {
  for (const [name, g] of Object.entries(from.exports)) {
    const h = to.exports[name];
    if (!(g instanceof WebAssembly.Global) || !(h instanceof WebAssembly.Global)) continue;
    try {
      h.value = g.value;
    } catch {
      // immutable: equal in every instance
    }
  }
}
