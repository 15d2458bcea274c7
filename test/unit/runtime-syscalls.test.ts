// Syscalls through a Guest bound to real node:wasi over a hand-made memory (a tiny Wasm module
// that only exports its memory), against a temporary directory.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E } from '../../src/runtime/errno.ts';

import { guestsInTempDir, scratch, sys } from '../helpers/runtime-fixtures.ts';

const { makeGuest, dir } = guestsInTempDir();

const AT_FDCWD = -100;
const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000, DIRECTORY: 0o40000, CLOEXEC: 0o2000000 };

describe('file syscalls through node:wasi', () => {
  it('creates, writes, reads, seeks, stats and unlinks a file', () => {
    const g = makeGuest();
    const s = scratch(g);
    const name = s.str(0, 'f.txt');
    const fd = sys(g, 'openat', AT_FDCWD, name, O.CREAT | O.WRONLY | O.TRUNC, 0o644);
    expect(fd).toBe(3);
    const data = s.str(100, 'hello world');
    expect(sys(g, 'write', fd, data, 11)).toBe(11);
    expect(sys(g, 'read', fd, s.at(200), 5)).toBe(-E.EBADF); // write-only
    expect(sys(g, 'close', fd)).toBe(0);
    expect(sys(g, 'close', fd)).toBe(-E.EBADF);
    expect(fs.readFileSync(path.join(dir(), 'f.txt'), 'utf8')).toBe('hello world');

    // ".." leaves a directory that must exist, as Linux walks the path
    expect(sys(g, 'openat', AT_FDCWD, s.str(0, `${dir()}/./nosuch/../f.txt`), O.RDONLY)).toBe(-E.ENOENT);
    expect(sys(g, 'openat', AT_FDCWD, s.str(0, `${dir()}/f.txt/../f.txt`), O.RDONLY)).toBe(-E.ENOTDIR);
    const rd = sys(g, 'openat', AT_FDCWD, s.str(0, `${dir()}/./f.txt`), O.RDONLY);
    expect(rd).toBe(3);
    expect(sys(g, 'unlinkat', AT_FDCWD, name, 0)).toBe(0);
    expect(fs.existsSync(path.join(dir(), 'f.txt'))).toBe(false);
    // the open file stays readable after unlink
    expect(sys(g, 'read', rd, s.at(200), 20)).toBe(11);
  });

  it('resolves "..", reads back, lseeks, preads and fstats', () => {
    fs.writeFileSync(path.join(dir(), 'g.txt'), 'hello world');
    fs.mkdirSync(path.join(dir(), 'sub'), { recursive: true });
    const g = makeGuest();
    const s = scratch(g);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, `${dir()}/./sub/../g.txt`), O.RDONLY);
    expect(fd).toBe(3);
    expect(sys(g, 'read', fd, s.at(200), 5)).toBe(5);
    expect(s.text(200, 5)).toBe('hello');
    expect(sys(g, 'write', fd, s.at(200), 1)).toBe(-E.EBADF);
    expect(sys(g, 'lseek', fd, 0, 1)).toBe(5);
    expect(sys(g, 'lseek', fd, -2, 2)).toBe(9);
    expect(sys(g, 'read', fd, s.at(200), 100)).toBe(2);
    expect(s.text(200, 2)).toBe('ld');
    expect(sys(g, 'read', fd, s.at(200), 100)).toBe(0);
    expect(sys(g, 'pread64', fd, s.at(300), 4, 1)).toBe(4);
    expect(s.text(300, 4)).toBe('ello');
    expect(sys(g, 'lseek', fd, 0, 7)).toBe(-E.EINVAL);
    const st = s.at(400);
    expect(sys(g, 'fstat', fd, st)).toBe(0);
    const host = fs.statSync(path.join(dir(), 'g.txt'), { bigint: true });
    expect(g.mem.u64(st + 8)).toBe(host.ino); // st_ino
    expect(g.mem.u32(st + 16)).toBe(0o100644); // st_mode
    expect(g.mem.i64(st + 48)).toBe(11n); // st_size
    expect(g.mem.i32(st + 56)).toBe(4096); // st_blksize
    expect(g.mem.i64(st + 64)).toBe(1n); // st_blocks
    expect(g.mem.i64(st + 88)).toBe(host.mtimeNs / 1_000_000_000n); // st_mtime
    expect(g.mem.u32(st + 24)).toBe(1000); // st_uid: the guest's uid
    expect(sys(g, 'close', fd)).toBe(0);

    // newfstatat on a directory, relative to a dirfd, and AT_EMPTY_PATH
    const dfd = sys(g, 'openat', AT_FDCWD, s.str(0, dir()), O.RDONLY | O.DIRECTORY);
    expect(sys(g, 'newfstatat', dfd, s.str(0, 'sub'), st, 0)).toBe(0);
    expect(g.mem.u32(st + 16)).toBe(0o040755);
    expect(sys(g, 'newfstatat', dfd, s.str(0, ''), st, 0x1000)).toBe(0);
    expect(g.mem.u32(st + 16)).toBe(0o040755);
    expect(sys(g, 'newfstatat', dfd, s.str(0, ''), st, 0)).toBe(-E.ENOENT);
    expect(sys(g, 'newfstatat', dfd, s.str(0, 'g.txt/'), st, 0)).toBe(-E.ENOTDIR);
    const fd2 = sys(g, 'openat', dfd, s.str(0, 'g.txt'), O.RDONLY);
    expect(fd2).toBe(4);
    expect(sys(g, 'statx', fd2, s.str(0, ''), 0x1000, 0x7ff, st)).toBe(0);
    expect(g.mem.u32(st)).toBe(0x7ff);
    expect(g.mem.u16(st + 28)).toBe(0o100644);
    expect(g.mem.u64(st + 40)).toBe(11n);
    expect(sys(g, 'openat', dfd, s.str(0, 'g.txt'), O.RDONLY | O.DIRECTORY)).toBe(-E.ENOTDIR);
    expect(sys(g, 'openat', dfd, s.str(0, 'g.txt'), O.CREAT | O.EXCL | O.WRONLY, 0o644)).toBe(-E.EEXIST);
  });

  it('lists directories with getdents64, including . and ..', () => {
    const d = path.join(dir(), 'list');
    fs.mkdirSync(d);
    for (const n of ['a', 'bb', 'ccc']) fs.writeFileSync(path.join(d, n), n);
    fs.mkdirSync(path.join(d, 'dir'));
    const g = makeGuest();
    const s = scratch(g);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, d), O.RDONLY | O.DIRECTORY | O.CLOEXEC);
    expect(sys(g, 'fcntl', fd, 1)).toBe(1); // FD_CLOEXEC
    const names: [string, number][] = [];
    // a small buffer forces several calls
    for (;;) {
      const n = sys(g, 'getdents64', fd, s.at(1000), 64);
      expect(n).toBeGreaterThanOrEqual(0);
      if (n === 0) break;
      for (let off = 0; off < n; ) {
        const p = s.at(1000 + off);
        const reclen = g.mem.u16(p + 16);
        expect(g.mem.u64(p)).not.toBe(0n); // d_ino
        names.push([g.mem.cstring(p + 19), g.mem.u8At(p + 18)]);
        off += reclen;
      }
    }
    expect(names.sort()).toEqual([['.', 4], ['..', 4], ['a', 8], ['bb', 8], ['ccc', 8], ['dir', 4]]);
    expect(sys(g, 'getdents64', fd, s.at(1000), 10)).toBe(0);
    expect(sys(g, 'lseek', fd, 0, 0)).toBe(0);
    expect(sys(g, 'getdents64', fd, s.at(1000), 10)).toBe(-E.EINVAL); // buffer too small
    const file = sys(g, 'openat', AT_FDCWD, s.str(0, `${d}/a`), O.RDONLY);
    expect(sys(g, 'getdents64', file, s.at(1000), 4096)).toBe(-E.ENOTDIR);
  });

  it('mkdir, rename, unlink, rmdir, access, readlink, cwd', () => {
    const g = makeGuest();
    const s = scratch(g);
    expect(sys(g, 'mkdirat', AT_FDCWD, s.str(0, 'made'), 0o755)).toBe(0);
    expect(fs.statSync(path.join(dir(), 'made')).isDirectory()).toBe(true);
    expect(sys(g, 'mkdirat', AT_FDCWD, s.str(0, 'made'), 0o755)).toBe(-E.EEXIST);
    expect(sys(g, 'chdir', s.str(0, 'made'))).toBe(0);
    expect(sys(g, 'getcwd', s.at(500), 4096)).toBe(`${dir()}/made`.length + 1);
    expect(g.mem.cstring(s.at(500))).toBe(`${dir()}/made`);
    expect(sys(g, 'getcwd', s.at(500), 3)).toBe(-E.ERANGE);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, 'x'), O.CREAT | O.RDWR, 0o600);
    expect(fs.existsSync(path.join(dir(), 'made', 'x'))).toBe(true);
    expect(sys(g, 'close', fd)).toBe(0);
    expect(sys(g, 'renameat', AT_FDCWD, s.str(0, 'x'), AT_FDCWD, s.str(100, '../y'))).toBe(0);
    expect(fs.existsSync(path.join(dir(), 'y'))).toBe(true);
    expect(sys(g, 'renameat2', AT_FDCWD, s.str(0, '../y'), AT_FDCWD, s.str(100, '../g2'), 0)).toBe(0);
    fs.writeFileSync(path.join(dir(), 'g3'), '');
    expect(sys(g, 'renameat2', AT_FDCWD, s.str(0, '../g2'), AT_FDCWD, s.str(100, '../g3'), 1)).toBe(-E.EEXIST);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, '../g2'), 4)).toBe(0);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, '../nope'), 0)).toBe(-E.ENOENT);
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, '../g2'), 0)).toBe(0);
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, '../g2'), 0)).toBe(-E.ENOENT);
    expect(sys(g, 'chdir', s.str(0, '..'))).toBe(0);
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, 'made'), 0)).toBe(-E.EISDIR);
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, 'made'), 0x200)).toBe(0);
    expect(fs.existsSync(path.join(dir(), 'made'))).toBe(false);
    expect(sys(g, 'chdir', s.str(0, 'g3'))).toBe(-E.ENOTDIR);
    const n = sys(g, 'readlinkat', AT_FDCWD, s.str(0, '/proc/self/exe'), s.at(500), 100);
    expect(s.text(500, n)).toBe('/usr/bin/prog');
    expect(sys(g, 'readlinkat', AT_FDCWD, s.str(0, '/proc/self/exe'), s.at(500), 4)).toBe(4);
    fs.symlinkSync('g3', path.join(dir(), 'lnk'));
    const m = sys(g, 'readlinkat', AT_FDCWD, s.str(0, 'lnk'), s.at(500), 100);
    expect(s.text(500, m)).toBe('g3');
    expect(sys(g, 'readlinkat', AT_FDCWD, s.str(0, 'g3'), s.at(500), 100)).toBe(-E.EINVAL);
    const st = s.at(600);
    expect(sys(g, 'newfstatat', AT_FDCWD, s.str(0, 'lnk'), st, 0x100)).toBe(0);
    expect(g.mem.u32(st + 16) & 0o170000).toBe(0o120000);
    expect(sys(g, 'newfstatat', AT_FDCWD, s.str(0, 'lnk'), st, 0)).toBe(0);
    expect(g.mem.u32(st + 16) & 0o170000).toBe(0o100000);
  });

  it('dup, dup3, fcntl and the lowest-free-fd rule', () => {
    const g = makeGuest();
    const s = scratch(g);
    const p = s.str(0, 'dups');
    const a = sys(g, 'openat', AT_FDCWD, p, O.CREAT | O.WRONLY | O.APPEND, 0o644);
    expect(a).toBe(3);
    expect(sys(g, 'dup', a)).toBe(4);
    expect(sys(g, 'fcntl', a, 0, 10)).toBe(10); // F_DUPFD
    expect(sys(g, 'fcntl', a, 1030, 0)).toBe(5); // F_DUPFD_CLOEXEC
    expect(sys(g, 'fcntl', 5, 1)).toBe(1);
    expect(sys(g, 'fcntl', a, 3) & 0o2003).toBe(O.WRONLY | O.APPEND); // F_GETFL
    expect(sys(g, 'dup3', a, 20, O.CLOEXEC)).toBe(20);
    expect(sys(g, 'dup3', a, a, 0)).toBe(-E.EINVAL);
    expect(sys(g, 'close', a)).toBe(0);
    // the shared open file stays usable through the other fds
    expect(sys(g, 'write', 4, s.str(100, 'ab'), 2)).toBe(2);
    expect(sys(g, 'write', 20, s.str(100, 'cd'), 2)).toBe(2);
    expect(fs.readFileSync(path.join(dir(), 'dups'), 'utf8')).toBe('abcd');
    expect(sys(g, 'openat', AT_FDCWD, p, O.RDONLY)).toBe(3);
    expect(sys(g, 'ioctl', 3, 0x5401, s.at(200))).toBe(-E.ENOTTY); // TCGETS on a file
    expect(sys(g, 'ioctl', 3, 0x5413, s.at(200))).toBe(-E.ENOTTY); // TIOCGWINSZ
    expect(sys(g, 'fcntl', 99, 1)).toBe(-E.EBADF);
    expect(sys(g, 'close_range', 3, 100, 0)).toBe(0);
    expect(sys(g, 'fcntl', 20, 1)).toBe(-E.EBADF);
  });

  it('reports a terminal only where the host says so', () => {
    const g = makeGuest({ isatty: (fd) => fd === 1, winsize: { rows: 50, cols: 132 } });
    const s = scratch(g);
    expect(sys(g, 'ioctl', 1, 0x5401, s.at(0))).toBe(0);
    expect(g.mem.u32(s.at(12)) & 2).toBe(2); // ICANON
    expect(sys(g, 'ioctl', 1, 0x5413, s.at(0))).toBe(0);
    expect([g.mem.u16(s.at(0)), g.mem.u16(s.at(2))]).toEqual([50, 132]);
    expect(sys(g, 'ioctl', 0, 0x5401, s.at(0))).toBe(-E.ENOTTY);
  });

  it('writes to stdout through the host fd', () => {
    const out = path.join(dir(), 'stdout.txt');
    const hostFd = fs.openSync(out, 'w');
    try {
      const g = makeGuest({ stdout: hostFd });
      const s = scratch(g);
      expect(sys(g, 'write', 1, s.str(0, 'one '), 4)).toBe(4);
      // writev with two iovecs
      const iov = s.at(100);
      g.mem.setU64(iov, s.str(200, 'two '));
      g.mem.setU64(iov + 8, 4);
      g.mem.setU64(iov + 16, s.str(300, 'three\n'));
      g.mem.setU64(iov + 24, 6);
      expect(sys(g, 'writev', 1, iov, 2)).toBe(10);
      expect(fs.readFileSync(out, 'utf8')).toBe('one two three\n');
    } finally {
      fs.closeSync(hostFd);
    }
  });

  it('maps files with mmap', () => {
    const content = 'x'.repeat(5000) + 'END';
    fs.writeFileSync(path.join(dir(), 'm.bin'), content);
    const g = makeGuest();
    const s = scratch(g);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, 'm.bin'), O.RDONLY);
    const addr = sys(g, 'mmap', 0, 8192, 1, 2, fd, 0);
    expect(addr).toBeGreaterThan(0);
    expect(new TextDecoder().decode(g.mem.read(addr + 4998, 5))).toBe('xxEND');
    expect(g.mem.u8At(addr + 5003)).toBe(0);
    const off = sys(g, 'mmap', 0, 4096, 1, 2, fd, 4096);
    expect(new TextDecoder().decode(g.mem.read(off + 904, 3))).toBe('END');
    expect(sys(g, 'mmap', 0, 4096, 3, 1, fd, 0)).toBe(-E.EACCES); // shared writable on O_RDONLY
    expect(sys(g, 'mmap', 0, 4096, 1, 2, fd, 100)).toBe(-E.EINVAL);
    expect(sys(g, 'munmap', addr, 8192)).toBe(0);
  });

  it('fadvise64: valid advice on a file does nothing and succeeds; a pipe, a bad fd or bad advice fail as on Linux (wc and cut give it)', () => {
    fs.writeFileSync(path.join(dir(), 'a.txt'), 'abc');
    const g = makeGuest();
    const s = scratch(g);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, 'a.txt'), O.RDONLY);
    expect(sys(g, 'fadvise64', fd, 0, 0, 2)).toBe(0); // POSIX_FADV_SEQUENTIAL over the whole file
    expect(sys(g, 'fadvise64', fd, 0, 0, 6)).toBe(-E.EINVAL);
    expect(sys(g, 'fadvise64', fd, 0, -1, 0)).toBe(-E.EINVAL);
    expect(sys(g, 'fadvise64', 99, 0, 0, 0)).toBe(-E.EBADF);
    expect(sys(g, 'pipe2', s.at(100), 0)).toBe(0);
    expect(sys(g, 'fadvise64', g.mem.i32(s.at(100)), 0, 0, 2)).toBe(-E.ESPIPE);
  });

  it('extended attributes: the file is looked up, then it has none (ls -l, libacl and libselinux ask for them)', () => {
    fs.writeFileSync(path.join(dir(), 'x.txt'), 'x');
    const g = makeGuest();
    const s = scratch(g);
    const file = s.str(0, 'x.txt');
    const missing = s.str(100, 'no-such-file');
    const acl = s.str(200, 'system.posix_acl_access');
    const buf = s.at(1000);
    expect(sys(g, 'getxattr', file, acl, 0, 0)).toBe(-E.ENODATA);
    expect(sys(g, 'lgetxattr', file, s.str(300, 'security.selinux'), buf, 255)).toBe(-E.ENODATA);
    expect(sys(g, 'getxattr', missing, acl, 0, 0)).toBe(-E.ENOENT);
    expect(sys(g, 'listxattr', file, buf, 256)).toBe(0);
    expect(sys(g, 'llistxattr', missing, buf, 256)).toBe(-E.ENOENT);
    const fd = sys(g, 'openat', AT_FDCWD, file, O.RDONLY);
    expect(sys(g, 'fgetxattr', fd, acl, buf, 64)).toBe(-E.ENODATA);
    expect(sys(g, 'flistxattr', fd, buf, 256)).toBe(0);
    expect(sys(g, 'fgetxattr', 99, acl, buf, 64)).toBe(-E.EBADF);
    // nowhere to keep one: refused as by a file system without them
    expect(sys(g, 'setxattr', file, s.str(400, 'user.note'), s.str(500, 'v'), 1, 0)).toBe(-E.EOPNOTSUPP);
    expect(sys(g, 'fsetxattr', fd, s.str(400, 'user.note'), s.str(500, 'v'), 1, 0)).toBe(-E.EOPNOTSUPP);
    expect(sys(g, 'removexattr', file, s.str(400, 'user.note'))).toBe(-E.ENODATA);
    // Linux's checks of the name: 1..255 bytes, in a known namespace, not the namespace alone
    expect(sys(g, 'getxattr', file, s.str(400, ''), buf, 64)).toBe(-E.ERANGE);
    expect(sys(g, 'getxattr', file, s.str(400, `user.${'n'.repeat(251)}`), buf, 64)).toBe(-E.ERANGE);
    expect(sys(g, 'getxattr', file, s.str(400, `user.${'n'.repeat(250)}`), buf, 64)).toBe(-E.ENODATA);
    expect(sys(g, 'getxattr', file, s.str(400, 'nonamespace'), buf, 64)).toBe(-E.EOPNOTSUPP);
    expect(sys(g, 'getxattr', file, s.str(400, 'user.'), buf, 64)).toBe(-E.EINVAL);
    expect(sys(g, 'getxattr', file, 8, buf, 64)).toBe(-E.EFAULT);
  });
});

