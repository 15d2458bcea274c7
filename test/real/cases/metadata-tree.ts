// A directory tree with the file metadata `ls -l`, `stat` and `find` show (modes with setuid,
// setgid and sticky bits, hard and symbolic links, a FIFO, nanosecond times), made once per test
// process and shared by the qemu and the translated run of a case, so that inode numbers, the
// device and change times are the same for both. Access times are set in the future: relatime
// then never updates them when a run lists a directory, which would change what the other sees.
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

const FUTURE = new Date('2035-06-07T08:09:10Z');

/** The tree's root (absolute host path); created on first use, removed when the process exits. */
export function metadataTree(): string {
  if (root) return root;
  const dir = mkdtempSync(join(tmpdir(), 'elf2wasm-meta-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const at = (p: string): string => join(dir, p);
  writeFileSync(at('plain.txt'), 'some text\n');
  writeFileSync(at('big.bin'), new Uint8Array(70_000).fill(7));
  writeFileSync(at('setuid'), '#!/bin/sh\n');
  chmodSync(at('setuid'), 0o4755);
  writeFileSync(at('setgid'), '');
  chmodSync(at('setgid'), 0o2750);
  writeFileSync(at('private'), 'secret\n');
  chmodSync(at('private'), 0o600);
  linkSync(at('plain.txt'), at('hardlink'));
  symlinkSync('plain.txt', at('symlink'));
  symlinkSync('/nonexistent/target', at('dangling'));
  mkdirSync(at('sticky'));
  chmodSync(at('sticky'), 0o1777);
  mkdirSync(at('sub/deeper'), { recursive: true });
  writeFileSync(at('sub/old'), '');
  writeFileSync(at('sub/new'), '');
  execFileSync('mkfifo', [at('fifo')]);
  // times: nanoseconds where the host keeps them (utimes takes fractional seconds)
  const t = (iso: string): number => Date.parse(iso) / 1000;
  utimesSync(at('plain.txt'), FUTURE, t('2021-03-04T05:06:07.123Z'));
  utimesSync(at('big.bin'), FUTURE, t('2019-12-31T23:59:59Z'));
  utimesSync(at('sub/old'), FUTURE, t('2001-01-01T00:00:00Z'));
  utimesSync(at('sub/new'), FUTURE, t('2030-01-01T00:00:00Z'));
  for (const p of ['setuid', 'setgid', 'private', 'fifo', 'sub/deeper']) utimesSync(at(p), FUTURE, t('2020-02-02T02:02:02Z'));
  // directories last: creating their entries changed their times
  for (const p of ['sticky', 'sub', '.']) utimesSync(at(p), FUTURE, t('2022-02-22T22:22:22Z'));
  root = dir;
  return dir;
}
