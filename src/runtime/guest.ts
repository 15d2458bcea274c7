// One running guest process: its memory, address space, files, identity and signal state, and
// the `linux.syscall` / `linux.trap` entry points the translated module calls.
import { flocksOf } from './flock.ts';
import { TrapKind, type TranslationMeta } from '../meta.ts';
import { describePc, GuestFault, GuestTrap, SIGNAL } from './errors.ts';
import { LiftPending, type RuntimeCode } from './lifting.ts';
import { E, Errno, errnoName, Interrupted } from './errno.ts';
import { FdTable, makeOpenFile, RLIMIT_NOFILE, unseekable, type OpenFile } from './fdtable.ts';
import { GuestMem, utf8 } from './guest-mem.ts';
import { IntervalTimers } from './itimer.ts';
import { PosixTimers } from './posix-timers.ts';
import { AddressSpace, pageUp, PROT_READ } from './memory.ts';
import { pushPendingHandlers, returnFromFrame, runFaultHandler, runPendingHandlers, writeSigtramp, type Reentry } from './signal-frame.ts';
import { randomPacKey, type PacKey } from './pac.ts';
import { SharedFileMaps } from './shared-maps.ts';
import { SharedAnon } from './shared-anon.ts';
import { SA_RESTART, SignalState } from './signals.ts';
import { buildInitialStack, initCpuState } from './stack.ts';
import { PSEUDO_SYSCALLS, SYSCALLS } from './syscalls/index.ts';
import { syscallName } from './syscalls/names.ts';
import { WasiFs, type WasiImports } from './wasi.ts';
import type { FileHost } from './file-host.ts';
import type { HostPipe } from './host-pipe.ts';
import type { Kernel } from './kernel.ts';
import type { Terminal } from './terminal.ts';
import { resolvePath } from './paths.ts';
import { STATE } from './layout.ts';
import { O } from './vfs.ts';

export interface GuestOptions {
  /** argv, including argv[0] */
  args: string[];
  env: Record<string, string>;
  /** the environment as execve passed it ("NAME=value" strings, in order); replaces `env` */
  environ?: string[];
  /** initial working directory (absolute guest path) */
  cwd: string;
  /** absolute guest path of the executable (AT_EXECFN, /proc/self/exe) */
  execPath: string;
  uid?: number;
  gid?: number;
  /** supplementary groups (getgroups); default: just `gid` */
  groups?: number[];
  /** the file mode creation mask at start (default 022) */
  umask?: number;
  pid?: number;
  ppid?: number;
  hostname?: string;
  /** uname's release and version (default: a plausible Linux 6.1) */
  kernel?: { release: string; version: string };
  /** the host process the run is in: its /proc entry is left out of /proc's listing, where the run's processes are (procfs.ts) */
  hostPid?: number;
  /** the resource limits the first process starts with, [resource, [soft, hard]] (default: a typical Linux's, syscalls/process.ts) */
  limits?: [number, [bigint, bigint]][];
  /** the effective capabilities (/proc/self/status's CapEff) of the first process (default: all for uid 0, none otherwise) */
  capabilities?: bigint;
  /** the CPUs sched_getaffinity reports, a bit each (default CPU 0 alone; threads take turns on one host thread anyway) */
  cpus?: bigint;
  /** sysinfo(2)'s figures, read when the guest asks (default: the run's own, see syscalls/misc.ts) */
  system?: () => SystemInfo;
  /** Linux metadata (modes, owners, devices) and path mapping beyond what WASI can say */
  fileHost?: FileHost;
  /** fd 0 reads this pipe, which the host feeds while the run goes on (host-pipe.ts), instead of WASI's fd 0 */
  stdinPipe?: HostPipe;
  /** fds 0, 1 and 2 are this terminal (one open file), the session's controlling tty, instead of WASI's stdio */
  terminal?: Terminal;
  /** whether the WASI stdio fd 0, 1 or 2 is a terminal (TCGETS/TIOCGWINSZ succeed); default: none */
  isatty?: (wasiFd: number) => boolean;
  /** terminal size reported by TIOCGWINSZ */
  winsize?: { rows: number; cols: number };
  /** receives one line per syscall (name, arguments, result) and other diagnostics */
  trace?: (line: string) => void;
  /** WASI fd of the preopened guest "/" (default: the preopen named "/") */
  rootFd?: number;
  stackSize?: number;
  mmapGap?: number;
  /** AT_RANDOM bytes (default: random) */
  random?: Uint8Array;
  /**
   * Lift code the build did not translate when control reaches it (default true). false: such a
   * jump ends the guest with SIGSEGV and a message naming the address (to test static discovery).
   */
  runtimeLift?: boolean;
}

