// Process, time, signal, pipe and misc syscalls through a Guest bound to real node:wasi over a
// hand-made memory (a tiny Wasm module that only exports its memory).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuestExit, GuestKilled } from '../../src/runtime/errors.ts';
import { E } from '../../src/runtime/errno.ts';
import type { WasiImports } from '../../src/runtime/wasi.ts';

import { guestsInTempDir, scratch, sys } from '../helpers/runtime-fixtures.ts';

const { makeGuest, dir } = guestsInTempDir();


describe('process, time, signals, misc', () => {
  it('ends with GuestExit on exit/exit_group', () => {
    const g = makeGuest();
    expect(() => sys(g, 'exit_group', 3)).toThrow(GuestExit);
    expect(() => sys(g, 'exit', 258)).toThrow(expect.objectContaining({ name: 'GuestExit', status: 2 }));
  });

  it('answers identity and system queries', () => {
    const g = makeGuest({ pid: 4242, uid: 1001, gid: 1002, hostname: 'box' });
    const s = scratch(g);
    expect(sys(g, 'getpid')).toBe(4242);
    expect(sys(g, 'gettid')).toBe(4242);
    expect(sys(g, 'set_tid_address', s.at(0))).toBe(4242);
    expect(sys(g, 'getuid')).toBe(1001);
    expect(sys(g, 'getegid')).toBe(1002);
    expect(sys(g, 'uname', s.at(0))).toBe(0);
    expect([0, 1, 2, 3, 4].map((i) => g.mem.cstring(s.at(65 * i)))).toEqual(['Linux', 'box', '6.1.0', '#1 SMP', 'aarch64']);
    expect(sys(g, 'prlimit64', 0, 3, 0, s.at(0))).toBe(0);
    expect(g.mem.u64(s.at(0))).toBe(8n * 1024n * 1024n);
    expect(sys(g, 'prlimit64', 0, 7, 0, s.at(0))).toBe(0);
    expect(g.mem.u64(s.at(0))).toBe(1024n);
    expect(sys(g, 'getrlimit', 9, s.at(0))).toBe(0);
    expect(g.mem.u64(s.at(0))).toBe(2n ** 64n - 1n);
    expect(sys(g, 'sched_getaffinity', 0, 128, s.at(0))).toBe(8);
    expect(g.mem.u64(s.at(0))).toBe(1n);
    expect(sys(g, 'set_robust_list', s.at(0), 24)).toBe(0);
    expect(sys(g, 'rseq', s.at(0), 32, 0, 0)).toBe(-E.ENOSYS);
    expect(sys(g, 'umask', 0o077)).toBe(0o022);
    expect(sys(g, 'umask', 0o022)).toBe(0o077);
    expect(sys(g, 'getrandom', s.at(0), 100000, 0)).toBe(100000);
    expect(g.mem.read(s.at(0), 100000).some((b) => b !== 0)).toBe(true);
    expect(sys(g, 'sysinfo', s.at(0))).toBe(0);
    expect(g.mem.u32(s.at(104))).toBe(1);
  });

  it('reports the host\'s CPUs and sysinfo figures when given them', () => {
    const system = () => ({ uptime: 7, loads: [0.5, 1.25, 2] as [number, number, number], totalram: 1n << 34n, freeram: 1n << 33n, sharedram: 3n, bufferram: 4n, totalswap: 5n, freeswap: 6n, procs: 70000 });
    const g = makeGuest({ cpus: (1n << 66n) - 2n, system }); // CPUs 1 to 65
    const s = scratch(g);
    expect(sys(g, 'sched_getaffinity', 0, 8, s.at(0))).toBe(-E.EINVAL); // two words' worth of CPUs
    expect(sys(g, 'sched_getaffinity', 0, 128, s.at(0))).toBe(16);
    expect([g.mem.u64(s.at(0)), g.mem.u64(s.at(8))]).toEqual([2n ** 64n - 2n, 3n]);
    expect(sys(g, 'sysinfo', s.at(0))).toBe(0);
    expect([0, 8, 16, 24, 32, 40, 48, 56, 64, 72].map((o) => g.mem.u64(s.at(o)))).toEqual([7n, 32768n, 81920n, 131072n, 1n << 34n, 1n << 33n, 3n, 4n, 5n, 6n]);
    expect(g.mem.u16(s.at(80))).toBe(0xffff); // procs saturates
  });

  it('reads clocks and sleeps', () => {
    const g = makeGuest();
    const s = scratch(g);
    expect(sys(g, 'clock_gettime', 0, s.at(0))).toBe(0);
    expect(Math.abs(Number(g.mem.i64(s.at(0))) - Date.now() / 1000)).toBeLessThan(5);
    expect(sys(g, 'clock_gettime', 1, s.at(0))).toBe(0);
    const t0 = g.mem.i64(s.at(0)) * 1_000_000_000n + g.mem.i64(s.at(8));
    g.mem.setI64(s.at(100), 0);
    g.mem.setI64(s.at(108), 20_000_000); // 20 ms
    expect(sys(g, 'nanosleep', s.at(100), 0)).toBe(0);
    expect(sys(g, 'clock_gettime', 1, s.at(0))).toBe(0);
    const t1 = g.mem.i64(s.at(0)) * 1_000_000_000n + g.mem.i64(s.at(8));
    expect(t1 - t0).toBeGreaterThanOrEqual(19_000_000n);
    expect(sys(g, 'clock_gettime', 99, s.at(0))).toBe(-E.EINVAL);
    g.mem.setI64(s.at(108), 2_000_000_000);
    expect(sys(g, 'nanosleep', s.at(100), 0)).toBe(-E.EINVAL);
    expect(sys(g, 'gettimeofday', s.at(0), 0)).toBe(0);
    expect(g.mem.i64(s.at(8)) < 1_000_000n).toBe(true);
  });

  it('futex on a single thread', () => {
    const g = makeGuest();
    const s = scratch(g);
    g.mem.setU32(s.at(0), 5);
    expect(sys(g, 'futex', s.at(0), 128, 4)).toBe(-E.EAGAIN); // FUTEX_WAIT_PRIVATE, value differs
    expect(sys(g, 'futex', s.at(0), 128, 5, s.at(100))).toBe(-E.ETIMEDOUT);
    expect(sys(g, 'futex', s.at(0), 129, 1)).toBe(0); // FUTEX_WAKE_PRIVATE
  });

  it('delivers self-sent signals: ignored, blocked then pending, fatal', () => {
    const g = makeGuest({ pid: 77 });
    const s = scratch(g);
    // SIGUSR1 ignored
    g.mem.zero(s.at(0), 32);
    g.mem.setU64(s.at(0), 1); // SIG_IGN
    expect(sys(g, 'rt_sigaction', 10, s.at(0), 0, 8)).toBe(0);
    expect(sys(g, 'kill', 77, 10)).toBe(0);
    expect(sys(g, 'rt_sigaction', 10, 0, s.at(100), 8)).toBe(0);
    expect(g.mem.u64(s.at(100))).toBe(1n);
    expect(sys(g, 'rt_sigaction', 9, s.at(0), 0, 8)).toBe(-E.EINVAL);
    expect(sys(g, 'rt_sigaction', 10, 0, 0, 4)).toBe(-E.EINVAL);
    expect(sys(g, 'kill', 12345, 10)).toBe(-E.ESRCH);
    expect(sys(g, 'kill', 77, 0)).toBe(0);
    // glibc raise(): block everything, tgkill, restore the mask -> delivered at the restore
    g.mem.setU64(s.at(200), 2n ** 64n - 1n);
    expect(sys(g, 'rt_sigprocmask', 0, s.at(200), s.at(208), 8)).toBe(0);
    expect(g.mem.u64(s.at(208))).toBe(0n);
    expect(sys(g, 'tgkill', 77, 77, 6)).toBe(0);
    expect(sys(g, 'rt_sigpending', s.at(216), 8)).toBe(0);
    expect(g.mem.u64(s.at(216))).toBe(1n << 5n);
    let killed: unknown;
    try {
      sys(g, 'rt_sigprocmask', 2, s.at(208), 0, 8);
    } catch (e) {
      killed = e;
    }
    expect(killed).toBeInstanceOf(GuestKilled);
    expect((killed as GuestKilled).signal).toBe(6);
  });

  it('pipes work within the process; writing to a closed pipe raises SIGPIPE', () => {
    const g = makeGuest();
    const s = scratch(g);
    expect(sys(g, 'pipe2', s.at(0), 0)).toBe(0);
    const [r, w] = [g.mem.i32(s.at(0)), g.mem.i32(s.at(4))];
    expect([r, w]).toEqual([3, 4]);
    expect(sys(g, 'write', w, s.str(100, 'ping'), 4)).toBe(4);
    expect(sys(g, 'read', r, s.at(200), 2)).toBe(2);
    expect(sys(g, 'read', r, s.at(202), 10)).toBe(2);
    expect(s.text(200, 4)).toBe('ping');
    expect(sys(g, 'read', r, s.at(200), 10)).toBe(-E.EAGAIN);
    expect(sys(g, 'fstat', r, s.at(300))).toBe(0);
    expect(g.mem.u32(s.at(316)) & 0o170000).toBe(0o010000);
    expect(sys(g, 'lseek', r, 0, 0)).toBe(-E.ESPIPE);
    // ppoll: the empty pipe is not readable, the write end is writable
    const pfd = s.at(500);
    g.mem.setI32(pfd, r);
    g.mem.setU16(pfd + 4, 1); // POLLIN
    g.mem.setI32(pfd + 8, w);
    g.mem.setU16(pfd + 12, 4); // POLLOUT
    expect(sys(g, 'ppoll', pfd, 2, 0, 0)).toBe(1);
    expect([g.mem.u16(pfd + 6), g.mem.u16(pfd + 14)]).toEqual([0, 4]);
    expect(sys(g, 'close', w)).toBe(0);
    expect(sys(g, 'read', r, s.at(200), 10)).toBe(0);
    expect(sys(g, 'pipe2', s.at(0), 0)).toBe(0);
    const [r2, w2] = [g.mem.i32(s.at(0)), g.mem.i32(s.at(4))];
    sys(g, 'close', r2);
    expect(() => sys(g, 'write', w2, s.at(100), 1)).toThrow(GuestKilled);
    g.mem.zero(s.at(400), 32);
    g.mem.setU64(s.at(400), 1); // SIG_IGN
    sys(g, 'rt_sigaction', 13, s.at(400), 0, 8);
    expect(sys(g, 'write', w2, s.at(100), 1)).toBe(-E.EPIPE);
  });

  it('returns -ENOSYS for unimplemented syscalls and traces calls', () => {
    const lines: string[] = [];
    const g = makeGuest({ trace: (l) => lines.push(l) });
    expect(sys(g, 'io_setup', 1, 0)).toBe(-E.ENOSYS);
    expect(sys(g, 'io_setup', 1, 0)).toBe(-E.ENOSYS);
    expect(lines.filter((l) => l.startsWith('unimplemented syscall 0 (io_setup)'))).toHaveLength(1);
    sys(g, 'close', 55);
    expect(lines).toContain('close(55, 0, 0, 0, 0, 0) = -EBADF');
  });

  it('retries host EAGAIN on blocking fds (Node makes its stdio pipes non-blocking)', () => {
    const out = path.join(dir(), 'eagain.txt');
    const hostFd = fs.openSync(out, 'w');
    let refusals = 2;
    const wrap = (w: WasiImports): WasiImports => ({
      ...w,
      fd_write: (...args: unknown[]) => (refusals-- > 0 ? 6 /* EAGAIN */ : w.fd_write!(...args)),
    });
    try {
      const g = makeGuest({ stdout: hostFd, wrap });
      const s = scratch(g);
      expect(sys(g, 'write', 1, s.str(0, 'late'), 4)).toBe(4);
      expect(fs.readFileSync(out, 'utf8')).toBe('late');
      // a guest that asked for O_NONBLOCK sees the EAGAIN
      expect(sys(g, 'fcntl', 1, 4, 0o4000)).toBe(0);
      refusals = 1;
      expect(sys(g, 'write', 1, s.str(0, 'x'), 1)).toBe(-E.EAGAIN);
    } finally {
      fs.closeSync(hostFd);
    }
  });
});
