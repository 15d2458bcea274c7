// Paths that name one of the process's own fds: /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N
// and /proc/self/fd/N (or /proc/<own pid>/fd/N). On Linux they are symlinks into /proc, whose fd
// entries reopen the file the fd refers to; the host's /dev/stdin would be the JS engine's own.
import { E, fail } from './errno.ts';
import { makeOpenFile, pathlessName, type OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import { O } from './vfs.ts';
import { FILETYPE } from './wasi.ts';

const STDIO: Record<string, number> = { '/dev/stdin': 0, '/dev/stdout': 1, '/dev/stderr': 2 };

/** The guest fd `abs` (an absolute normalised guest path) names, or undefined for other paths. */
export function ownFdOf(g: Guest, abs: string): number | undefined {
  if (abs in STDIO) return STDIO[abs];
  const m = /^\/(?:dev\/fd|proc\/(self|thread-self|\d+)\/fd)\/(\d+)$/.exec(abs);
  if (!m || (m[1] !== undefined && /^\d+$/.test(m[1]) && Number(m[1]) !== g.pid)) return undefined;
  return Number(m[2]);
}

/**
 * Opens fd `fd` again with open(2) `flags`, as opening its /proc/self/fd entry does: a pipe end
 * gets a new description of the same pipe; a file opened by path is opened again by its path (own
 * offset, the new flags, O_TRUNC applies). The stdio the process started with have no path here:
 * the new description shares the host's fd, with a position of its own if it is a regular file.
 * `openByPath` is vfs's openPath.
 */
export function reopenOwnFd(g: Guest, fd: number, flags: number, openByPath: (abs: string) => OpenFile): OpenFile {
  if (!g.fds.has(fd)) fail(E.ENOENT); // a /proc/self/fd entry exists only for open fds
  const f = g.fds.get(fd);
  const acc = flags & O.ACCMODE;
  const status = (flags & (O.APPEND | O.NONBLOCK)) | O.LARGEFILE;
  if (f.terminal) {
    f.terminal.holders++;
    return makeOpenFile({ wasiFd: -1, flags: acc | status, tty: true, terminal: f.terminal });
  }
  if (f.pipe) {
    const end = acc === O.RDONLY ? 'read' : 'write';
    if (end === 'read') f.pipe.readers++;
    else f.pipe.writers++;
    return makeOpenFile({ wasiFd: -1, flags: (end === 'read' ? O.RDONLY : O.WRONLY) | status, pipe: f.pipe, pipeEnd: end });
  }
  if (f.anon) fail(E.ENXIO); // anon_inodefs has no open
  if (f.path !== '') return openByPath(f.path);
  // a regular file gets a position of its own, from the start, as a new open file description
  let regular = false;
  try {
    regular = g.wasi.fdstat(f.wasiFd).filetype === FILETYPE.REGULAR_FILE;
  } catch {
    // a host without fdstat: share the position
  }
  if (regular && flags & O.TRUNC && acc !== O.RDONLY) g.wasi.setSize(f.wasiFd, 0n);
  return makeOpenFile({ wasiFd: f.wasiFd, flags: acc | status, keepOpen: true, tty: f.tty, ...(regular ? { position: 0n } : {}) });
}

/** What readlink(2) reads at `abs` when it is one of these links (/dev/stdin and /dev/fd point
 *  into /proc/self/fd, whose entries name the fd's file); undefined when the runtime cannot tell
 *  (stdio the process started with: the host may know) or `abs` is another path. */
export function ownFdLink(g: Guest, abs: string): string | undefined {
  if (abs in STDIO) return `/proc/self/fd/${STDIO[abs]}`;
  if (abs === '/dev/fd') return '/proc/self/fd';
  const fd = ownFdOf(g, abs);
  if (fd === undefined) return undefined;
  if (!g.fds.has(fd)) fail(E.ENOENT);
  const f = g.fds.get(fd);
  return pathlessName(f) ?? (f.path || undefined);
}
