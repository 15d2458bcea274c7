// Device files, the process's own fds by path, MAP_SHARED write-back and path/pointer errno
// details in the program API's in-memory file system: the fixture programs devfiles, mapfile and
// pathfault (test/fixtures/src/progs) must print what they printed under qemu-aarch64 on Linux's
// real /dev and file system.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { beforeAll, describe, expect, it } from 'vitest';
import { CharDevice } from '../../src/program/devices.ts';
import { buildRoot } from '../../src/program/fs.ts';
import { createProgram, type ElfProgram, type RunResult } from '../../src/program/index.ts';
import { translate } from '../../src/translate.ts';
import { expectedOf, FIXTURES } from '../helpers/run-fixture.ts';

const BUILD = 'progs-musl-O2';
let progs: ElfProgram;

beforeAll(() => {
  progs = createProgram('progs', { bytes: translate(readFileSync(join(FIXTURES, 'bin', BUILD)), { optimize: 0 }).wasm });
}, 600_000);

const outcome = (r: RunResult): { stdout: string; stderr: string; status: number } => ({ stdout: r.stdout, stderr: r.stderr, status: r.exitCode });

describe('program API: the in-memory file system behaves as Linux (recorded from qemu)', () => {
  it('devices and /dev/fd, /proc/self/fd', async () => {
    const r = await progs.run({ args: ['devfiles', '/w'], files: { '/w/': '' } });
    expect(outcome(r)).toEqual(expectedOf(BUILD, 'devfiles'));
    expect(r.files).toEqual({}); // devices are not files of the result
  });

  it('MAP_SHARED writes reach the file, MAP_PRIVATE ones do not', async () => {
    const r = await progs.run({ args: ['mapfile', '/w'], files: { '/w/': '' } });
    expect(outcome(r)).toEqual(expectedOf(BUILD, 'mapfile'));
  });

  it('a MAP_SHARED mapping still mapped at exit is written back', async () => {
    const r = await progs.run({ args: ['mapfile', '/w', 'exit'], files: { '/w/': '' } });
    expect(r.exitCode).toBe(0);
    // what mapfile.c writes: 6000 dots, "at exit" at offset 10 through the mapping (and under
    // qemu the file reads the same: od -c shows it)
    const want = '.'.repeat(10) + 'at exit' + '.'.repeat(6000 - 17);
    expect(new TextDecoder().decode(r.files!['/w/m'])).toBe(want);
  });

  it('EFAULT, EINVAL and ENAMETOOLONG for bad pointers and long paths', async () => {
    expect(outcome(await progs.run({ args: ['pathfault'] }))).toEqual(expectedOf(BUILD, 'pathfault'));
  });
});

describe('program API devices', () => {
  it('carry the Linux device numbers and modes', () => {
    // makedev(major, minor) as `stat -c '%t:%T' /dev/null` etc. show them on Linux: 1:3, 1:5, 1:8, 1:9, 5:0
    const dev = buildRoot().dir.contents.get('dev') as unknown as { contents: Map<string, CharDevice> };
    const got = Object.fromEntries([...dev.contents].map(([name, d]) => [name, [Number(d.rdev) >> 8, Number(d.rdev) & 0xff, d.mode.toString(8)]]));
    expect(got).toEqual({ null: [1, 3, '20666'], zero: [1, 5, '20666'], random: [1, 8, '20666'], urandom: [1, 9, '20666'], tty: [5, 0, '20666'] });
  });

  it('/dev/tty exists but does not open: no controlling terminal (ENXIO)', () => {
    const root = buildRoot();
    expect(root.path_filestat_get(0, 'dev/tty').filestat?.filetype).toBe(wasi.FILETYPE_CHARACTER_DEVICE);
    expect(root.path_open(0, 'dev/tty', 0, 0n, 0n, 0).ret).toBe(wasi.ERRNO_NXIO);
  });

  it('leave a /dev the caller gave alone where it names the same entries', () => {
    const root = buildRoot({ '/dev/null': 'not a device' });
    const dev = root.dir.contents.get('dev') as unknown as { contents: Map<string, unknown> };
    expect(dev.contents.get('null')).not.toBeInstanceOf(CharDevice);
    expect(dev.contents.get('zero')).toBeInstanceOf(CharDevice);
  });
});
