// Clocks and sleeping. Time comes from the WASI host clock (nanosecond resolution) with
// `performance` as the fallback; sleeping blocks the thread (the guest is synchronous).
import { COUNTER_HZ } from '../../abi.ts';
import { E, Errno, fail, Interrupted } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import type { TimerValue } from '../itimer.ts';
import { SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD_ID, type TimerSpec } from '../posix-timers.ts';
import { NSIG } from '../signals.ts';
import { SIGNAL } from '../errors.ts';
import { sleepMs } from '../sleep.ts';
import { int } from './args.ts';

/** a sleep other processes may use to run (a signal ends it: EINTR, what was left written to `rem` if given) */
function sleep(g: Guest, ms: number, rem = 0n): void {
  if (!g.kernel) return sleepMs(ms);
  try {
    g.kernel.sleep(g, ms);
  } catch (e) {
    if (e instanceof Interrupted && rem !== 0n) writeTimespec(g, rem, BigInt(Math.max(0, Math.round((e.left ?? 0) * 1e6))));
    throw e;
  }
}

const NS = 1_000_000_000n;
export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3, MONOTONIC_RAW: 4, REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11 } as const;
const TIMER_ABSTIME = 1;

function realtimeNs(g: Guest): bigint {
  return g.wasi.clock(0) ?? BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}
function monotonicNs(g: Guest): bigint {
  return g.wasi.clock(1) ?? BigInt(Math.round(performance.now() * 1e6));
}
/** CNTVCT_EL0 (the PSEUDO_SYSCALL.counter of abi.ts): the monotonic clock at COUNTER_HZ */
export const counterTicks = (g: Guest): bigint => (monotonicNs(g) * BigInt(COUNTER_HZ)) / NS;

/** Nanoseconds on a Linux clock, or EINVAL. Negative ids are CPU-time clocks of a pid/tid
 *  (clock_getcpuclockid); every process here is the guest itself. */
export function clockNs(g: Guest, id: number): bigint {
  if (id < 0) return g.cpuNs();
  switch (id) {
    case CLOCK.REALTIME:
    case CLOCK.REALTIME_COARSE:
    case CLOCK.REALTIME_ALARM:
      return realtimeNs(g);
    case CLOCK.TAI:
      return realtimeNs(g) + 37n * NS;
    case CLOCK.MONOTONIC:
    case CLOCK.MONOTONIC_RAW:
    case CLOCK.MONOTONIC_COARSE:
    case CLOCK.BOOTTIME:
    case CLOCK.BOOTTIME_ALARM:
      return monotonicNs(g);
    case CLOCK.PROCESS_CPUTIME:
    case CLOCK.THREAD_CPUTIME:
      return g.cpuNs();
    default:
      fail(E.EINVAL);
  }
}

/** Reads a struct timespec {i64 sec, i64 nsec} (EFAULT if unreadable). */
function readRawTimespec(g: Guest, addr: bigint): [sec: bigint, nsec: bigint] {
  g.mem.check(addr, 16);
  return [g.mem.i64(addr), g.mem.i64(addr + 8n)];
}

/** A struct timespec read by readRawTimespec as nanoseconds (EINVAL if malformed). */
function timespecNs([sec, nsec]: [bigint, bigint]): bigint {
  if (sec < 0n || nsec < 0n || nsec >= NS) fail(E.EINVAL);
  return sec * NS + nsec;
}

/** Reads a struct timespec as nanoseconds (EFAULT if unreadable, EINVAL if malformed). */
export function readTimespec(g: Guest, addr: bigint): bigint {
  return timespecNs(readRawTimespec(g, addr));
}

export function writeTimespec(g: Guest, addr: bigint, ns: bigint): void {
  g.mem.check(addr, 16);
  g.mem.setI64(addr, ns / NS);
  g.mem.setI64(addr + 8n, ns % NS);
}

