// File metadata as Linux reports it. Under Node (NodeFileHost) struct stat/statx must be the
// kernel's own, field for field (node:fs on the same paths is the reference). The program API's
// in-memory file system must evolve as a Linux file system does: the same syscalls run on a real
// directory through the kernel and on the in-memory tree give the same modes, link counts, sizes,
// blocks and owners, and change mtime/ctime at the same steps.
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleStdout, File, OpenFile, WASI } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { NodeFileHost } from '../../src/node/file-host.ts';
import { buildRoot } from '../../src/program/fs.ts';
import { MemFileHost, MetaTable } from '../../src/program/fs-meta.ts';
import { E } from '../../src/runtime/errno.ts';
import { Guest } from '../../src/runtime/guest.ts';
import type { WasiImports } from '../../src/runtime/wasi.ts';
import { guestsInTempDir, MEMORY_MODULE, META, scratch, sys } from '../helpers/runtime-fixtures.ts';

const { makeGuest, dir } = guestsInTempDir();
const hostGuest = (): Guest => makeGuest({ fileHost: new NodeFileHost([0, 1, 2]) });

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const O = { WRONLY: 1, CREAT: 0o100, TRUNC: 0o1000 };
const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

interface Stat { dev: bigint; ino: bigint; mode: number; nlink: number; uid: number; gid: number; rdev: bigint; size: bigint; blksize: number; blocks: bigint; atime: bigint; mtime: bigint; ctime: bigint }

/** struct stat of AArch64 at `at` */
function readStat(g: Guest, at: number): Stat {
  const ns = (off: number): bigint => g.mem.i64(BigInt(at + off)) * 1_000_000_000n + g.mem.i64(BigInt(at + off + 8));
  return {
    dev: g.mem.u64(BigInt(at)), ino: g.mem.u64(BigInt(at + 8)), mode: g.mem.u32(BigInt(at + 16)), nlink: g.mem.u32(BigInt(at + 20)),
    uid: g.mem.u32(BigInt(at + 24)), gid: g.mem.u32(BigInt(at + 28)), rdev: g.mem.u64(BigInt(at + 32)), size: g.mem.i64(BigInt(at + 48)),
    blksize: g.mem.i32(BigInt(at + 56)), blocks: g.mem.i64(BigInt(at + 64)), atime: ns(72), mtime: ns(88), ctime: ns(104),
  };
}

function kernelStat(st: fs.BigIntStats): Stat {
  return {
    dev: st.dev, ino: st.ino, mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid), gid: Number(st.gid), rdev: st.rdev,
    size: st.size, blksize: Number(st.blksize), blocks: st.blocks, atime: st.atimeNs, mtime: st.mtimeNs, ctime: st.ctimeNs,
  };
}

/** A Guest over the program API's in-memory file system (as src/program/execute.ts builds it), cwd /work. */
function memGuest(): Guest {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MEMORY_MODULE), {});
  const table = new MetaTable(owner);
  const root = buildRoot({ '/work/': '' }, '/work', table);
  const fds = [new OpenFile(new File([])), new ConsoleStdout(() => {}), new ConsoleStdout(() => {}), root];
  const wasi = new WASI([], [], fds);
  wasi.inst = instance as unknown as typeof wasi.inst;
  const g = new Guest(instance.exports.memory as WebAssembly.Memory, META, wasi.wasiImport as WasiImports, {
    args: ['prog'], env: {}, cwd: '/work', execPath: '/bin/prog', rootFd: 3, ...owner, fileHost: new MemFileHost(root, table, fds),
  });
  g.start();
  return g;
}

