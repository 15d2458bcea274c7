// eventfd2, timerfd_*, signalfd4 and epoll_*: the syscalls making and driving anonymous files
// (anon-files.ts, epoll.ts). Errors come in Linux's order (the user memory first where it reads it).
import { EventFd, installAnon, SignalFd, TimerFd } from '../anon-files.ts';
import { Epoll, EPOLL, EPOLL_CTL } from '../epoll.ts';
import { E, fail } from '../errno.ts';
import type { AnonFile, OpenFile } from '../fdtable.ts';
import type { Guest, Handler } from '../guest.ts';
import { SIGKILL, SIGSTOP } from '../signals.ts';
import { O } from '../vfs.ts';
import { FILETYPE } from '../wasi.ts';
import { int, uint } from './args.ts';
import { waitWithMask } from './signal.ts';
import { CLOCK, clockNs, readItimerspec, readTimespec, writeItimerspec } from './time.ts';

const EFD_SEMAPHORE = 1;
const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
/** struct epoll_event on AArch64: u32 events, then (aligned, not packed as on x86-64) u64 data */
const EPOLL_EVENT_SIZE = 16;
/** the events an EPOLLEXCLUSIVE item may ask for */
const EXCLUSIVE_OK = EPOLL.IN | EPOLL.OUT | EPOLL.ERR | EPOLL.HUP | EPOLL.WAKEUP | EPOLL.ET | EPOLL.EXCLUSIVE;
const EP_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT_SIZE);

/** the anonymous file of type `kind` behind `fd` (EBADF; EINVAL if it is another kind of file) */
function anonOf<T extends AnonFile>(g: Guest, fd: bigint, kind: abstract new (...a: never[]) => T): T {
  const f = g.fds.get(int(fd));
  if (!(f.anon instanceof kind)) fail(E.EINVAL);
  return f.anon;
}

/** epoll_pwait and epoll_pwait2 once the timeout is known (ms; Infinity: none) */
function epollWait(g: Guest, epfd: bigint, eventsAddr: bigint, maxArg: bigint, ms: number, sigmask: bigint, sigsetsize: bigint): number {
  const max = int(maxArg);
  if (max <= 0 || max > EP_MAX_EVENTS) fail(E.EINVAL);
  g.mem.check(eventsAddr, max * EPOLL_EVENT_SIZE);
  const ep = anonOf(g, epfd, Epoll);
  if (sigmask) waitWithMask(g, sigmask, sigsetsize);
  // never restarted after a handler (signal(7)): EINTR
  if (ms > 0 && !ep.ready(g)) {
    ep.settle();
    g.kernel?.sleep(g, ms, () => ep.ready(g));
  }
  const out = ep.collect(g, max);
  out.forEach((e, i) => {
    const at = eventsAddr + BigInt(i * EPOLL_EVENT_SIZE);
    g.mem.setU32(at, e.events);
    g.mem.setU64(at + 8n, e.data);
  });
  return out.length;
}

/** devices with no poll operation */
const UNPOLLABLE_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/full']);

/** an open file epoll can watch: not a regular file, directory or device without poll (EPERM) */
function pollable(g: Guest, f: OpenFile): boolean {
  if (f.anon || f.pipe || f.terminal) return true;
  if (f.isDir || f.proc || UNPOLLABLE_DEVICES.has(f.path)) return false;
  return !(f.wasiFd >= 0 && g.wasi.fdFilestat(f.wasiFd).filetype === FILETYPE.REGULAR_FILE);
}