/** what sysinfo(2) reports: seconds since boot, the load averages, memory in bytes, tasks */
export interface SystemInfo {
  uptime: number;
  loads: [number, number, number];
  totalram: bigint;
  freeram: bigint;
  sharedram: bigint;
  bufferram: bigint;
  totalswap: bigint;
  freeswap: bigint;
  procs: number;
}

/**
 * si_code of SIGSEGV: no mapping there, or a mapping that does not allow the access; of SIGBUS:
 * misaligned; of SIGILL, qemu-aarch64's (Linux itself says ILL_ILLOPC for an undefined
 * instruction); of SIGTRAP from BRK
 */
const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, ILL_ILLOPN = 2, TRAP_BRKPT = 1;

/** Linux's comm: the executable's base name, at most 15 bytes */
const commName = (execPath: string): string => execPath.slice(execPath.lastIndexOf('/') + 1).slice(0, 15);

export type Handler = (g: Guest, a0: bigint, a1: bigint, a2: bigint, a3: bigint, a4: bigint, a5: bigint) => number | bigint;

export class Guest {
  readonly meta: TranslationMeta;
  readonly opts: GuestOptions;
  readonly memory: WebAssembly.Memory;
  readonly mem: GuestMem;
  readonly vm: AddressSpace;
  readonly wasi: WasiFs;
  readonly fds: FdTable;
  /** MAP_SHARED file mappings, written back to their files */
  readonly sharedMaps: SharedFileMaps;
  /** its MAP_SHARED|MAP_ANONYMOUS mappings, shared with the processes it forked or was forked from */
  readonly sharedAnon: SharedAnon;
  readonly signals: SignalState;
  /** setitimer's timers: the process's (kept across exec, none in a fork child) */
  readonly timers: IntervalTimers;
  /** timer_create's timers (none after exec or in a fork child) */
  readonly posixTimers = new PosixTimers();
  readonly pid: number;
  ppid: number;
  /** the process tree this process belongs to (fork, exec, wait, pipes that block); none: a lone process */
  kernel?: Kernel;
  uid: number;
  gid: number;
  groups: number[];
  /** effective capabilities, a bit each (CAP_SYS_RESOURCE: raising a hard resource limit) */
  capabilities: bigint;
  cwd: string;
  umask = 0o022;
  hostname: string;
  threadName = 'main';
  /**
   * the running thread's generic pointer-authentication key (APGAKey, PACGA: pac.ts): drawn when
   * the program starts and at each exec, the parent's in a fork child, the creator's in a new
   * thread (kept with the thread's registers while another runs: kernel.ts use), replaced by
   * prctl(PR_PAC_RESET_KEYS), as Linux keeps it
   */
  pacKey: PacKey;
  /** resource limits: resource → [soft, hard] */
  readonly limits = new Map<number, [bigint, bigint]>();
  /** when the process began (an exec'd image goes on with its process's CPU time) */
  readonly startMs: number = performance.now();

  /** CPU time so far, approximated by the wall time since the process started (the host gives no
   *  CPU time of one guest; it never blocks but in sleeps, which it does not expect to count anyway) */
  cpuNs(): bigint {
    return BigInt(Math.round((performance.now() - this.startMs) * 1e6));
  }
  /** code lifted at run time (set by runInstance) */
  code?: RuntimeCode;
  /** how to re-enter translated code to run a signal handler (set by runInstance) */
  reentry?: Reentry;
  /** PC of the most recent syscall (for fault messages) */
  lastPc = 0;
  /** the running thread's id: the pid but while another thread of the process runs (kernel.ts) */
  get tid(): number { return this.threadId ?? this.pid; }
  set tid(t: number) { this.threadId = t; }
  private threadId?: number;
  private readonly seenUnimplemented = new Set<number>();

