// Clocks and sleeping. Time comes from the WASI host clock (nanosecond resolution) with
// `performance` as the fallback; sleeping blocks the thread (the guest is synchronous).
import { COUNTER_HZ } from '../../abi.ts';
import { E, Errno, fail, Interrupted } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import type { TimerValue } from '../itimer.ts';
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
const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3, MONOTONIC_RAW: 4, REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11 } as const;
const TIMER_ABSTIME = 1;

function realtimeNs(g: Guest): bigint {
  return g.wasi.clock(0) ?? BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}
function monotonicNs(g: Guest): bigint {
  return g.wasi.clock(1) ?? BigInt(Math.round(performance.now() * 1e6));
}
/** CNTVCT_EL0 (the PSEUDO_SYSCALL.counter of abi.ts): the monotonic clock at COUNTER_HZ */
export const counterTicks = (g: Guest): bigint => (monotonicNs(g) * BigInt(COUNTER_HZ)) / NS;

/** CPU time of the guest: approximated by the wall time since it started (it never blocks
 *  except in sleeps, which the guest does not expect to count anyway). */
function cpuNs(g: Guest): bigint {
  return BigInt(Math.round((performance.now() - g.startMs) * 1e6));
}

/** Nanoseconds on a Linux clock, or EINVAL. Negative ids are CPU-time clocks of a pid/tid
 *  (clock_getcpuclockid); every process here is the guest itself. */
export function clockNs(g: Guest, id: number): bigint {
  if (id < 0) return cpuNs(g);
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
      return cpuNs(g);
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

function writeTimespec(g: Guest, addr: bigint, ns: bigint): void {
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
    const ticks = cpuNs(g) / 10_000_000n;
    if (buf !== 0n) {
      g.mem.check(buf, 32);
      g.mem.zero(buf, 32);
      g.mem.setI64(buf, ticks); // tms_utime
    }
    return monotonicNs(g) / 10_000_000n;
  },
  getrusage: (g, who, buf) => {
    const w = int(who);
    if (w !== 0 && w !== -1 && w !== 1) fail(E.EINVAL);
    g.mem.check(buf, 144);
    g.mem.zero(buf, 144);
    if (w !== -1) {
      const us = cpuNs(g) / 1000n;
      g.mem.setI64(buf, us / 1_000_000n);
      g.mem.setI64(buf + 8n, us % 1_000_000n);
      g.mem.setI64(buf + 32n, BigInt(Math.ceil(g.vm.size / 1024))); // ru_maxrss in KiB
    }
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
