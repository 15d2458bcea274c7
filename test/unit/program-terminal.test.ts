// The program API's terminal (RunOptions.terminal; issue 8 item 6): fds 0, 1 and 2 a tty with
// Linux's line discipline in the runtime. The same keys are typed at a real pty (qemu-aarch64
// under script(1), test/helpers/pty-host.ts) and at the run's terminal, each once the screen shows
// the step's marker; the screens (program output and echo, byte for byte) and exit statuses must
// be identical. On the caller's thread and in a worker.
//  - term.c (test/fixtures/terminal, glibc and musl): canonical lines with erase, kill, word
//    erase, a tab erased, ^D pushing a partial line and giving EOF, ^C to a SIGINT handler (EINTR),
//    raw mode (tcsetattr) reading single bytes and VMIN 3, TIOCGWINSZ, /dev/tty, tcgetpgrp;
//  - Debian's busybox: an interactive sh (line editing in raw mode, a pipeline, $(…), ^C to the
//    foreground job), the window size (TIOCSWINSZ, a resize by the host, SIGWINCH) and vi;
//  - Debian's bash: readline (pselect6 on the terminal, raw mode), ^C ending a read.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram, type ElfProgram, type RunningProgram, type RunOptions } from '../../src/program/index.ts';
import { translate } from '../../src/translate.ts';
import { crossBuilder } from '../helpers/cross-build.ts';
import { latin1, ptyHost, typeSteps, type KeyStep, type PtyOutcome } from '../helpers/pty-host.ts';
import { realBinary } from '../helpers/real.ts';
import { translateInChild } from '../helpers/run-fixture.ts';
import { nodeWorker } from '../helpers/ts-worker.ts';

const SOURCE = resolve(import.meta.dirname, '../fixtures/terminal/term.c');
const lifter = () => import('../../src/lift/runtime-lift.ts');
const build = crossBuilder('terminal');
const LIBCS = [['glibc', 'aarch64-linux-gnu-gcc'], ['musl', 'aarch64-linux-musl-gcc']] as const;
const THREADS = [['on the caller thread', false], ['in a worker', true]] as const;

const elfs: Record<string, string> = {};
const programs: Record<string, ElfProgram> = {};
let worker: Worker | undefined;
afterAll(() => worker?.terminate());

beforeAll(() => {
  for (const [libc, cc] of LIBCS) {
    elfs[libc] = build(cc, SOURCE, `term-${libc}`, ['-static', '-O2']);
    programs[libc] = createProgram('term', { bytes: translate(readFileSync(elfs[libc]), { optimize: 0 }).wasm, lifter });
  }
}, 120_000);

/** the keys typed at term.c: every read waits for its prompt */
const TERM_STEPS: KeyStep[] = [
  { after: 'line> ', send: 'hello\r' },
  { after: 'line> ', send: 'abcd\x7f\x7fxy\r' }, // DEL erases
  { after: 'line> ', send: 'junk\x15ok\r' }, // ^U kills the line
  { after: 'line> ', send: 'one two\x17three\r' }, // ^W erases a word
  { after: 'line> ', send: 'part\x04' }, // ^D pushes the line without a newline
  { after: 'line> ', send: '\x03', settle: 300 }, // ^C: SIGINT, the handler runs, the read fails with EINTR
  { after: 'line> ', send: 'a\tb\x7f\x7f\r' }, // a tab erased
  { after: 'line> ', send: '\x04' }, // ^D at a line's start: end of file
  { after: 'key> ', send: 'x' },
  { after: 'key> ', send: '\r' }, // ICRNL still on in raw mode
  { after: 'key> ', send: '\x1b[A' }, // three reads of one byte
  { after: '41\r\nkey> ', send: '\x03', settle: 300 }, // ISIG stays on
  { after: 'call\r\nkey> ', send: 'q' },
  { after: 'three> ', send: 'abcd' },
  { after: 'last> ', send: 'bye\r' },
];

/** a step's `send` that resizes the run's terminal to 120×40 instead of typing */
const RESIZE = '\u0000resize';

/** runs `program` with a terminal, typing `steps` */
async function typed(program: ElfProgram, steps: KeyStep[], options: RunOptions, inWorker: boolean): Promise<PtyOutcome> {
  const chunks: string[] = [];
  const running: RunningProgram = program.run({ ...options, terminal: options.terminal ?? true, worker: inWorker ? (worker ??= nodeWorker()) : undefined, onStdout: (t) => { chunks.push(t); } });
  const screen = (): string => chunks.join('');
  const typing = typeSteps((keys) => (keys === RESIZE ? running.resize(120, 40) : running.write(keys)), steps, screen);
  const result = await running;
  await typing;
  expect(result.stderr).toBe('');
  expect(screen()).toBe(result.stdout);
  return { screen: latin1(result.stdoutBytes), status: result.exitCode };
}