describe('host file metadata (Node FileHost)', () => {
  it('stat, lstat, fstat and statx are the kernel\'s', () => {
    const d = dir();
    const at = (n: string): string => path.join(d, 'meta', n);
    fs.mkdirSync(at('sticky'), { recursive: true });
    fs.chmodSync(at('sticky'), 0o1777);
    fs.writeFileSync(at('plain'), 'hello\n');
    fs.writeFileSync(at('setuid'), '');
    fs.chmodSync(at('setuid'), 0o4751);
    fs.linkSync(at('plain'), at('hard'));
    fs.symlinkSync('plain', at('link'));
    fs.symlinkSync('/no/such/target', at('dangling'));
    fs.utimesSync(at('plain'), 1_600_000_000.25, 1_500_000_000.5);
    const g = hostGuest();
    const s = scratch(g);
    const buf = s.at(4096);
    for (const name of ['plain', 'setuid', 'sticky', 'hard', 'link', 'dangling', '.', '/dev/null']) {
      const p = name.startsWith('/') ? name : at(name);
      s.str(0, p);
      for (const follow of [true, false]) {
        const r = sys(g, 'newfstatat', AT_FDCWD, s.at(0), buf, follow ? 0 : AT_SYMLINK_NOFOLLOW);
        if (follow && name === 'dangling') {
          expect(r).toBe(-E.ENOENT);
          continue;
        }
        expect(r, `${name} follow=${follow}`).toBe(0);
        expect(readStat(g, buf), `${name} follow=${follow}`).toEqual(kernelStat((follow ? fs.statSync : fs.lstatSync)(p, { bigint: true })));
      }
    }
    // statx: the same fields, device numbers split, birth time when the host has one
    s.str(0, at('setuid'));
    expect(sys(g, 'statx', AT_FDCWD, s.at(0), 0, 0xfff, buf)).toBe(0);
    const k = fs.statSync(at('setuid'), { bigint: true });
    expect(g.mem.u16(BigInt(buf + 28))).toBe(Number(k.mode));
    expect(g.mem.u32(BigInt(buf + 20))).toBe(Number(k.uid));
    expect(g.mem.u64(BigInt(buf + 32))).toBe(k.ino);
    expect(g.mem.u32(BigInt(buf + 136)) * 256 + (g.mem.u32(BigInt(buf + 140)) & 0xff)).toBe(Number(k.dev & 0xfffffn));
    if (k.birthtimeNs > 0n) expect(g.mem.u32(BigInt(buf)) & 0x800).toBe(0x800);
    // fstat of an open file, and of one unlinked since (the kernel's inode, WASI's remaining facts)
    s.str(0, at('plain'));
    const fd = sys(g, 'openat', AT_FDCWD, s.at(0), 0);
    expect(sys(g, 'fstat', fd, buf)).toBe(0);
    expect(readStat(g, buf)).toEqual(kernelStat(fs.statSync(at('plain'), { bigint: true })));
    fs.writeFileSync(at('gone'), 'x');
    s.str(0, at('gone'));
    const gone = sys(g, 'openat', AT_FDCWD, s.at(0), 0);
    const ino = fs.statSync(at('gone'), { bigint: true }).ino;
    fs.unlinkSync(at('gone'));
    expect(sys(g, 'fstat', gone, buf)).toBe(0);
    expect(readStat(g, buf).ino).toBe(ino);
    expect(readStat(g, buf).nlink).toBe(0);
  });

  it('creation modes follow the guest umask; chmod, fchmod, access and chown reach the host', () => {
    const d = path.join(dir(), 'modes');
    fs.mkdirSync(d);
    const g = hostGuest();
    const s = scratch(g);
    expect(sys(g, 'umask', 0o027)).toBe(0o022);
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, `${d}/f`), O.CREAT | O.WRONLY, 0o666);
    expect(fd).toBeGreaterThan(2);
    expect(fs.statSync(`${d}/f`).mode).toBe(0o100640);
    expect(sys(g, 'mkdirat', AT_FDCWD, s.str(0, `${d}/sub`), 0o777)).toBe(0);
    expect(fs.statSync(`${d}/sub`).mode).toBe(0o40750);
    expect(sys(g, 'fchmodat', AT_FDCWD, s.str(0, `${d}/f`), 0o4711)).toBe(0);
    expect(fs.statSync(`${d}/f`).mode).toBe(0o104711);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, `${d}/f`), 1)).toBe(0);
    expect(sys(g, 'fchmod', fd, 0o600)).toBe(0);
    expect(fs.statSync(`${d}/f`).mode).toBe(0o100600);
    expect(sys(g, 'faccessat', AT_FDCWD, s.str(0, `${d}/f`), 1)).toBe(-E.EACCES);
    expect(sys(g, 'fchownat', AT_FDCWD, s.str(0, `${d}/f`), owner.uid, owner.gid, 0)).toBe(0);
    expect(sys(g, 'fchmodat', AT_FDCWD, s.str(0, `${d}/none`), 0o600)).toBe(-E.ENOENT);
    // an absolute symlink target, which uvwasi alone refuses
    expect(sys(g, 'symlinkat', s.str(0, '/etc/passwd'), AT_FDCWD, s.str(1000, `${d}/abs`))).toBe(0);
    expect(fs.readlinkSync(`${d}/abs`)).toBe('/etc/passwd');
    // the initial umask is the host process's under Node (runNode passes it), else 022
    const tight = makeGuest({ fileHost: new NodeFileHost([0, 1, 2]), umask: 0o077 });
    const ts = scratch(tight);
    expect(sys(tight, 'openat', AT_FDCWD, ts.str(0, `${d}/tight`), O.CREAT | O.WRONLY, 0o666)).toBeGreaterThan(2);
    expect(fs.statSync(`${d}/tight`).mode).toBe(0o100600);
    expect(sys(tight, 'umask', 0)).toBe(0o077);
  });
});

