// The process's own /proc entries (src/runtime/procfs.ts) on a lone guest: the links, what the
// files hold as Linux lays them out, what may not be done to them. Whole programs against qemu:
// the '/proc …' cases of test/real/cases/busybox-procs.ts.
import { describe, expect, it } from 'vitest';
import { E } from '../../src/runtime/errno.ts';
import type { Guest } from '../../src/runtime/guest.ts';
import { guestsInTempDir, scratch, sys } from '../helpers/runtime-fixtures.ts';

const { makeGuest, dir } = guestsInTempDir();
const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
const O = { RDONLY: 0, WRONLY: 1, DIRECTORY: 0o40000 };

/** the names getdents64 gives for the directory open at `fd` */
function listing(g: Guest, s: ReturnType<typeof scratch>, fd: number): string[] {
  const n = sys(g, 'getdents64', fd, s.at(8000), 4096);
  const names: string[] = [];
  for (let at = 0; at < n; at += g.mem.u16(s.at(8000 + at + 16))) names.push(g.mem.cstring(BigInt(s.at(8000 + at + 19))));
  return names;
}

function guest() {
  const g = makeGuest({ pid: 4321, args: ['prog', 'one', 'two words'], env: { A: '1' }, execPath: '/usr/bin/prog', uid: 7, gid: 8 });
  const s = scratch(g);
  const link = (p: string): string | number => {
    const n = sys(g, 'readlinkat', AT_FDCWD, s.str(0, p), s.at(1000), 200);
    return n < 0 ? n : s.text(1000, n);
  };
  const read = (p: string): string | number => {
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, p), O.RDONLY);
    if (fd < 0) return fd;
    const n = sys(g, 'read', fd, s.at(4096), 60000);
    sys(g, 'close', fd);
    return n < 0 ? n : s.text(4096, n);
  };
  /** st_mode and st_size of newfstatat */
  const stat = (p: string, flags = 0): [number, number] | number => {
    const r = sys(g, 'newfstatat', AT_FDCWD, s.str(0, p), s.at(2000), flags);
    return r < 0 ? r : [g.mem.u32(s.at(2016)), Number(g.mem.u64(s.at(2048)))];
  };
  return { g, s, link, read, stat };
}

describe('/proc of the run\'s own process', () => {
  it('self and thread-self are links to the process and its thread; exe, cwd and root link where they are', () => {
    const { g, link, stat } = guest();
    expect(link('/proc/self')).toBe('4321');
    expect(link('/proc/thread-self')).toBe('4321/task/4321');
    expect(link('/proc/self/exe')).toBe('/usr/bin/prog');
    expect(link('/proc/4321/cwd')).toBe(g.cwd);
    expect(link('/proc/thread-self/root')).toBe('/');
    expect(link('/proc/self/cmdline')).toBe(-E.EINVAL); // not a link
    expect(stat('/proc/self', AT_SYMLINK_NOFOLLOW)).toEqual([0o120777, 0]);
    expect(stat('/proc/self')).toEqual([0o40555, 0]);
    expect(stat('/proc/self/cmdline')).toEqual([0o100444, 0]);
    expect(stat('/proc/4322')).toBe(-E.ENOENT); // no such process in the run: the host's (none here)
  });

  it('cmdline, environ, comm, stat and status hold the process as Linux lays them out', () => {
    const { read } = guest();
    expect(read('/proc/self/cmdline')).toBe('prog\0one\0two words\0');
    expect(read('/proc/self/environ')).toBe('A=1\0');
    expect(read('/proc/self/comm')).toBe('prog\n');
    const stat = String(read('/proc/self/stat')).trimEnd().split(' ');
    expect(stat.slice(0, 5)).toEqual(['4321', '(prog)', 'R', '1', '4321']);
    expect(stat).toHaveLength(52);
    const status = String(read('/proc/self/status'));
    expect(status).toMatch(/^Name:\tprog\n/);
    expect(status).toContain('\nPid:\t4321\n');
    expect(status).toContain('\nUid:\t7\t7\t7\t7\n');
    expect(status).toContain('\nSigBlk:\t0000000000000000\n');
  });

  it('status names ignored and caught signals; maps has the stack; fd lists the open fds', () => {
    const { g, s, read } = guest();
    g.signals.setAction(2, { handler: 1n, flags: 0n, restorer: 0n, mask: 0n }); // SIGINT ignored
    g.signals.setAction(10, { handler: 0x401000n, flags: 0n, restorer: 0n, mask: 0n }); // SIGUSR1 caught
    const status = String(read('/proc/self/status'));
    expect(status).toContain('\nSigIgn:\t0000000000000002\n');
    expect(status).toContain('\nSigCgt:\t0000000000000200\n');
    expect(String(read('/proc/self/maps'))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8} rw-p 00000000 00:00 0 +\[stack\]$/m);
    const dir = sys(g, 'openat', AT_FDCWD, s.str(0, '/proc/self/fd'), O.RDONLY | O.DIRECTORY);
    expect(dir).toBeGreaterThan(2);
    expect(listing(g, s, dir)).toEqual(['.', '..', '0', '1', '2', String(dir)]);
  });

  it('a host without a /proc (a browser\'s file system) gets one that lists the run\'s processes', () => {
    const g = makeGuest({ pid: 77, root: dir() });
    const s = scratch(g);
    expect(sys(g, 'newfstatat', AT_FDCWD, s.str(0, '/proc'), s.at(2000), 0)).toBe(0);
    expect(g.mem.u32(s.at(2016))).toBe(0o40555);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, '/proc'), O.RDONLY | O.DIRECTORY);
    expect(listing(g, s, fd)).toEqual(['.', '..', 'self', 'thread-self', '77']);
    const n = sys(g, 'readlinkat', AT_FDCWD, s.str(0, '/proc/self/exe'), s.at(1000), 200);
    expect(s.text(1000, n)).toBe('/usr/bin/prog');
  });

  it('entries are read-only and cannot be made', () => {
    const { g, s } = guest();
    expect(sys(g, 'openat', AT_FDCWD, s.str(0, '/proc/self/status'), O.WRONLY)).toBe(-E.EACCES);
    expect(sys(g, 'openat', AT_FDCWD, s.str(0, '/proc/self/cmdline'), O.RDONLY | O.DIRECTORY)).toBe(-E.ENOTDIR);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, '/proc/self/status'), 2)).toBe(-E.EACCES);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, '/proc/self/status'), 4)).toBe(0);
  });

  it('comm takes a new name, as prctl(PR_SET_NAME) does: 15 bytes at most, up to a NUL', () => {
    const { g, s, read, stat } = guest();
    expect(stat('/proc/self/comm')).toEqual([0o100644, 0]);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, '/proc/self/comm'), O.WRONLY);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(sys(g, 'write', fd, s.str(100, 'a-name-longer-than-fifteen'), 26)).toBe(26);
    expect(read('/proc/self/comm')).toBe('a-name-longer-t\n');
    expect(sys(g, 'write', fd, s.str(100, 'ab\0cd'), 5)).toBe(5);
    expect(sys(g, 'prctl', 16 /* PR_GET_NAME */, s.at(200))).toBe(0);
    expect(g.mem.cstring(BigInt(s.at(200)))).toBe('ab');
    expect(read('/proc/self/stat')).toMatch(/^4321 \(ab\) /);
    sys(g, 'close', fd);
  });
});
