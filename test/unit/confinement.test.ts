// A confined guest (elf2wasm run --root/--mount/--no-host-fs: src/node/namespace.ts) cannot reach
// outside its namespace, whatever path it builds: "..", absolute and relative symbolic links (its
// own and the tree's), /proc/self/root and /proc/self/cwd, directory fds; links and renames
// across mounts are EXDEV and read-only mounts refuse every change with EROFS, as on Linux.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeFileHost } from '../../src/node/file-host.ts';
import { Namespace, parseMount } from '../../src/node/namespace.ts';
import { E } from '../../src/runtime/errno.ts';
import type { Guest } from '../../src/runtime/guest.ts';
import { guestsInTempDir, scratch, sys } from '../helpers/runtime-fixtures.ts';

const { makeGuest, dir } = guestsInTempDir();
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, DIRECTORY: 0o40000, NOFOLLOW: 0o100000 };

interface Tree { root: string; outside: string; ro: string; rw: string }

function makeTree(): Tree {
  const d = fs.mkdtempSync(path.join(dir(), 'ns-'));
  const t = { root: path.join(d, 'root'), outside: path.join(d, 'outside'), ro: path.join(d, 'ro'), rw: path.join(d, 'rw') };
  for (const p of Object.values(t)) fs.mkdirSync(p);
  fs.writeFileSync(path.join(t.outside, 'secret.txt'), 'SECRET\n');
  fs.mkdirSync(path.join(t.root, 'etc'));
  fs.writeFileSync(path.join(t.root, 'etc/passwd'), 'decoy\n');
  fs.symlinkSync('/etc/passwd', path.join(t.root, 'abs'));
  fs.symlinkSync(path.join(t.outside, 'secret.txt'), path.join(t.root, 'abs-out'));
  fs.symlinkSync(`${'../'.repeat(12)}${t.outside.slice(1)}/secret.txt`, path.join(t.root, 'rel-out'));
  fs.symlinkSync(t.outside, path.join(t.root, 'dir-out'));
  fs.symlinkSync('..', path.join(t.root, 'etc/up'));
  fs.symlinkSync('../../../..', path.join(t.root, 'etc/way-up'));
  fs.symlinkSync('loop', path.join(t.root, 'loop'));
  fs.writeFileSync(path.join(t.ro, 'file.txt'), 'read only\n');
  return t;
}

function confined(t: Tree): { g: Guest; s: ReturnType<typeof scratch>; open: (p: string, flags?: number, dirfd?: number) => number; read: (p: string) => string | number } {
  const ns = new Namespace([{ guest: '/', host: t.root }, parseMount(`/ro=${t.ro}:ro`), parseMount(`/mnt/rw=${t.rw}`), parseMount(`/etc/hosts=${t.outside}/secret.txt`)]);
  const g = makeGuest({ fileHost: new NodeFileHost([0, 1, 2], ns.mapPath), cwd: '/' });
  const s = scratch(g);
  const open = (p: string, flags = O.RDONLY, dirfd = AT_FDCWD): number => sys(g, 'openat', dirfd, s.str(0, p), flags, 0o644);
  const read = (p: string): string | number => {
    const fd = open(p);
    if (fd < 0) return fd;
    const n = sys(g, 'read', fd, s.at(8192), 4096);
    sys(g, 'close', fd);
    return s.text(8192, n);
  };
  return { g, s, open, read };
}