export const time: Record<string, Handler> = {
  clock_gettime: (g, id, tp) => {
    writeTimespec(g, tp, clockNs(g, int(id)));
    return 0;
  },
  clock_getres: (g, id, res) => {
    clockNs(g, int(id)); // validates the clock
    if (res !== 0n) writeTimespec(g, res, int(id) === CLOCK.REALTIME_COARSE || int(id) === CLOCK.MONOTONIC_COARSE ? 4_000_000n : 1n);
    return 0;
  },
  gettimeofday: (g, tv, tz) => {
    if (tv !== 0n) {
      const ns = realtimeNs(g);
      g.mem.check(tv, 16);
      g.mem.setI64(tv, ns / NS);
      g.mem.setI64(tv + 8n, (ns % NS) / 1000n);
    }
    if (tz !== 0n) {
      g.mem.setI32(tz, 0);
      g.mem.setI32(tz + 4n, 0);
    }
    return 0;
  },
  nanosleep: (g, req, rem) => {
    // qemu-aarch64 reports an unreadable request as EINVAL (Linux: EFAULT); we follow qemu
    let raw: [bigint, bigint];
    try {
      raw = readRawTimespec(g, req);
    } catch (e) {
      if (e instanceof Errno && e.errno === E.EFAULT) fail(E.EINVAL);
      throw e;
    }
    sleep(g, Number(timespecNs(raw)) / 1e6, rem);
    return 0;
  },
  clock_nanosleep: (g, idArg, flags, req, rem) => {
    const id = int(idArg);
    const raw = readRawTimespec(g, req); // before the clock id: qemu gives EFAULT even for a bad clock
    if (id === CLOCK.THREAD_CPUTIME) fail(E.EINVAL);
    let ns = timespecNs(raw);
    const absolute = (int(flags) & TIMER_ABSTIME) !== 0;
    if (absolute) ns -= clockNs(g, id);
    else clockNs(g, id);
    sleep(g, Number(ns) / 1e6, absolute ? 0n : rem); // an absolute sleep reports nothing left
    return 0;
  },
  times: (g, buf) => {
    if (buf !== 0n) {
      g.mem.check(buf, 32);
      g.mem.zero(buf, 32);
      g.mem.setI64(buf, g.cpuNs() / 10_000_000n); // tms_utime
      g.mem.setI64(buf + 16n, (g.kernel?.childrenCpuNs(g) ?? 0n) / 10_000_000n); // tms_cutime
    }
    return monotonicNs(g) / 10_000_000n;
  },
  getrusage: (g, who, buf) => {
    const w = int(who);
    if (w !== 0 && w !== -1 && w !== 1) fail(E.EINVAL);
    writeRusage(g, buf, w === -1 ? g.kernel?.childrenCpuNs(g) ?? 0n : g.cpuNs());
    if (w !== -1) g.mem.setI64(buf + 32n, BigInt(Math.ceil(g.vm.size / 1024))); // ru_maxrss in KiB
    return 0;
  },
  // POSIX timers (posix-timers.ts)
  timer_create: (g, clockArg, sevp, idp) => {
    // struct sigevent: sigev_value u64, sigev_signo i32, sigev_notify i32, sigev_notify_thread_id i32
    let ev: { value: bigint; signo: number; notify: number; tid: number } | undefined;
    if (sevp !== 0n) {
      g.mem.check(sevp, 64);
      ev = { value: g.mem.u64(sevp), signo: g.mem.i32(sevp + 8n), notify: g.mem.i32(sevp + 12n), tid: g.mem.i32(sevp + 16n) };
    }
    const clock = int(clockArg);
    clockNs(g, clock); // EINVAL for no such clock
    let sig: number = SIGNAL.SIGALRM;
    if (ev?.notify === SIGEV_NONE) sig = 0;
    else if (ev) {
      if (ev.notify !== SIGEV_SIGNAL && ev.notify !== SIGEV_THREAD_ID) fail(E.EINVAL); // SIGEV_THREAD is the C library's
      if (ev.signo < 1 || ev.signo > NSIG) fail(E.EINVAL);
      if (ev.notify === SIGEV_THREAD_ID && !(g.kernel ? g.kernel.task(ev.tid)?.group.pid === g.pid : ev.tid === g.pid)) fail(E.EINVAL);
      sig = ev.signo;
    }
    g.mem.check(idp, 4);
    g.mem.setI32(idp, g.posixTimers.create(clock, sig, ev?.value, ev?.notify === SIGEV_THREAD_ID ? ev.tid : undefined));
    return 0;
  },
  timer_settime: (g, idArg, flags, newp, oldp) => {
    const spec = readItimerspec(g, newp), id = int(idArg);
    // an absolute expiry is a time on the timer's clock: what is left of it from now (past: at once)
    if (int(flags) & TIMER_ABSTIME && spec.value > 0n) {
      const left = spec.value - clockNs(g, g.posixTimers.clockOf(id));
      spec.value = left > 0n ? left : 1n;
    }
    const old = g.posixTimers.set(id, spec, performance.now());
    if (oldp !== 0n) writeItimerspec(g, oldp, old);
    return 0;
  },
  timer_gettime: (g, id, curp) => {
    writeItimerspec(g, curp, g.posixTimers.get(int(id), performance.now()));
    return 0;
  },
  timer_getoverrun: (g, id) => g.posixTimers.overrun(int(id)),
  timer_delete: (g, id) => {
    g.posixTimers.delete(int(id));
    return 0;
  },
  getitimer: (g, which, value) => {
    const v = g.timers.get(int(which), performance.now());
    writeItimerval(g, value, v);
    return 0;
  },
  setitimer: (g, which, value, old) => {
    // no new value is a disarm, as Linux takes it
    const v = value === 0n ? { value: 0n, interval: 0n } : readItimerval(g, value);
    const before = g.timers.set(int(which), v, performance.now());
    if (old !== 0n) writeItimerval(g, old, before);
    return 0;
  },
};