describe.each(THREADS)('a terminal %s', (_, inWorker) => {
  it.each(LIBCS)('term.c (%s): canonical lines, erase, kill, ^D, ^C, raw mode, as on a pty under qemu-aarch64', async (libc) => {
    const expected = await ptyHost('qemu-aarch64', [elfs[libc]!], TERM_STEPS, { cwd: dirname(elfs[libc]!) });
    expect(expected.screen).toContain('line> ^Cread: Interrupted system call (interrupts 1)\r\n');
    expect(await typed(programs[libc]!, TERM_STEPS, {}, inWorker)).toEqual(expected);
  }, 120_000);
});

/** translated once for both threads */
let busybox: ElfProgram | undefined;

describe.each(THREADS)("Debian's busybox at a terminal %s", (_, inWorker) => {
  let path: string;
  // on translation threads: a translation this long on the test's thread would keep its event loop
  // from vitest's RPC past its timeout under CI's load (an unhandled error fails the run)
  beforeAll(async () => {
    path = realBinary('busybox');
    busybox ??= createProgram('busybox', { bytes: await translateInChild(readFileSync(path), { optimize: 0 }), lifter });
  }, 120_000);

  it('an interactive shell: line editing, a pipeline, $(…), ^C to the foreground job, exit, as on a pty under qemu-aarch64', async () => {
    // busybox's line editing asks the terminal where its cursor is (ESC [ 6 n) at each prompt;
    // neither the pty (script(1) answers nothing) nor this test answers, and busybox goes on without
    const steps: KeyStep[] = [
      { after: '$ ', send: 'echo hi\r' },
      { after: '$ ', send: 'printf "b\\na\\nc\\n" | sort | wc -l\r' },
      { after: '$ ', send: 'echo $(echo x y)  abc\x7f\x7fz\r' },
      // ^C goes to the foreground job (sleep's process group, tcsetpgrp), not to the shell
      { after: '$ ', send: 'sleep 5\r' },
      { after: 'sleep 5\r\n', send: '\x03', settle: 500 },
      { after: '$ ', send: 'echo $?\r' },
      { after: '$ ', send: 'exit 5\r' },
    ];
    const env = { PS1: '$ ', HOME: '/' };
    const expected = await ptyHost('qemu-aarch64', [path, 'sh'], steps, { cwd: dirname(path), env });
    expect(expected.screen).toContain('x y az\r\n');
    expect(expected.screen).toContain('echo $?\r\n130\r\n');
    expect(await typed(busybox!, steps, { args: ['sh'], env }, inWorker)).toEqual(expected);
  }, 120_000);

  it('stty: the settings, the window size (TIOCSWINSZ from a process and a resize by the host send SIGWINCH to the foreground group), as on a pty', async () => {
    // stty in the foreground (a shell without job control keeps one process group)
    const script = 'trap "echo WINCH" WINCH; stty size; stty cols 100 rows 30; stty size; echo after; stty -a; stty raw -echo -isig; stty -a; stty sane; stty -g';
    const expected = await ptyHost('qemu-aarch64', [path, 'sh', '-c', script], [], { cwd: dirname(path) });
    expect(expected.screen).toContain('WINCH\r\n');
    expect(await typed(busybox!, [], { args: ['sh', '-c', script] }, inWorker)).toEqual(expected);
    // the host resizes while the shell waits for a job: under qemu a process of the session resizes
    // the pty (the host's coreutils stty on /dev/tty: one TIOCSWINSZ, where busybox's makes one per
    // dimension), here RunningProgram.resize does; the trap runs once the job is done
    const waiting = 'trap "echo WINCH; stty size" WINCH; echo ready; sleep 2; echo slept';
    const resizer = `(sleep 0.5; /bin/stty cols 120 rows 40 </dev/tty) & ${waiting}`;
    const host = await ptyHost('qemu-aarch64', [path, 'sh', '-c', resizer], [], { cwd: dirname(path) });
    expect(host.screen).toContain('WINCH\r\n40 120\r\n'); // the scenario happened: the resize came during the sleep
    const ours = await typed(busybox!, [{ after: 'ready\r\n', send: RESIZE }], { args: ['sh', '-c', waiting] }, inWorker);
    expect(ours).toEqual(host);
  }, 120_000);

  it('hangup: a background job waiting for the terminal when its shell (the session leader) exits gets SIGHUP and the run ends, as on a pty under qemu-aarch64', async () => {
    // set -m: the job has a process group of its own; its read waits for the terminal (busybox's
    // read polls first), which on Linux hangs up as script(1) closes the pty once its child exits
    const script = 'set -m; (read x; echo "read $x") & sleep 1; echo bye';
    const expected = await ptyHost('qemu-aarch64', [path, 'sh', '-c', script], [], { cwd: dirname(path) });
    expect(expected.screen).toContain('bye\r\n');
    expect(await typed(busybox!, [], { args: ['sh', '-c', script] }, inWorker)).toEqual(expected);
  }, 120_000);

  it('vi: raw mode, the screen drawn for the window size, a file written, as on a pty under qemu-aarch64', async () => {
    const steps: KeyStep[] = [{ after: '~', send: 'ihello, world\x1b', settle: 200 }, { after: 'world', send: ':wq\r', settle: 200 }];
    const dir = mkdtempSync(join(tmpdir(), 'elf2wasm-vi-'));
    try {
      const expected = await ptyHost('qemu-aarch64', [path, 'vi', 'notes.txt'], steps, { cwd: dir });
      expect(expected.screen).toContain('\x1b[?1049h'); // vi's alternate screen: it ran
      const chunks: string[] = [];
      const running = busybox!.run({ args: ['vi', 'notes.txt'], cwd: '/tmp', terminal: true, worker: inWorker ? (worker ??= nodeWorker()) : undefined, onStdout: (t) => { chunks.push(t); } });
      const typing = typeSteps((keys) => running.write(keys), steps, () => chunks.join(''));
      const result = await running;
      await typing;
      expect({ screen: latin1(result.stdoutBytes), status: result.exitCode }).toEqual(expected);
      expect(result.files?.['/tmp/notes.txt']).toEqual(new Uint8Array(readFileSync(join(dir, 'notes.txt'))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('^C stops yes, which only writes, and the shell goes on, as on a pty under qemu-aarch64', async () => {
    const steps: KeyStep[] = [
      { after: '$ ', send: 'yes\r' },
      { after: 'y\r\ny\r\n', send: '\x03', settle: 300 },
      { after: '$ ', send: 'echo $?\r' },
      { after: '$ ', send: 'exit\r' },
    ];
    const env = { PS1: '$ ', HOME: '/' };
    // how many lines yes wrote around ^C depends on timing (the echo may even come after a "y" the
    // pty had not yet shown whole, or between its \r and \n): they are left out of both screens
    const withoutYes = (o: PtyOutcome): PtyOutcome => ({ ...o, screen: o.screen.replace(/(?:y\r\n)+/g, '').replace(/[y\r\n]*(?=\^C)/, '') });
    const expected = withoutYes(await ptyHost('qemu-aarch64', [path, 'sh'], steps, { cwd: dirname(path), env }));
    expect(expected.screen).toContain('echo $?\r\n130\r\n');
    expect(withoutYes(await typed(busybox!, steps, { args: ['sh'], env }, inWorker))).toEqual(expected);
  }, 120_000);
});

/** translated once for both threads */
let bash: ElfProgram | undefined;

describe.each(THREADS)("Debian's bash at a terminal %s", (_, inWorker) => {
  let path: string;
  beforeAll(async () => {
    path = realBinary('bash-static');
    bash ??= createProgram('bash', { bytes: await translateInChild(readFileSync(path), { optimize: 0 }), lifter });
  }, 120_000);

  it('an interactive bash: readline (pselect6, raw mode), an erase, ^C ending a read, as on a pty under qemu-aarch64', async () => {
    const steps: KeyStep[] = [
      { after: '$ ', send: 'echo hi\r' },
      { after: '$ ', send: 'echo $(( 6 * 7 )) abc\x7f\x7f\r' },
      { after: '$ ', send: 'read -t 5 x\r' },
      { after: 'read -t 5 x\r\n', send: '\x03', settle: 500 },
      { after: '$ ', send: 'echo $?; exit 4\r' },
    ];
    // no history file; readline reads the host's inputrc and terminfo under qemu: the run gets the same
    const env = { PS1: '$ ', HOME: '/', TERM: 'xterm', HISTFILE: '' };
    const files = Object.fromEntries(['/etc/inputrc', '/lib/terminfo/x/xterm'].filter((f) => existsSync(f)).map((f) => [f, new Uint8Array(readFileSync(f))]));
    const expected = await ptyHost('qemu-aarch64', [path, '--norc', '--noprofile', '-i'], steps, { cwd: dirname(path), env });
    expect(expected.screen).toContain('130\r\nexit\r\n');
    expect(await typed(bash!, steps, { args: ['--norc', '--noprofile', '-i'], env, files }, inWorker)).toEqual(expected);
  }, 120_000);
});