  /**
   * `wasi`: the host's WASI imports bound to this memory, or the process tree's WasiFs. `from`:
   * the process this one continues (exec: its fds without the close-on-exec ones, its identity and
   * signal mask; fork: copies of its fds and signal state, which the caller completes).
   */
  constructor(memory: WebAssembly.Memory, meta: TranslationMeta, wasi: WasiImports | WasiFs, opts: GuestOptions, from?: { guest: Guest; fork: boolean }) {
    this.meta = meta;
    this.opts = opts;
    this.memory = memory;
    this.mem = new GuestMem(memory);
    this.vm = new AddressSpace(memory, meta.privateEnd, {
      stackSize: opts.stackSize,
      mmapGap: opts.mmapGap,
      image: { segments: meta.segments, privateStart: pageUp(meta.imageEnd) },
      pageTable: meta.pageTable,
      lowEnd: meta.lowEnd,
    });
    this.mem.lowEnd = meta.lowEnd;
    writeSigtramp(memory, this.vm.sigtramp);
    // Strings (paths) are read up to their NUL: a mapping's end before it is EFAULT, as in qemu.
    this.mem.readablePage = (a) => ((this.vm.protectionAt(a) ?? 0) & PROT_READ) !== 0;
    if (wasi instanceof WasiFs) this.wasi = wasi;
    else {
      this.wasi = new WasiFs(wasi, this.mem, opts.rootFd);
      this.wasi.onHostError = (m) => this.log(m);
      this.wasi.host = opts.fileHost;
    }
    this.sharedMaps = new SharedFileMaps(this);
    this.sharedAnon = new SharedAnon(memory);
    if (from) {
      const p = from.guest;
      this.fds = from.fork ? p.fds.copy() : p.fds;
      if (!from.fork) p.fds.closeOnExec();
      this.signals = from.fork ? p.signals.copy() : p.signals.afterExec();
      this.timers = from.fork ? new IntervalTimers() : p.timers;
      if (!from.fork) this.startMs = p.startMs;
      this.pid = opts.pid ?? p.pid;
      this.ppid = opts.ppid ?? p.ppid;
      this.uid = p.uid;
      this.gid = p.gid;
      this.groups = p.groups;
      this.capabilities = p.capabilities;
      this.umask = p.umask;
      this.cwd = p.cwd;
      this.hostname = p.hostname;
      for (const [k, v] of p.limits) this.limits.set(k, v);
      this.kernel = p.kernel;
      this.threadName = from.fork ? p.threadName : commName(opts.execPath);
      this.pacKey = from.fork ? p.pacKey : randomPacKey();
      return;
    }
    this.signals = new SignalState();
    this.timers = new IntervalTimers();
    this.pacKey = randomPacKey();
    this.fds = new FdTable((f) => this.release(f));
    this.pid = opts.pid ?? 1000;
    this.ppid = opts.ppid ?? 1;
    this.uid = opts.uid ?? 1000;
    this.gid = opts.gid ?? this.uid;
    this.groups = opts.groups ?? [this.gid];
    this.capabilities = opts.capabilities ?? (this.uid === 0 ? (1n << 41n) - 1n : 0n);
    this.umask = opts.umask ?? 0o022;
    this.cwd = resolvePath('/', opts.cwd);
    this.hostname = opts.hostname ?? 'localhost';
    for (const [res, lim] of opts.limits ?? []) this.limits.set(res, lim);
    const nofile = this.limits.get(RLIMIT_NOFILE);
    if (nofile) this.fds.setLimit(nofile[0]);
    this.threadName = commName(opts.execPath);
    // Linux passes fds 0..2 through from the parent; here they are the host's WASI stdio (or a host-fed pipe),
    // or a terminal, open once for reading and writing and dup'd, as login and script(1) leave them
    if (opts.terminal) {
      const tty = makeOpenFile({ wasiFd: -1, flags: O.RDWR, tty: true, terminal: opts.terminal });
      opts.terminal.holders++;
      for (let fd = 0; fd < 3; fd++) this.fds.install(tty, false);
      return;
    }
    for (const fd of [0, 1, 2]) {
      if (fd === 0 && opts.stdinPipe) {
        opts.stdinPipe.readers++;
        this.fds.install(makeOpenFile({ wasiFd: -1, flags: O.RDONLY, pipe: opts.stdinPipe, pipeEnd: 'read' }), false);
        continue;
      }
      const tty = opts.isatty?.(fd) ?? false;
      this.fds.install(makeOpenFile({ wasiFd: fd, flags: tty ? O.RDWR : fd === 0 ? O.RDONLY : O.WRONLY, keepOpen: true, tty }), false);
    }
  }