/** struct itimerspec {timespec it_interval, it_value}, in ns (EFAULT for any of it first, then EINVAL, as Linux) */
export function readItimerspec(g: Guest, addr: bigint): TimerSpec {
  g.mem.check(addr, 32);
  return { interval: readTimespec(g, addr), value: readTimespec(g, addr + 16n) };
}

export function writeItimerspec(g: Guest, addr: bigint, v: TimerSpec): void {
  g.mem.check(addr, 32);
  writeTimespec(g, addr, v.interval);
  writeTimespec(g, addr + 16n, v.value);
}

/** struct itimerval {timeval it_interval, it_value}, timeval {i64 sec, i64 usec}, in µs (EFAULT, EINVAL as Linux) */
function readItimerval(g: Guest, addr: bigint): TimerValue {
  g.mem.check(addr, 32);
  const us = (at: bigint) => {
    const sec = g.mem.i64(at), usec = g.mem.i64(at + 8n);
    if (sec < 0n || usec < 0n || usec >= 1_000_000n) fail(E.EINVAL);
    return sec * 1_000_000n + usec;
  };
  return { interval: us(addr), value: us(addr + 16n) };
}

function writeItimerval(g: Guest, addr: bigint, v: TimerValue): void {
  g.mem.check(addr, 32);
  for (const [off, us] of [[0n, v.interval], [16n, v.value]] as const) {
    g.mem.setI64(addr + off, us / 1_000_000n);
    g.mem.setI64(addr + off + 8n, us % 1_000_000n);
  }
}

const RUSAGE_SIZE = 144;

/** a struct rusage at `buf`: ru_utime `ns` (a timeval at its start), the rest zero */
export function writeRusage(g: Guest, buf: bigint, ns: bigint | undefined): void {
  g.mem.check(buf, RUSAGE_SIZE);
  g.mem.zero(buf, RUSAGE_SIZE);
  if (ns === undefined) return;
  const us = ns / 1000n;
  g.mem.setI64(buf, us / 1_000_000n);
  g.mem.setI64(buf + 8n, us % 1_000_000n);
}
