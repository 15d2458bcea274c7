// Paths naming the process's own fds (/dev/stdin, /dev/fd/N, /proc/self/fd/N): what they open and
// what readlink says, as Linux (and qemu-aarch64, which passes them to it) shows them. Checked
// under qemu with a C program; the whole-program versions are the devfiles fixture and the bash
// cases '> /dev/stdout' and 'read, then < /dev/stdin' (test/real/cases/bash.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/runtime/errno.ts';
import { guestsInTempDir, scratch, sys } from '../helpers/runtime-fixtures.ts';

const { makeGuest, dir } = guestsInTempDir();
const AT_FDCWD = -100;
const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, TRUNC: 0o1000 };

describe('own fds by path', () => {
  it('readlink: /dev/stdin and /dev/fd are links into /proc/self/fd; a closed fd has no entry', () => {
    const g = makeGuest();
    const s = scratch(g);
    const link = (p: string): string | number => {
      const n = sys(g, 'readlinkat', AT_FDCWD, s.str(0, p), s.at(1000), 200);
      return n < 0 ? n : s.text(1000, n);
    };
    expect(link('/dev/stdin')).toBe('/proc/self/fd/0');
    expect(link('/dev/stderr')).toBe('/proc/self/fd/2');
    expect(link('/dev/fd')).toBe('/proc/self/fd');
    expect(link('/proc/self/fd/99')).toBe(-E.ENOENT);
    expect(link('/dev/fd/99')).toBe(-E.ENOENT);
    expect(sys(g, 'openat', AT_FDCWD, s.str(0, '/dev/fd/99'), O.RDONLY)).toBe(-E.ENOENT);
    expect(sys(g, 'pipe2', s.at(2000), 0)).toBe(0);
    const w = g.mem.i32(s.at(2004));
    expect(link(`/dev/fd/${w}`)).toMatch(/^pipe:\[\d+\]$/);
    expect(link(`/proc/${g.pid}/fd/${w}`)).toBe(link(`/proc/self/fd/${w}`));
  });

  it('lstat: /dev/stdin is the host\'s link even with fd 0 closed; a /proc/self/fd entry is a link with the fd\'s access', () => {
    const g = makeGuest();
    const s = scratch(g);
    const lmode = (p: string): number => {
      const r = sys(g, 'newfstatat', AT_FDCWD, s.str(0, p), s.at(2000), 0x100 /* AT_SYMLINK_NOFOLLOW */);
      return r < 0 ? r : g.mem.u32(s.at(2016));
    };
    expect(lmode('/proc/self/fd/1') & 0o170777).toBe(0o120300); // l-wx------
    expect(sys(g, 'close', 0)).toBe(0);
    expect(lmode('/dev/stdin') & 0o170000).toBe(0o120000);
    expect(lmode('/proc/self/fd/0')).toBe(-E.ENOENT);
  });

  it('> /dev/stdout on a regular file truncates it and writes from the start; fd 1 keeps its offset', () => {
    const out = path.join(dir(), 'stdout.txt');
    const hostFd = fs.openSync(out, 'w');
    try {
      const g = makeGuest({ stdout: hostFd });
      const s = scratch(g);
      expect(sys(g, 'write', 1, s.str(0, 'one\n'), 4)).toBe(4);
      const again = sys(g, 'openat', AT_FDCWD, s.str(100, '/dev/stdout'), O.WRONLY | O.CREAT | O.TRUNC, 0o644);
      expect(again).toBeGreaterThan(2);
      expect(sys(g, 'write', again, s.str(0, 'two\n'), 4)).toBe(4);
      expect(sys(g, 'lseek', again, 0, 1)).toBe(4);
      expect(sys(g, 'write', 1, s.str(0, 'three\n'), 6)).toBe(6);
      // as bash -c 'echo one; echo two > /dev/stdout; echo three' leaves it under qemu
      expect(fs.readFileSync(out, 'utf8')).toBe('two\nthree\n');
    } finally {
      fs.closeSync(hostFd);
    }
  });
});
