// `elf2wasm run` at a terminal (src/node/host-terminal.ts; issue 8 items 5 and 6): the host's
// terminal goes raw and the guest gets the runtime's terminal, so its tcsetattr, echo and ^C
// behave as qemu-user's pass-through of the host's tty. The same keys are typed at a pty running
// qemu-aarch64 and one running elf2wasm run (script(1), test/helpers/pty-host.ts), each once the
// screen shows the step's marker: screens (output and echo, byte for byte) and statuses must match.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ptyHost, type KeyStep } from './helpers/pty-host.ts';
import { realBinary } from './helpers/real.ts';

const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');

describe("elf2wasm run of Debian's busybox sh at a terminal, as qemu-aarch64 at one", () => {
  let busybox: string;
  let cache: string;
  beforeAll(() => {
    busybox = realBinary('busybox');
    cache = mkdtempSync(join(tmpdir(), 'elf2wasm-cli-tty-'));
    // translated before the typing starts (at a terminal the CLI would draw its progress bar)
    execFileSync(process.execPath, [BIN, 'run', busybox, 'true'], { env: { ...process.env, ELF2WASM_CACHE_DIR: cache }, stdio: 'ignore' });
  }, 300_000);
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('line editing, a pipeline, a read in canonical mode with erase, ^C to the foreground job, exit', async () => {
    // busybox's line editor asks where the cursor is (ESC [ 6 n); nobody answers on either pty
    const steps: KeyStep[] = [
      { after: '$ ', send: 'echo hi\r' },
      { after: '$ ', send: 'printf "b\\na\\nc\\n" | sort | wc -l\r' },
      { after: '$ ', send: 'read x; echo "got $x"\r' },
      { after: 'echo "got $x"\r\n', send: 'abc\x7fd\r', settle: 300 },
      { after: '$ ', send: 'sleep 5\r' },
      { after: 'sleep 5\r\n', send: '\x03', settle: 500 },
      { after: '$ ', send: 'echo $?\r' },
      // a program that makes syscalls but neither waits nor writes gets ^C too
      { after: '$ ', send: 'md5sum /dev/zero\r' },
      { after: 'md5sum /dev/zero\r\n', send: '\x03', settle: 1000 },
      { after: '$ ', send: 'exit 5\r' },
    ];
    const env = { PS1: '$ ', HOME: '/', ELF2WASM_CACHE_DIR: cache };
    const opts = { cwd: dirname(busybox), env };
    const expected = await ptyHost('qemu-aarch64', [busybox, 'sh'], steps, opts);
    // the cases mean something: the erase, the interrupted job and the status
    expect(expected.screen).toContain('got abd\r\n');
    expect(expected.screen).toContain('echo $?\r\n130\r\n');
    expect(expected.status).toBe(5);
    expect(await ptyHost(process.execPath, [BIN, 'run', busybox, 'sh'], steps, opts)).toEqual(expected);
  }, 120_000);

  it('^Z to a program without job control stops the run as a whole, and fg continues it, as a host shell shows', async () => {
    // the host's bash runs the program as $RUN (qemu-aarch64, or elf2wasm run): the same line on both screens
    const rc = join(cache, 'bashrc');
    writeFileSync(rc, "PS1='$ '\n");
    const steps: KeyStep[] = [
      { after: '$ ', send: '$RUN $BB sleep 3; echo status $?\r' },
      { after: 'status $?\r\n', send: '\x1a', settle: 1500 },
      { after: '$ ', send: 'jobs\r' },
      { after: '$ ', send: 'fg\r' },
      { after: '$ ', send: 'exit\r' },
    ];
    const run = (cmd: string) => ptyHost('bash', ['--rcfile', rc, '-i'], steps, { cwd: cache, env: { RUN: cmd, BB: busybox, ELF2WASM_CACHE_DIR: cache } });
    const expected = await run('qemu-aarch64');
    expect(expected.screen).toMatch(/Stopped +\$RUN \$BB sleep 3/);
    expect(expected.screen).toContain('status 148\r\n');
    expect(await run(`${process.execPath} ${BIN} run`)).toEqual(expected);
  }, 120_000);
});
