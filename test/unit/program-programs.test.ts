// The program API's registry of programs a guest can exec (src/program/programs.ts): the stub a
// registered path holds passes the kernel's ELF checks and leads its loader to the module; any
// other executable is ENOEXEC; registered paths are executable files of the guest.
import { describe, expect, it } from 'vitest';
import { buildRoot } from '../../src/program/fs.ts';
import { MemFileHost, MetaTable } from '../../src/program/fs-meta.ts';
import { programFiles, programLoader, programStub } from '../../src/program/programs.ts';
import { E, Errno } from '../../src/runtime/errno.ts';
import type { ProcessImage } from '../../src/runtime/kernel.ts';

const images = [{ meta: { arch: 'aarch64' } }, { meta: { arch: 'aarch64' } }] as unknown as ProcessImage[];
const programs = { paths: { '/bin/sh': 0, '/bin/busybox': 0, '/usr/bin/hello': 1 }, images };

describe('programs', () => {
  it('a stub is an AArch64 ELF64 executable header (what exec.ts checks) and names its module', () => {
    const stub = programStub(1);
    expect([...stub.subarray(0, 6)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
    expect(stub[18] | (stub[19]! << 8)).toBe(183);
    expect(programLoader(programs)(stub)).toBe(images[1]);
  });

  it('paths sharing a module get the same stub; the loader refuses what is no stub of its own', () => {
    const files = programFiles(programs);
    expect(Object.keys(files).sort()).toEqual(['/bin/busybox', '/bin/sh', '/usr/bin/hello']);
    expect(files['/bin/sh']).toEqual(files['/bin/busybox']);
    const load = programLoader(programs);
    expect(load(files['/bin/sh']!)).toBe(images[0]);
    for (const other of [programStub(2), new Uint8Array(64), new TextEncoder().encode('#!/bin/sh\n')]) {
      expect(() => load(other)).toThrow(expect.objectContaining({ errno: E.ENOEXEC }) as Errno);
    }
    expect(programFiles(undefined)).toEqual({});
  });

  it('buildRoot makes the given paths executable (755), the other files 644', () => {
    const table = new MetaTable({ uid: 1000, gid: 1000 });
    const root = buildRoot({ ...programFiles(programs), '/etc/motd': 'hi' }, '/', table, ['/bin/sh', '/usr/bin/hello']);
    const host = new MemFileHost(root, table, []);
    const mode = (path: string): number => host.stat(path).linux!.mode & 0o7777;
    expect(mode('bin/sh')).toBe(0o755);
    expect(mode('usr/bin/hello')).toBe(0o755);
    expect(mode('bin/busybox')).toBe(0o644);
    expect(mode('etc/motd')).toBe(0o644);
  });
});