/** One step of the differential script; returns the syscall results. */
type Step = [string, (g: Guest, s: ReturnType<typeof scratch>) => number[]];
const STEPS: Step[] = [
  ['create and write', (g, s) => {
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, 'f'), O.CREAT | O.WRONLY, 0o644);
    return [fd > 2 ? 0 : fd, sys(g, 'write', fd, s.str(100, 'hello world'), 11), sys(g, 'close', fd)];
  }],
  ['mkdir', (g, s) => [sys(g, 'mkdirat', AT_FDCWD, s.str(0, 'sub'), 0o755)]],
  ['mkdir nested', (g, s) => [sys(g, 'mkdirat', AT_FDCWD, s.str(0, 'sub/deeper'), 0o700)]],
  ['hard link', (g, s) => [sys(g, 'linkat', AT_FDCWD, s.str(0, 'f'), AT_FDCWD, s.str(100, 'sub/g'), 0)]],
  ['rename', (g, s) => [sys(g, 'renameat', AT_FDCWD, s.str(0, 'f'), AT_FDCWD, s.str(100, 'h'))]],
  ['chmod', (g, s) => [sys(g, 'fchmodat', AT_FDCWD, s.str(0, 'h'), 0o2640)]],
  ['utimensat', (g, s) => {
    const times = s.at(200);
    g.mem.setI64(BigInt(times), 1_000_000_000n);
    g.mem.setI64(BigInt(times + 8), 5n);
    g.mem.setI64(BigInt(times + 16), 1_100_000_000n);
    g.mem.setI64(BigInt(times + 24), 123_456_789n);
    return [sys(g, 'utimensat', AT_FDCWD, s.str(0, 'h'), times, 0)];
  }],
  ['truncate', (g, s) => [sys(g, 'truncate', s.str(0, 'h'), 3)]],
  ['rename over a link', (g, s) => [sys(g, 'renameat', AT_FDCWD, s.str(0, 'sub/g'), AT_FDCWD, s.str(100, 'h'))]],
  ['unlink', (g, s) => [sys(g, 'unlinkat', AT_FDCWD, s.str(0, 'h'), 0)]],
  ['rmdir', (g, s) => [sys(g, 'unlinkat', AT_FDCWD, s.str(0, 'sub/deeper'), AT_REMOVEDIR)]],
  ['write more', (g, s) => {
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, 'big'), O.CREAT | O.WRONLY | O.TRUNC, 0o600);
    const data = s.at(8192);
    return [fd > 2 ? 0 : fd, sys(g, 'write', fd, data, 10_000), sys(g, 'close', fd)];
  }],
];
const NAMES = ['.', 'f', 'h', 'sub', 'sub/g', 'sub/deeper', 'big'];

/** what a step must do the same on both: results, and per name the stat result, the
 *  time-independent fields and whether mtime/ctime moved (times set by utimensat exactly) */