describe('pointer checks', () => {
  it('returns -EFAULT for bad pointers instead of throwing', () => {
    const g = makeGuest();
    const s = scratch(g);
    const size = g.mem.size;
    expect(sys(g, 'write', 1, 0, 5)).toBe(-E.EFAULT); // NULL
    expect(sys(g, 'write', 1, 0x1000, 5)).toBe(-E.EFAULT); // the CPU state block is not guest memory
    expect(sys(g, 'write', 1, size - 2, 5)).toBe(-E.EFAULT);
    expect(sys(g, 'read', 0, 2 ** 40, 5)).toBe(-E.EFAULT);
    expect(sys(g, 'openat', AT_FDCWD, size + 100, 0)).toBe(-E.EFAULT);
    g.mem.bytes().fill(0x41, size - 16, size); // a string running into the end of memory
    expect(sys(g, 'openat', AT_FDCWD, size - 16, 0)).toBe(-E.EFAULT);
    g.mem.bytes().fill(0x41, s.at(0), s.at(5000));
    expect(sys(g, 'openat', AT_FDCWD, s.at(0), 0)).toBe(-E.ENAMETOOLONG);
    expect(sys(g, 'clock_gettime', 0, 0x10)).toBe(-E.EFAULT);
    expect(sys(g, 'uname', size - 100)).toBe(-E.EFAULT);
    expect(sys(g, 'fstat', 1, size - 64)).toBe(-E.EFAULT);
    expect(sys(g, 'getrandom', size - 8, 16, 0)).toBe(-E.EFAULT);
    const iov = s.at(0);
    g.mem.setU64(iov, size - 4);
    g.mem.setU64(iov + 8, 8);
    expect(sys(g, 'writev', 1, iov, 1)).toBe(-E.EFAULT);
    expect(sys(g, 'rt_sigaction', 2, size + 8, 0, 8)).toBe(-E.EFAULT);
  });
});