  /** Builds the initial stack and CPU state; call once before running. */
  start(): void {
    const env = this.opts.environ ?? Object.entries(this.opts.env).map(([k, v]) => `${k}=${v}`);
    const { sp } = buildInitialStack(this.memory, this.vm.stackLow, this.vm.stackTop, this.meta, {
      args: this.opts.args,
      env,
      execPath: this.opts.execPath,
      uid: this.uid,
      euid: this.uid,
      gid: this.gid,
      egid: this.gid,
      random: this.opts.random,
    });
    initCpuState(this.memory, sp, this.meta.interp?.entry ?? this.meta.entry); // a dynamic program starts in its loader, as on Linux
  }

  log(line: string): void {
    this.opts.trace?.(line);
  }

  /** `linux.syscall`: never throws except to end the process (GuestExit/GuestKilled). */
  syscall(nr: bigint, a0: bigint, a1: bigint, a2: bigint, a3: bigint, a4: bigint, a5: bigint, pc: bigint): bigint {
    this.lastPc = Number(pc);
    const n = Number(nr);
    if (n < 0) {
      // the runtime's own services to translated code (abi.ts PSEUDO_SYSCALL) are not syscalls:
      // no trace, and pending signals wait for the next real syscall or interrupt point (a handler
      // run at CNTVCT_EL0's would be handed its result as the interrupted x0, while the MRS writes
      // another register)
      return BigInt(PSEUDO_SYSCALLS.get(n)?.(this, a0, a1, a2, a3, a4, a5) ?? -E.ENOSYS);
    }
    // Ctrl-C and the like arrive here: a handler runs as this syscall returns, a wait it makes is interrupted
    this.takeSignals();
    const handler = SYSCALLS[n];
    let result: bigint;
    if (!handler) {
      if (!this.seenUnimplemented.has(n)) {
        this.seenUnimplemented.add(n);
        this.log(`unimplemented syscall ${n} (${syscallName(n)}) at 0x${this.lastPc.toString(16)}`);
      }
      result = BigInt(-E.ENOSYS);
    } else {
      for (;;) {
        try {
          result = BigInt(handler(this, a0, a1, a2, a3, a4, a5));
        } catch (e) {
          if (!(e instanceof Errno)) throw e;
          // a wait that SA_RESTART handlers interrupted: they run, then the syscall goes on
          if (e instanceof Interrupted && e.restart && this.reentry && this.signals.toRun.every(({ sig }) => this.signals.action(sig).flags & SA_RESTART)) {
            if (this.maskAfterHandlers === undefined) this.unwoundHandlers(undefined, pc);
            const after = this.maskAfterHandlers;
            this.maskAfterHandlers = undefined;
            const changed = runPendingHandlers(this.memory, this.signals, this.reentry, { pid: this.pid, uid: this.uid }, undefined, pc);
            this.maskAfterHandlers = after;
            this.lastPc = Number(pc); // the handlers' syscalls moved it: a wait of the restarted syscall resumes it
            // a handler that moved the context elsewhere (musl's cancellation of a thread in a
            // cancellable syscall) does not get the syscall restarted: the guest goes on there
            if (changed) this.kernel?.resumeFromState(this);
            continue;
          }
          result = BigInt(-e.errno);
        }
        break;
      }
    }
    this.kernel?.syscallDone(this);
    if (this.opts.trace) this.traceCall(n, [a0, a1, a2, a3, a4, a5], result);
    // the mask this syscall set for its wait (waitWithMask) comes back once its handlers are done;
    // taken first, so that a syscall a handler makes does not put it back early
    const after = this.maskAfterHandlers;
    this.maskAfterHandlers = undefined;
    this.runHandlers(result, pc, after !== undefined);
    if (after !== undefined) this.signals.setMask(after);
    this.kernel?.stoppedHere(this, result);
    this.kernel?.timeSlice(this, { x0: result });
    return result;
  }

