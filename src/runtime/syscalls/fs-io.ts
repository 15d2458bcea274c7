// Syscalls on file descriptors: I/O, seeking, descriptor management, fcntl, ioctl, pipes.
import { E, fail } from '../errno.ts';
import { makeOpenFile, Pipe, unseekable } from '../fdtable.ts';
import type { Guest, Handler } from '../guest.ts';
import { flock } from '../flock.ts';
import { sleepMs } from '../sleep.ts';
import { terminalIoctl, TTY } from '../terminal-io.ts';
import { pollEvents, POLL } from '../poll.ts';
import { freshTermios, TERMIOS_SIZE, writeTermios } from '../termios.ts';
import { growWithinLimit, guestIovecs, O, readFile, statFile, writeFile } from '../vfs.ts';
import { count, i64, int, uint } from './args.ts';
import { waitWithMask } from './signal.ts';

const F = { DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN: 8, GETOWN: 9, OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032 } as const;
/** ioctls of any fd (the terminal's are terminal-io.ts TTY) */
const FIO = { FIONBIO: 0x5421, FIONCLEX: 0x5450, FIOCLEX: 0x5451 } as const;
/** fallocate(2)'s mode that leaves the size as it is */
const FALLOC_FL_KEEP_SIZE = 1;

/**
 * The wait of ppoll and pselect6 when nothing is ready yet: until `ready()` or the timeout
 * (a struct timespec; 0: none, wait for ever; {0, 0}: do not wait), other processes running meanwhile.
 */
export function waitForEvents(g: Guest, timeout: bigint, ready: () => boolean): void {
  if (ready() || (timeout !== 0n && g.mem.i64(timeout) === 0n && g.mem.i64(timeout + 8n) === 0n)) return;
  const ms = timeout === 0n ? Infinity : Number(g.mem.i64(timeout) * 1_000_000_000n + g.mem.i64(timeout + 8n)) / 1e6;
  if (g.kernel) g.kernel.sleep(g, ms, ready);
  else if (Number.isFinite(ms)) sleepMs(ms);
}

/** fsync(2) and fdatasync(2) */
const sync: Handler = (g, fd) => {
  const f = g.fds.get(int(fd));
  if (unseekable(f)) fail(E.EINVAL);
  g.wasi.sync(f.wasiFd);
  return 0;
};