export const events: Record<string, Handler> = {
  eventfd2: (g, initval, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(O.CLOEXEC | O.NONBLOCK | EFD_SEMAPHORE)) fail(E.EINVAL);
    return installAnon(g, new EventFd(BigInt(uint(initval)), (flags & EFD_SEMAPHORE) !== 0), flags);
  },
  timerfd_create: (g, clockArg, flagsArg) => {
    const clock = int(clockArg), flags = int(flagsArg);
    const alarm = clock === CLOCK.REALTIME_ALARM || clock === CLOCK.BOOTTIME_ALARM;
    if (![CLOCK.REALTIME, CLOCK.MONOTONIC, CLOCK.BOOTTIME].includes(clock as 0) && !alarm) fail(E.EINVAL);
    if (flags & ~(O.CLOEXEC | O.NONBLOCK)) fail(E.EINVAL);
    if (alarm && g.uid !== 0) fail(E.EPERM); // CAP_WAKE_ALARM
    return installAnon(g, new TimerFd(clock, () => clockNs(g, CLOCK.MONOTONIC), g.kernel), flags);
  },
  timerfd_settime: (g, fd, flagsArg, newAddr, oldAddr) => {
    const flags = int(flagsArg);
    const { interval, value } = readItimerspec(g, newAddr);
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) fail(E.EINVAL);
    const t = anonOf(g, fd, TimerFd), old = t.get();
    // an absolute time is on the timer's clock; one already past expires at once
    t.set(value === 0n ? undefined : flags & TFD_TIMER_ABSTIME ? value - clockNs(g, t.clock) : value, interval);
    if (oldAddr) writeItimerspec(g, oldAddr, old); // (a bad buffer fails after the timer is set, as on Linux)
    return 0;
  },
  timerfd_gettime: (g, fd, cur) => {
    writeItimerspec(g, cur, anonOf(g, fd, TimerFd).get());
    return 0;
  },
  // the mask's size is not checked: qemu-aarch64 ignores it (Linux: EINVAL unless 8)
  signalfd4: (g, fdArg, maskAddr, _size, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(O.CLOEXEC | O.NONBLOCK)) fail(E.EINVAL);
    g.mem.check(maskAddr, 8);
    // SIGKILL and SIGSTOP cannot be taken so
    const mask = g.mem.u64(maskAddr) & ~((1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1)));
    if (int(fdArg) === -1) return installAnon(g, new SignalFd(mask), flags);
    anonOf(g, fdArg, SignalFd).mask = mask;
    return int(fdArg);
  },
  epoll_create1: (g, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~O.CLOEXEC) fail(E.EINVAL);
    return installAnon(g, new Epoll(), flags);
  },
  epoll_ctl: (g, epfd, opArg, fdArg, eventAddr) => {
    const op = int(opArg), fd = int(fdArg);
    let events = 0, data = 0n;
    if (op !== EPOLL_CTL.DEL) {
      g.mem.check(eventAddr, EPOLL_EVENT_SIZE);
      events = g.mem.u32(eventAddr);
      data = g.mem.u64(eventAddr + 8n);
    }
    const ep = g.fds.get(int(epfd)), target = g.fds.get(fd);
    if (!pollable(g, target)) fail(E.EPERM);
    if (!(ep.anon instanceof Epoll) || ep === target) fail(E.EINVAL);
    if (op === EPOLL_CTL.ADD && target.anon instanceof Epoll && ep.anon.loops(target.anon)) fail(E.ELOOP);
    if (op !== EPOLL_CTL.DEL && events & EPOLL.EXCLUSIVE) {
      if (op === EPOLL_CTL.MOD || target.anon instanceof Epoll || events & ~EXCLUSIVE_OK) fail(E.EINVAL);
    }
    ep.anon.ctl(op, fd, target, events, data);
    return 0;
  },
  epoll_pwait: (g, epfd, eventsAddr, max, timeout, sigmask, sigsetsize) => {
    const ms = int(timeout);
    return epollWait(g, epfd, eventsAddr, max, ms < 0 ? Infinity : ms, sigmask, sigsetsize);
  },
  epoll_pwait2: (g, epfd, eventsAddr, max, timeout, sigmask, sigsetsize) => {
    const ms = timeout === 0n ? Infinity : Number(readTimespec(g, timeout)) / 1e6;
    return epollWait(g, epfd, eventsAddr, max, ms, sigmask, sigsetsize);
  },
};