  /**
   * What came since the guest last looked: signals from outside and timers (Kernel.takeInterrupts),
   * and signals its thread found pending for it alone when it came in (Kernel.signalThread).
   */
  takeSignals(): void {
    this.kernel?.takeInterrupts();
    this.signals.deliverPending();
  }

  /**
   * The handlers of the signals taken, before the guest goes on after the syscall at `pc` (with
   * `result`) or at `pc` itself. Their syscalls leave lastPc as the caller had it: what the
   * kernel does next (a stop, a time slice) resumes the interrupted code there.
   */
  private runHandlers(result: bigint | undefined, pc: bigint, maskAfter = false): void {
    if (!this.signals.toRun.length) return;
    // after a syscall that sets no mask for its handlers (`maskAfter`: one comes back once they
    // are done), in a process with several threads: from the dispatcher
    if (result !== undefined && !maskAfter) this.unwoundHandlers({ result, pc });
    let changed = false;
    const checked = this.code?.checksFaults;
    if (this.reentry) changed = runPendingHandlers(this.memory, this.signals, this.reentry, { pid: this.pid, uid: this.uid }, result, pc);
    else this.signals.toRun.length = 0;
    this.lastPc = Number(pc);
    // they returned to another context than the one they interrupted (rt_sigreturn takes it from
    // the frame, which a handler may change), or the code the process runs changed under them
    // (Kernel.restartAfter): the guest goes on from the state block
    if (changed || (this.code?.checksFaults && !checked)) {
      this.code?.finishSwitch();
      this.kernel?.resumeFromState(this);
    }
  }

  /**
   * A loop head of the guest's code, the whole guest state in memory and STATE.pc the head
   * (abi.ts PSEUDO_SYSCALL preempt and poll): what a syscall would take is taken here too —
   * signals from outside and timers, their handlers run as if the head were interrupted — and
   * other tasks may run (a spinning thread's at once, Kernel.preempt; else Kernel.timeSlice,
   * which may resume this one later by calling `at`: a function's table index and entry index).
   */
  interruptPoint(spinning: boolean, at?: { fn: number; entry: number; anyPc?: boolean }): void {
    this.takeSignals();
    // the head as a dispatch entry: the handlers may run from the dispatcher and return there
    // (else they run nested, and in a process with threads the others wait until they return)
    if (at && this.signals.toRun.length && this.code?.enterable(this.lastPc, at.fn, at.entry, at.anyPc)) this.unwoundHandlers();
    this.runHandlers(undefined, BigInt(this.lastPc));
    if (spinning) this.kernel?.preempt(this);
    else if (at) this.kernel?.timeSlice(this, at);
  }

  /**
   * In a process with several threads (Kernel.handlersUnwound), the handlers of the signals taken
   * are set up to run from the dispatcher (pushPendingHandlers) and the guest unwinds to it: after
   * a syscall that returned `after.result`; or with `restart`, before the syscall at that PC is
   * done again (the context is the `svc`, which rt_sigreturn takes back to: Kernel.redoSyscall);
   * else at the loop head in STATE.pc, a dispatch entry. Returns if they run nested instead.
   */
  private unwoundHandlers(after?: { result: bigint; pc: bigint }, restart?: bigint): void {
    if (!this.reentry || !this.kernel?.handlersUnwound(this)) return;
    if (restart !== undefined) new DataView(this.memory.buffer).setBigUint64(STATE.pc, restart, true);
    this.pushHandlerFrames(after, restart === undefined ? undefined : Number(restart));
    if (after) this.lastPc = Number(after.pc);
    this.kernel.resumeFromState(this);
  }

