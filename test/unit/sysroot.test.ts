// Where a dynamic program's start-up libraries are found in a sysroot (src/node/sysroot.ts), as
// glibc's ld.so finds them: DT_RUNPATH/RPATH, the directories of the sysroot's ld.so.conf
// (with its includes), then the default directories; a library of another machine is passed over.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldSoConfDirs, startupFiles } from '../../src/node/sysroot.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
/** a dynamic PIE needing libc.so.6, interpreter /lib/ld-linux-aarch64.so.1 */
const DYNAMIC = readFileSync(join(FIXTURES, 'elf/hello-dynamic'));
/** AArch64 and x86-64 ELF files standing in for libraries (their own DT_NEEDED is empty) */
const AARCH64 = join(FIXTURES, 'bin/hello-musl');
const X86 = join(FIXTURES, 'elf/x86-64-head');

let root: string;
const put = (guest: string, from?: string, text?: string): void => {
  mkdirSync(dirname(join(root, guest)), { recursive: true });
  if (from) copyFileSync(from, join(root, guest));
  else writeFileSync(join(root, guest), text ?? '');
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'elf2wasm-sysroot-'));
  put('/lib/ld-linux-aarch64.so.1', AARCH64);
  put('/etc/ld.so.conf', undefined, '# as Debian has it\ninclude /etc/ld.so.conf.d/*.conf\n\n');
  put('/etc/ld.so.conf.d/10-other.conf', undefined, '/opt/x86\n');
  put('/etc/ld.so.conf.d/20-arm.conf', undefined, '/opt/arm   # a comment\nhwcap 0 nosegneg\n/opt/x86\n');
  put('/etc/ld.so.conf.d/README', undefined, '/not/a/conf\n');
  put('/opt/x86/libc.so.6', X86);
  put('/opt/arm/libc.so.6', AARCH64);
  put('/lib/aarch64-linux-gnu/libc.so.6', AARCH64);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('startup libraries in a sysroot', () => {
  it('ld.so.conf: includes by glob in name order, comments and hwcap lines ignored, each directory once', () => {
    expect(ldSoConfDirs(root)).toEqual(['/opt/x86', '/opt/arm']);
    expect(ldSoConfDirs(undefined)).toEqual([]);
    expect(ldSoConfDirs(join(root, 'opt'))).toEqual([]);
  });

  it('a library in an ld.so.conf directory comes before the default directories; one of another machine is passed over', () => {
    expect([...startupFiles(DYNAMIC, '/bin/hello', root)]).toEqual([
      ['/lib/ld-linux-aarch64.so.1', join(root, 'lib/ld-linux-aarch64.so.1')],
      ['/opt/arm/libc.so.6', join(root, 'opt/arm/libc.so.6')],
    ]);
  });

  it('without ld.so.conf, the default directories', () => {
    rmSync(join(root, 'etc'), { recursive: true });
    expect([...startupFiles(DYNAMIC, '/bin/hello', root)].at(-1)).toEqual(['/lib/aarch64-linux-gnu/libc.so.6', join(root, 'lib/aarch64-linux-gnu/libc.so.6')]);
  });
});