describe('a confined guest (--root DIR, --mount GUEST=HOST[:ro])', () => {
  it('sees DIR as "/" and nothing above it, through "..", symbolic links and /proc', () => {
    const t = makeTree();
    const { g, s, open, read } = confined(t);
    const secret = `${t.outside}/secret.txt`;
    expect(read('/etc/passwd')).toBe('decoy\n');
    expect(read('/abs')).toBe('decoy\n'); // an absolute link starts at the guest's root
    expect(read('/etc/up/etc/up/etc/passwd')).toBe('decoy\n');
    expect(read('/etc/way-up/etc/passwd')).toBe('decoy\n'); // ".." in a link stops at the root
    for (const p of [secret, `/../../../..${secret}`, '/abs-out', '/rel-out', '/dir-out/secret.txt', `/proc/self/root${secret}`, `/proc/self/cwd/../..${secret}`]) {
      expect(read(p), p).toBe(-E.ENOENT);
    }
    expect(read('/loop')).toBe(-E.ELOOP);
    // a file mount shows that file, and cannot be removed through the guest
    expect(read('/etc/hosts')).toBe('SECRET\n');
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, '/etc/hosts'), 0)).toBe(-E.EBUSY);
    // directory fds: relative paths from a directory go no higher than the root either
    const etc = open('/etc', O.DIRECTORY);
    expect(etc).toBeGreaterThan(2);
    expect(open(`../../../../..${secret}`, O.RDONLY, etc)).toBe(-E.ENOENT);
    expect(open('../etc/passwd', O.RDONLY, etc)).toBeGreaterThan(2);
    // a link the guest makes is resolved in its namespace too, and readlink shows what it wrote
    expect(sys(g, 'symlinkat', s.str(0, secret), AT_FDCWD, s.str(1000, '/mine'))).toBe(0);
    expect(fs.readlinkSync(path.join(t.root, 'mine'))).toBe(secret);
    expect(read('/mine')).toBe(-E.ENOENT);
    expect(sys(g, 'readlinkat', AT_FDCWD, s.str(0, '/abs-out'), s.at(2000), 200)).toBe(secret.length);
    expect(s.text(2000, secret.length)).toBe(secret);
    // the root's parent is the root; chdir cannot leave it
    expect(sys(g, 'chdir', s.str(0, '/..'))).toBe(0);
    expect(sys(g, 'getcwd', s.at(2000), 200)).toBe(2);
    expect(read('etc/passwd')).toBe('decoy\n');
    // metadata of links, not of what is outside
    expect(sys(g, 'newfstatat', AT_FDCWD, s.str(0, '/abs-out'), s.at(4096), AT_SYMLINK_NOFOLLOW)).toBe(0);
    expect(sys(g, 'newfstatat', AT_FDCWD, s.str(0, '/abs-out'), s.at(4096), 0)).toBe(-E.ENOENT);
    expect(fs.readFileSync(secret, 'utf8')).toBe('SECRET\n');
  });

  it('a read-only mount refuses every change with EROFS; links and renames across mounts are EXDEV', () => {
    const t = makeTree();
    const { g, s, open, read } = confined(t);
    expect(read('/ro/file.txt')).toBe('read only\n');
    expect(open('/ro/file.txt', O.WRONLY)).toBe(-E.EROFS);
    expect(open('/ro/file.txt', O.RDWR)).toBe(-E.EROFS);
    expect(open('/ro/new', O.WRONLY | O.CREAT)).toBe(-E.EROFS);
    const two = (name: string, a: string, b: string, ...rest: number[]): number => sys(g, name, AT_FDCWD, s.str(0, a), AT_FDCWD, s.str(1000, b), ...rest);
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, '/ro/file.txt'), 0)).toBe(-E.EROFS);
    expect(sys(g, 'mkdirat', AT_FDCWD, s.str(0, '/ro/d'), 0o755)).toBe(-E.EROFS);
    // a mount point cannot be removed, renamed or replaced (EBUSY), whatever the mount
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, '/ro'), AT_REMOVEDIR)).toBe(-E.EBUSY);
    expect(sys(g, 'unlinkat', AT_FDCWD, s.str(0, '/mnt/rw'), AT_REMOVEDIR)).toBe(-E.EBUSY);
    expect(two('renameat', '/mnt/rw', '/elsewhere')).toBe(-E.EBUSY);
    expect(two('renameat', '/etc/passwd', '/mnt/rw')).toBe(-E.EBUSY);
    expect(sys(g, 'fchmodat', AT_FDCWD, s.str(0, '/ro/file.txt'), 0o777)).toBe(-E.EROFS);
    expect(sys(g, 'utimensat', AT_FDCWD, s.str(0, '/ro/file.txt'), 0, 0)).toBe(-E.EROFS);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, '/ro/file.txt'), 2)).toBe(-E.EROFS);
    expect(sys(g, 'truncate', s.str(0, '/ro/file.txt'), 0)).toBe(-E.EROFS);
    expect(sys(g, 'symlinkat', s.str(0, '/x'), AT_FDCWD, s.str(1000, '/ro/link'))).toBe(-E.EROFS);
    expect(two('renameat', '/ro/file.txt', '/stolen')).toBe(-E.EROFS);
    expect(two('linkat', '/ro/file.txt', '/mnt/rw/l', 0)).toBe(-E.EROFS);
    // nor through an fd opened for reading there
    const rd = open('/ro/file.txt');
    expect(rd).toBeGreaterThan(2);
    expect(sys(g, 'fchmod', rd, 0o777)).toBe(-E.EROFS);
    expect(sys(g, 'fchown', rd, 0, 0)).toBe(-E.EROFS);
    expect(sys(g, 'utimensat', rd, 0, 0, 0)).toBe(-E.EROFS);
    expect(fs.statSync(path.join(t.ro, 'file.txt')).mode & 0o777).toBe(0o644);
    // rw mount: writes work there, but nothing moves or links across the boundary
    const fd = open('/mnt/rw/new.txt', O.WRONLY | O.CREAT);
    expect(fd).toBeGreaterThan(2);
    expect(sys(g, 'write', fd, s.str(0, 'hi'), 2)).toBe(2);
    expect(fs.readFileSync(path.join(t.rw, 'new.txt'), 'utf8')).toBe('hi');
    expect(two('renameat', '/mnt/rw/new.txt', '/new.txt')).toBe(-E.EXDEV);
    expect(two('renameat', '/etc/passwd', '/mnt/rw/passwd')).toBe(-E.EXDEV);
    expect(two('linkat', '/etc/passwd', '/mnt/rw/passwd', 0)).toBe(-E.EXDEV);
    expect(two('renameat', '/etc/passwd', '/etc/passwd2')).toBe(0);
    expect(fs.readFileSync(path.join(t.ro, 'file.txt'), 'utf8')).toBe('read only\n');
    expect(fs.readdirSync(t.ro)).toEqual(['file.txt']);
  });

  it('maps host paths back for the working directory; parses --mount', () => {
    const t = makeTree();
    const ns = new Namespace([{ guest: '/', host: t.root }, parseMount(`/data=${t.rw}:ro`)]);
    expect(ns.guestPathOf(path.join(t.root, 'etc'))).toBe('/etc');
    expect(ns.guestPathOf(path.join(t.rw, 'x/y'))).toBe('/data/x/y');
    expect(ns.guestPathOf(t.outside)).toBeUndefined();
    expect(parseMount('/a/b/=/tmp/../srv:ro')).toEqual({ guest: '/a/b', host: '/srv', readonly: true });
    expect(parseMount('/a=rel')).toMatchObject({ host: path.resolve('rel'), readonly: false });
    expect(() => parseMount('a=/srv')).toThrow(/absolute/);
    expect(() => parseMount('/a')).toThrow(/GUEST=HOST/);
    expect(() => new Namespace([{ guest: '/a', host: '/srv' }])).toThrow(/"\/"/);
  });
});