  /**
   * The handlers of the signals taken, set up to run from the dispatcher (after a syscall that
   * returned `after.result`); with `restart`, the first frame's context is that `svc`, whose
   * return does the syscall again (Guest.returnFromHandler)
   */
  private pushHandlerFrames(after?: { result: bigint; pc: bigint }, restart?: number): void {
    const frames = pushPendingHandlers(this.memory, this.signals, this.reentry!, { pid: this.pid, uid: this.uid }, after);
    this.kernel!.pushedFrames(this, frames.map((low, k) => (k === 0 && restart !== undefined ? { low, restart } : { low })));
  }

  /**
   * rt_sigreturn, or a return to the signal trampoline, of a handler that runs from the
   * dispatcher (pushPendingHandlers): the context and mask come back from its frame, the handlers
   * of signals the mask now lets in are set up on it, and the guest goes on there (the caller's
   * frames unwind). Returns, doing nothing, for a handler in a nested run: that run's caller ends it.
   */
  returnFromHandler(): void {
    const sp = Number(new DataView(this.memory.buffer).getBigUint64(STATE.sp, true));
    const frame = this.kernel?.popFrame(this, sp);
    if (!frame || !this.reentry) return;
    returnFromFrame(this.memory, this.signals, sp);
    // back to the interrupted `svc` (SA_RESTART): the syscall is done again, then the code after it runs
    const restart = frame.restart !== undefined && new DataView(this.memory.buffer).getBigUint64(STATE.pc, true) === BigInt(frame.restart) ? frame.restart : undefined;
    this.takeSignals();
    if (this.signals.toRun.length) this.pushHandlerFrames(undefined, restart);
    else if (restart !== undefined) this.kernel!.redoSyscall(this, restart);
    this.code?.finishSwitch();
    this.kernel!.resumeFromState(this);
  }

  /** the signal mask to restore once the handlers a syscall let run are done (rt_sigsuspend, ppoll, pselect6: waitWithMask) */
  maskAfterHandlers?: bigint;

  private traceCall(n: number, args: bigint[], result: bigint): void {
    const hex = (v: bigint): string => (v > 0xffffn || v < -0xffffn ? `0x${BigInt.asUintN(64, v).toString(16)}` : v.toString());
    const r = result < 0n && result > -4096n ? `-${errnoName(Number(-result))}` : hex(result);
    this.log(`${syscallName(n)}(${args.map((a) => hex(BigInt.asIntN(64, a))).join(', ')}) = ${r}`);
  }

  /**
   * `linux.fault`: the instruction at `pc` may not access `addr` (the page table said so). The
   * guest's SIGSEGV handler runs, with si_addr and si_code as Linux sets them, and the guest
   * resumes where the handler's context says; without a handler the process dies (status 139).
   */
  fault(addr: bigint, pc: bigint): void {
    const a = BigInt.asUintN(64, addr), at = Number(BigInt.asUintN(64, pc)), code = this.segvCode(a);
    this.faultSignal(SIGNAL.SIGSEGV, code, a, at,
      `segmentation fault: ${code === SEGV_ACCERR ? 'access not allowed to' : 'no memory at'} address 0x${a.toString(16)} by the instruction at ${describePc(at, this.meta.symbols)}`);
  }

  /**
   * Control reached `target`, where no code can run: SIGSEGV (nothing executable there) or
   * SIGBUS (misaligned), delivered with the PC at the target as on Linux. False when the guest
   * does not catch it (the caller reports the jump).
   */
  badJump(target: bigint): boolean {
    const t = BigInt.asUintN(64, target);
    if ((t & BigInt(2 ** this.meta.insnAlignLog2 - 1)) !== 0n) {
      this.faultSignal(SIGNAL.SIGBUS, BUS_ADRALN, t, t, `bus error: jump to misaligned address 0x${t.toString(16)}`);
      return true;
    }
    if (!this.catchesFault(SIGNAL.SIGSEGV)) return false;
    this.faultSignal(SIGNAL.SIGSEGV, this.segvCode(t), t, t, '');
    return true;
  }

