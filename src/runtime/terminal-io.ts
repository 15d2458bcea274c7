// What processes do to a host-driven terminal (terminal.ts): read (canonical lines, or raw bytes
// with VMIN/VTIME), write, the tty ioctls (termios, window size, foreground process group) and
// job control: a background process reading gets SIGTTIN, and one changing the terminal SIGTTOU,
// as Linux's tty_check_change does.
import { E, fail } from './errno.ts';
import type { OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import { SIG_IGN } from './signals.ts';
import type { Terminal } from './terminal.ts';
import { L, readTermios, V, writeTermios } from './termios.ts';
import { FILETYPE, type Filestat } from './wasi.ts';
import { O } from './vfs.ts';
import { iovTotal } from './iovecs.ts';

const SIGTTIN = 21, SIGTTOU = 22;
export const TTY = {
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCSBRK: 0x5409, TCXONC: 0x540a, TCFLSH: 0x540b,
  TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TIOCOUTQ: 0x5411, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414,
  FIONREAD: 0x541b, TIOCNOTTY: 0x5422, TIOCGSID: 0x5429,
} as const;

/** a pty's slave as stat shows it (/dev/pts/0: major 136, crw--w----) */
export const TERMINAL_STAT: Filestat = {
  dev: 0x18n, ino: 3n, filetype: FILETYPE.CHARACTER_DEVICE, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n,
  linux: { mode: 0o020620, uid: 0, gid: 5, rdev: BigInt(136 << 8), blksize: 1024, blocks: 0n },
};

/**
 * The job-control check of a read (SIGTTIN) or a change (SIGTTOU) by a process of the terminal's
 * session that is not in its foreground group: with the signal ignored or blocked, a read fails
 * with EIO and a change goes on; otherwise the process's group gets the signal and the call is
 * done again once it may go on (a handler interrupts it, as ERESTARTSYS does; a wait nothing
 * could end fails with EIO).
 */
function checkForeground(g: Guest, t: Terminal, sig: number): void {
  const k = g.kernel;
  if (!k) return;
  for (;;) {
    const me = k.of(g);
    if (me.sid !== t.session || !t.foreground || me.pgid === t.foreground) return;
    if (g.signals.action(sig).handler === SIG_IGN || g.signals.blocked(sig)) {
      if (sig === SIGTTIN) fail(E.EIO);
      return;
    }
    k.signalGroup(me.pgid, sig);
    // a stop lasts until SIGCONT; a handler interrupts
    if (!k.wait(g, () => true, { restart: true })) fail(E.EIO);
  }
}

export function readTerminal(g: Guest, f: OpenFile, t: Terminal, iovs: [number, number][]): number {
  const total = iovTotal(iovs);
  if (total === 0) return 0;
  checkForeground(g, t, SIGTTIN);
  const d = t.discipline;
  const canonical = (d.termios.lflag & L.ICANON) !== 0;
  const min = d.termios.cc[V.MIN]!, time = d.termios.cc[V.TIME]! * 100;
  const want = canonical ? 0 : Math.max(1, Math.min(min, total));
  const enough = (n: number): (() => boolean) => () => t.hungUp || d.available() >= n;
  const wait = (ready: () => boolean): void => {
    if (ready()) return;
    if (f.flags & O.NONBLOCK) fail(E.EAGAIN);
    if (!g.kernel?.wait(g, ready, { restart: true })) fail(E.EAGAIN);
  };
  if (canonical) wait(enough(0));
  else if (min === 0) {
    // VTIME alone: up to VTIME tenths of a second for a byte; neither: what is there now
    if (time && !enough(1)()) g.kernel?.sleep(g, time, enough(1));
  } else {
    wait(enough(1));
    // VMIN with VTIME: more bytes, while they come within VTIME of the first
    if (time && !enough(want)()) g.kernel?.sleep(g, time, enough(want));
    else if (!time) wait(enough(want));
  }
  let done = 0;
  for (const [base, len] of iovs) {
    const chunk = d.take(len);
    g.mem.bytes().set(chunk, base);
    done += chunk.length;
    if (chunk.length < len || canonical) break;
  }
  return done;
}

export function writeTerminal(g: Guest, t: Terminal, iovs: [number, number][]): number {
  if (t.hungUp) fail(E.EIO);
  if (t.discipline.termios.lflag & L.TOSTOP) checkForeground(g, t, SIGTTOU);
  let done = 0;
  for (const [base, len] of iovs) {
    t.output(g.mem.bytes().subarray(base, base + len));
    done += len;
  }
  return done;
}

/** poll's readiness: a line (canonical), VMIN bytes (raw, without VTIME) */
export function terminalReadable(t: Terminal): boolean {
  const d = t.discipline;
  if (t.hungUp) return true;
  if (d.termios.lflag & L.ICANON) return d.available() >= 0;
  const min = d.termios.cc[V.MIN]!, time = d.termios.cc[V.TIME]!;
  return d.available() >= (min && !time ? min : 1);
}

export function terminalIoctl(g: Guest, t: Terminal, req: number, arg: bigint): number {
  const d = t.discipline;
  switch (req) {
    case TTY.TCGETS:
      writeTermios(g.mem, arg, d.termios);
      return 0;
    case TTY.TCSETS:
    case TTY.TCSETSW:
    case TTY.TCSETSF: {
      const next = readTermios(g.mem, arg);
      checkForeground(g, t, SIGTTOU);
      d.set(next, req === TTY.TCSETSF); // output is never pending: TCSETSW has nothing to wait for
      return 0;
    }
    case TTY.TIOCGWINSZ:
      g.mem.check(arg, 8);
      g.mem.setU16(arg, t.rows);
      g.mem.setU16(arg + 2n, t.columns);
      g.mem.setU32(arg + 4n, 0);
      return 0;
    case TTY.TIOCSWINSZ: {
      g.mem.check(arg, 8);
      const rows = g.mem.u16(arg), columns = g.mem.u16(arg + 2n);
      if (rows && columns) t.resize({ rows, columns });
      return 0;
    }
    case TTY.TIOCGPGRP:
    case TTY.TIOCGSID: {
      const me = g.kernel?.of(g);
      if (me && me.sid !== t.session) fail(E.ENOTTY); // not this process's controlling terminal
      g.mem.setI32(arg, req === TTY.TIOCGPGRP ? t.foreground : t.session);
      return 0;
    }
    case TTY.TIOCSPGRP: {
      const pgrp = g.mem.i32(arg);
      const k = g.kernel;
      if (!k) return 0;
      if (k.of(g).sid !== t.session) fail(E.ENOTTY);
      checkForeground(g, t, SIGTTOU);
      if (pgrp < 0) fail(E.EINVAL);
      if (!k.groupInSession(pgrp, t.session)) fail(E.EPERM);
      t.foreground = pgrp;
      return 0;
    }
    case TTY.TCFLSH:
      if (Number(arg) === 0 || Number(arg) === 2) d.flush(); // TCIFLUSH, TCIOFLUSH (output is never queued)
      else if (Number(arg) !== 1) fail(E.EINVAL);
      return 0;
    case TTY.TCSBRK:
    case TTY.TCXONC:
    case TTY.TIOCSCTTY:
    case TTY.TIOCNOTTY:
      return 0;
    case TTY.TIOCOUTQ:
      g.mem.setI32(arg, 0);
      return 0;
    case TTY.FIONREAD:
      g.mem.setI32(arg, d.queued());
      return 0;
    default:
      fail(E.ENOTTY);
  }
}