export const fsIo: Record<string, Handler> = {
  read: (g, fd, buf, n) => {
    const len = count(n);
    const f = g.fds.get(int(fd));
    return readFile(g, f, len ? [[g.mem.check(buf, len), len]] : []);
  },
  // a process that writes and writes gives the host's terminal a turn now and then (Kernel.afterWrite)
  write: (g, fd, buf, n) => {
    const len = count(n);
    const f = g.fds.get(int(fd));
    const done = writeFile(g, f, len ? [[g.mem.check(buf, len), len]] : []);
    return g.kernel ? g.kernel.afterWrite(g, done) : done;
  },
  readv: (g, fd, iov, cnt) => {
    const f = g.fds.get(int(fd));
    return readFile(g, f, guestIovecs(g, iov, int(cnt)));
  },
  writev: (g, fd, iov, cnt) => {
    const f = g.fds.get(int(fd));
    const done = writeFile(g, f, guestIovecs(g, iov, int(cnt)));
    return g.kernel ? g.kernel.afterWrite(g, done) : done;
  },
  pread64: (g, fd, buf, n, off) => {
    const len = count(n);
    const f = g.fds.get(int(fd));
    if (i64(off) < 0n) fail(E.EINVAL);
    return readFile(g, f, len ? [[g.mem.check(buf, len), len]] : [], off);
  },
  pwrite64: (g, fd, buf, n, off) => {
    const len = count(n);
    const f = g.fds.get(int(fd));
    if (i64(off) < 0n) fail(E.EINVAL);
    return writeFile(g, f, len ? [[g.mem.check(buf, len), len]] : [], off);
  },
  preadv: (g, fd, iov, cnt, off) => {
    const f = g.fds.get(int(fd));
    if (i64(off) < 0n) fail(E.EINVAL);
    return readFile(g, f, guestIovecs(g, iov, int(cnt)), off);
  },
  pwritev: (g, fd, iov, cnt, off) => {
    const f = g.fds.get(int(fd));
    if (i64(off) < 0n) fail(E.EINVAL);
    return writeFile(g, f, guestIovecs(g, iov, int(cnt)), off);
  },
  lseek: (g, fd, off, whence) => {
    const f = g.fds.get(int(fd));
    const w = int(whence);
    if (w < 0 || w > 2) fail(E.EINVAL);
    if (f.anon && f.anon.mode === undefined) return 0; // anon inodes: Linux's noop_llseek (sockets: ESPIPE)
    if (unseekable(f) || f.tty) fail(E.ESPIPE);
    if (f.isDir) {
      // Directory offsets are positions in the listing snapshot (d_off values).
      const pos = w === 0 ? Number(i64(off)) : w === 1 ? f.dirPos + Number(i64(off)) : -1;
      if (pos < 0) fail(E.EINVAL);
      if (pos === 0) f.dir = undefined; // rewinddir: list again
      f.dirPos = pos;
      return pos;
    }
    if (f.position !== undefined) {
      const pos = i64(off) + (w === 0 ? 0n : w === 1 ? f.position : statFile(g, f).size);
      if (pos < 0n) fail(E.EINVAL);
      f.position = pos;
      return pos;
    }
    const r = g.wasi.seek(f.wasiFd, i64(off), w);
    return BigInt.asIntN(64, r);
  },
  close: (g, fd) => {
    g.fds.close(int(fd));
    return 0;
  },
  close_range: (g, first, last, flags) => {
    const lo = uint(first);
    const hi = uint(last);
    if (hi < lo || uint(flags) & ~6) fail(E.EINVAL);
    for (const fd of g.fds.fds()) {
      if (fd < lo || fd > hi) continue;
      if (uint(flags) & 4) g.fds.setCloexec(fd, true);
      else g.fds.close(fd);
    }
    return 0;
  },
  dup: (g, fd) => g.fds.install(g.fds.get(int(fd)), false),
  dup3: (g, oldfd, newfd, flags) => {
    const f = g.fds.get(int(oldfd));
    if (int(oldfd) === int(newfd) || int(flags) & ~O.CLOEXEC) fail(E.EINVAL);
    g.fds.installAt(int(newfd), f, (int(flags) & O.CLOEXEC) !== 0);
    return int(newfd);
  },
  fcntl: (g, fdArg, cmdArg, arg) => {
    const fd = int(fdArg);
    const f = g.fds.get(fd);
    switch (int(cmdArg)) {
      case F.DUPFD:
      case F.DUPFD_CLOEXEC: {
        const min = int(arg);
        if (min < 0 || min >= g.fds.limit) fail(E.EINVAL);
        return g.fds.install(f, int(cmdArg) === F.DUPFD_CLOEXEC, min);
      }
      case F.GETFD:
        return g.fds.getCloexec(fd) ? 1 : 0;
      case F.SETFD:
        g.fds.setCloexec(fd, (int(arg) & 1) !== 0);
        return 0;
      case F.GETFL:
        return f.flags;
      case F.SETFL: {
        const changeable = O.APPEND | O.NONBLOCK | O.DIRECT | O.NOATIME;
        const next = (f.flags & ~changeable) | (int(arg) & changeable);
        if (!unseekable(f) && !f.keepOpen && (next & (O.APPEND | O.NONBLOCK)) !== (f.flags & (O.APPEND | O.NONBLOCK))) {
          try {
            g.wasi.setFdFlags(f.wasiFd, (next & O.APPEND ? 1 : 0) | (next & O.NONBLOCK ? 4 : 0));
          } catch {
            // Best effort: the host may not support changing flags; Linux semantics are kept in f.flags.
          }
        }
        f.flags = next;
        return 0;
      }
      case F.GETLK:
      case F.OFD_GETLK:
        g.mem.setU16(arg, 2); // l_type = F_UNLCK: single process, nothing else holds locks
        return 0;
      case F.SETLK:
      case F.SETLKW:
      case F.OFD_SETLK:
      case F.OFD_SETLKW:
        g.mem.check(arg, 32);
        return 0;
      case F.SETOWN:
        return 0;
      case F.GETOWN:
        return 0;
      case F.GETPIPE_SZ:
        if (!f.pipe) fail(E.EBADF);
        return 65536;
      case F.SETPIPE_SZ:
        if (!f.pipe) fail(E.EBADF);
        return Math.max(4096, int(arg));
      default:
        fail(E.EINVAL);
    }
  },
  ioctl: (g, fdArg, reqArg, arg) => {
    const fd = int(fdArg);
    const f = g.fds.get(fd);
    const req = uint(reqArg);
    switch (req) {
      case FIO.FIOCLEX:
      case FIO.FIONCLEX:
        g.fds.setCloexec(fd, req === FIO.FIOCLEX);
        return 0;
      case FIO.FIONBIO:
        f.flags = g.mem.i32(arg) ? f.flags | O.NONBLOCK : f.flags & ~O.NONBLOCK;
        return 0;
      case TTY.FIONREAD:
        if (f.terminal) break;
        if (f.anon && !f.anon.available) fail(E.ENOTTY);
        g.mem.setI32(arg, f.pipe ? f.pipe.size : f.anon?.available?.() ?? 0);
        return 0;
    }
    if (f.terminal) return terminalIoctl(g, f.terminal, req, arg);
    if (!f.tty) fail(E.ENOTTY);
    switch (req) {
      case TTY.TCGETS:
        writeTermios(g.mem, arg, freshTermios()); // a cooked-mode terminal as a fresh Linux tty reports it
        return 0;
      case TTY.TCSETS:
      case TTY.TCSETSW:
      case TTY.TCSETSF:
        g.mem.check(arg, TERMIOS_SIZE);
        return 0; // accepted but not applied: the host terminal mode is not ours to change
      case TTY.TIOCGWINSZ: {
        const ws = g.opts.winsize ?? { rows: 24, cols: 80 };
        g.mem.check(arg, 8);
        g.mem.setU16(arg, ws.rows);
        g.mem.setU16(arg + 2n, ws.cols);
        g.mem.setU32(arg + 4n, 0);
        return 0;
      }
      case TTY.TIOCSWINSZ:
        g.mem.check(arg, 8);
        return 0;
      case TTY.TIOCGPGRP:
        g.mem.setI32(arg, g.pid);
        return 0;
      case TTY.TIOCSPGRP:
        return 0;
      default:
        fail(E.ENOTTY);
    }
  },
  pipe2: (g, fdsAddr, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT)) fail(E.EINVAL);
    g.mem.check(fdsAddr, 8);
    const pipe = new Pipe();
    const status = flags & (O.NONBLOCK | O.DIRECT);
    const r = makeOpenFile({ wasiFd: -1, flags: O.RDONLY | status, pipe, pipeEnd: 'read' });
    const w = makeOpenFile({ wasiFd: -1, flags: O.WRONLY | status, pipe, pipeEnd: 'write' });
    pipe.readers = 1;
    pipe.writers = 1;
    const [rfd, wfd] = g.fds.installPair(r, w, (flags & O.CLOEXEC) !== 0);
    g.mem.setI32(fdsAddr, rfd);
    g.mem.setI32(fdsAddr + 4n, wfd);
    return 0;
  },
  ppoll: (g, fdsAddr, nfdsArg, timeout, sigmask, sigsetsize) => {
    const nfds = uint(nfdsArg);
    if (nfds > g.fds.limit) fail(E.EINVAL);
    if (nfds) g.mem.check(fdsAddr, 8 * nfds); // ppoll(NULL, 0, …) is how musl and glibc pause()
    const scan = (write: boolean): number => {
      let ready = 0;
      for (let i = 0; i < nfds; i++) {
        const p = fdsAddr + BigInt(8 * i);
        const fd = g.mem.i32(p);
        const revents = fd < 0 ? 0 : g.fds.has(fd) ? pollEvents(g, g.fds.get(fd), g.mem.u16(p + 4n)) : POLL.NVAL;
        if (write) g.mem.setU16(p + 6n, revents);
        if (revents) ready++;
      }
      return ready;
    };
    if (sigmask) waitWithMask(g, sigmask, sigsetsize);
    waitForEvents(g, timeout, () => scan(false) > 0);
    return scan(true);
  },
  fsync: sync,
  // as fsync: WASI's fd_datasync asks for a right an fd opened read-only lacks, where Linux syncs any fd
  fdatasync: sync,
  flock: (g, fd, op) => flock(g, g.fds.get(int(fd)), int(op)),
  // advice on caching: there is no page cache to steer here, so a valid call does nothing, as it may on Linux
  fadvise64: (g, fd, _offset, len, advice) => {
    const f = g.fds.get(int(fd));
    if (unseekable(f)) fail(E.ESPIPE);
    if (uint(advice) > 5 || i64(len) < 0n) fail(E.EINVAL); // POSIX_FADV_NORMAL … POSIX_FADV_NOREUSE
    return 0;
  },
  // allocation as far as a host file can show it: the size (KEEP_SIZE: none); holes and zeroed ranges are not offered
  fallocate: (g, fd, modeArg, offset, lenArg) => {
    const f = g.fds.get(int(fd)), mode = int(modeArg), off = i64(offset), len = i64(lenArg);
    if (off < 0n || len <= 0n) fail(E.EINVAL);
    if (mode & ~FALLOC_FL_KEEP_SIZE) fail(E.EOPNOTSUPP);
    if ((f.flags & O.ACCMODE) === O.RDONLY) fail(E.EBADF);
    if (unseekable(f)) fail(E.ESPIPE);
    if (f.isDir) fail(E.EISDIR);
    if (f.tty || f.anon) fail(E.ENODEV);
    const end = off + len;
    if (mode & FALLOC_FL_KEEP_SIZE || end <= statFile(g, f).size) return 0;
    growWithinLimit(g, f, end);
    g.wasi.setSize(f.wasiFd, end);
    return 0;
  },
  ftruncate: (g, fd, len) => {
    const f = g.fds.get(int(fd));
    if (i64(len) < 0n || unseekable(f) || f.isDir || (f.flags & O.ACCMODE) === O.RDONLY) fail(E.EINVAL);
    growWithinLimit(g, f, i64(len));
    g.wasi.setSize(f.wasiFd, i64(len));
    return 0;
  },
};