function observe(g: Guest, s: ReturnType<typeof scratch>, before: Map<string, Stat>): unknown[] {
  const seen: unknown[] = [];
  for (const name of NAMES) {
    const r = sys(g, 'newfstatat', AT_FDCWD, s.str(0, name), s.at(4096), AT_SYMLINK_NOFOLLOW);
    if (r !== 0) {
      seen.push([name, r]);
      before.delete(name);
      continue;
    }
    const st = readStat(g, s.at(4096));
    const old = before.get(name);
    before.set(name, st);
    // Node's utimes (libuv, as uvwasi's) takes seconds as a double: exact to about 0.25 µs here
    const setByUtimensat = st.mtime - 1_100_000_000_123_456_789n;
    seen.push([name, st.mode.toString(8), st.nlink, st.uid, st.gid, st.size, st.blocks, st.blksize, old && st.mtime !== old.mtime, old && st.ctime !== old.ctime,
      setByUtimensat > -1000n && setByUtimensat < 1000n]);
  }
  return seen;
}

describe('in-memory file system metadata (program API)', () => {
  it('modes, link counts, sizes, owners and time updates evolve as on a Linux file system', () => {
    const d = path.join(dir(), 'diff');
    fs.mkdirSync(d);
    const kernel = makeGuest({ fileHost: new NodeFileHost([0, 1, 2]), cwd: d });
    const mem = memGuest();
    const ks = scratch(kernel);
    const ms = scratch(mem);
    const kb = new Map<string, Stat>();
    const mb = new Map<string, Stat>();
    observe(kernel, ks, kb);
    observe(mem, ms, mb);
    for (const [what, step] of STEPS) {
      // past the kernel's coarse timestamp granularity, so that every change is visible
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15);
      const k = [step(kernel, ks), observe(kernel, ks, kb)];
      const m = [step(mem, ms), observe(mem, ms, mb)];
      expect(m, what).toEqual(k);
    }
  });

  it('captured stdout is a pipe, /dev/null a character device, also through an fd', () => {
    const g = memGuest();
    const s = scratch(g);
    expect(sys(g, 'fstat', 1, s.at(4096))).toBe(0);
    expect(readStat(g, s.at(4096))).toMatchObject({ mode: 0o10600, nlink: 1, size: 0n, uid: owner.uid });
    const fd = sys(g, 'openat', AT_FDCWD, s.str(0, '/dev/null'), O.WRONLY);
    expect(sys(g, 'fstat', fd, s.at(4096))).toBe(0);
    const dev = readStat(g, s.at(4096));
    expect(dev).toMatchObject({ mode: 0o20666, rdev: 0x103n, uid: 0, gid: 0 });
    expect(sys(g, 'newfstatat', AT_FDCWD, s.str(0, '/dev/null'), s.at(4096), 0)).toBe(0);
    expect(readStat(g, s.at(4096))).toEqual(dev);
  });

  it('files start at run start, owned by root unless configured; /tmp is sticky', () => {
    const t0 = BigInt(Date.now() - 1000) * 1_000_000n;
    const table = new MetaTable({ uid: 0, gid: 0 });
    const root = buildRoot({ '/etc/motd': 'hi\n', '/srv/data/': '' }, '/', table);
    const host = new MemFileHost(root, table, []);
    for (const p of ['etc/motd', 'etc', 'srv/data', '.', 'tmp']) {
      const st = host.stat(p);
      expect(st.linux).toMatchObject({ uid: 0, gid: 0 });
      expect(st.mtim > t0 && st.mtim === st.ctim && st.mtim === st.atim).toBe(true);
    }
    expect(host.stat('etc/motd').linux!.mode).toBe(0o100644);
    expect(host.stat('etc').linux!.mode).toBe(0o40755);
    expect(host.stat('tmp').linux!.mode).toBe(0o41777);
    expect(host.stat('.').nlink).toBe(6n); // ".", "..", etc, srv, tmp, dev
    expect(host.stat('dev/null')).toMatchObject({ filetype: 2, linux: { mode: 0o20666, rdev: 0x103n, uid: 0, gid: 0 } });
    const mine = new MetaTable({ uid: 1234, gid: 99 });
    const other = new MemFileHost(buildRoot({ '/a': '' }, '/', mine), mine, []);
    expect(other.stat('a').linux).toMatchObject({ uid: 1234, gid: 99 });
  });
});