  /** SIGSEGV's si_code for `addr`: a mapping that does not allow the access, or none */
  private segvCode(addr: bigint): number {
    return addr < 2n ** 32n && this.vm.protectionAt(Number(addr)) !== undefined ? SEGV_ACCERR : SEGV_MAPERR;
  }

  private catchesFault(sig: number): boolean {
    return this.signals.catches(sig) && this.reentry !== undefined;
  }

  /** a synchronous fault at `pc`: the guest's handler runs, or the process dies with `message` */
  private faultSignal(sig: number, code: number, addr: bigint, pc: bigint | number, message: string): void {
    if (!this.catchesFault(sig)) throw new GuestFault(message, undefined, sig);
    runFaultHandler(this.memory, this.signals, this.reentry!, sig, code, addr, BigInt(pc));
  }

  /**
   * `linux.trap`: the instruction at `pc` raises SIGILL (undefined or not implemented here) or
   * SIGTRAP (BRK). A handler the guest installed runs with si_addr and the context's PC at the
   * instruction, as qemu-aarch64 delivers them (feature probes catch SIGILL and siglongjmp; a
   * handler may also move the PC on and return); the translated code then goes on where the
   * context says. Without one the process dies of the signal, the message naming the instruction.
   */
  trap(kind: number, pc: bigint, info: bigint): void {
    const t = new GuestTrap(kind, Number(pc), BigInt.asUintN(64, info), this.meta.symbols);
    if (kind === TrapKind.UnknownTarget || !this.catchesFault(t.signal)) throw t;
    if (this.code?.wantsLifter()) {
      // the instruction traps again once the lifter is loaded (the registers are stored)
      new DataView(this.memory.buffer).setBigUint64(STATE.pc, pc, true);
      throw new LiftPending(t.pc);
    }
    this.log(`${t.message}: delivered to the guest's handler`);
    runFaultHandler(this.memory, this.signals, this.reentry!, t.signal, t.signal === SIGNAL.SIGTRAP ? TRAP_BRKPT : ILL_ILLOPN, BigInt.asUintN(64, pc), pc);
  }

  private release(f: OpenFile): void {
    flocksOf(this).release(f);
    if (f.terminal) {
      f.terminal.holders--;
      return;
    }
    if (f.pipe) {
      if (f.pipeEnd !== 'write') f.pipe.readers--;
      if (f.pipeEnd !== 'read') f.pipe.writers--;
      f.pipe.hangups++;
      return;
    }
    if (f.anon) return f.anon.release?.(this);
    if (f.keepOpen || f.wasiFd < 0) return;
    try {
      this.wasi.close(f.wasiFd);
    } catch {
      // The fd is gone for the guest either way; Linux close errors are advisory.
    }
  }

  /** Writes a diagnostic to the guest's stderr (fd 2 if still open, else the host's stderr). */
  writeStderr(text: string): void {
    const bytes = utf8(text);
    // The message goes through the scratch area: the guest's memory may be in any state.
    const f = this.fds.has(2) ? this.fds.get(2) : undefined;
    if (f?.terminal) return f.terminal.output(bytes);
    const wasiFd = f && !unseekable(f) && (f.flags & 3) !== O.RDONLY ? f.wasiFd : 2;
    const chunk = 2048;
    for (let at = 0; at < bytes.length; at += chunk) {
      try {
        this.wasi.writeBytes(wasiFd, bytes.subarray(at, at + chunk));
      } catch {
        return;
      }
    }
  }

  /** before the process runs: memory it shares with other processes comes from the one that ran with it last */
  enterShared(): void {
    this.sharedAnon.enter();
    this.sharedMaps.enter();
  }

  /** Closes every guest fd (and so the WASI fds the guest opened) and, if asked, the root
   *  preopen: node:wasi holds a host fd for it until then. */
  shutdown(closeRoot = false): void {
    this.sharedMaps.unmapAll(); // the process's MAP_SHARED pages reach their files
    this.sharedAnon.unmapAll(); // and its shared anonymous pages the processes it shares them with
    for (const fd of this.fds.fds()) this.fds.close(fd);
    if (closeRoot) {
      try {
        this.wasi.close(this.wasi.rootFd);
      } catch {
        // already closed, or the host does not allow it
      }
    }
  }
}
