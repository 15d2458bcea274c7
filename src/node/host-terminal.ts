// The CLI's terminal. When stdin, stdout and stderr are a terminal, `elf2wasm run` gives the guest
// the runtime's terminal (runtime/terminal.ts: a termios, Linux's line discipline, a foreground
// process group) over the host's terminal put in raw mode, as qemu-user hands the guest the host's
// tty: a line editor's or vi's tcsetattr takes effect (the host's own echo and line editing would
// otherwise double them), ^C is SIGINT to the guest's foreground group even while it waits for
// input, and a resize is SIGWINCH. Node cannot set a terminal's modes beyond raw on/off, so this
// side saves and sets them with stty(1), which works on the terminal it inherits as stdin.
import { spawnSync } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import type { Interrupts } from '../runtime/interrupts.ts';
import type { TerminalSize } from '../runtime/terminal.ts';

const SIGCONT = 18;

/** from this side to the run's thread: typed bytes, a new size, the host's hang-up */
export type HostTerminalMessage = { tty: Uint8Array } | { ttySize: TerminalSize } | { ttyEnd: true };
/** from the run's thread: it asked for the terminal's next event (its guest is taking input), or
 *  the guest's first process stopped (^Z without job control in the guest) */
export type TerminalNotice = { ttyPull: true } | { ttyStopped: true };

/** ^C typed this many times while the guest takes no input ends the run (it computes without syscalls) */
const STUCK_INTERRUPTS = 3;

const stty = (args: string[]) => spawnSync('stty', args, { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8' });

export interface HostTerminal {
  readonly size: TerminalSize;
  /** passes keys and sizes to the run's thread until close() */
  attach(worker: Worker): void;
  /** the host's terminal as it was */
  close(): void;
}

/** the host's terminal in raw mode, or undefined when stdio is not one or its modes cannot be set */
export function openHostTerminal(interrupts: Interrupts): HostTerminal | undefined {
  if (!process.stdin.isTTY || !process.stdout.isTTY || !process.stderr.isTTY) return undefined;
  const saved = stty(['-g']).stdout?.trim();
  const raw = (): boolean => stty(['raw', '-echo']).status === 0;
  const cooked = (): void => void stty([saved!]);
  if (!saved || !raw()) return undefined;
  let closed = false;
  const restore = (): void => {
    if (closed) return;
    closed = true;
    cooked();
  };
  // the guest stopped as a whole: so does this process (the shell that started it takes the
  // terminal back), and once continued (fg) the guest is too
  const suspend = (): void => {
    cooked();
    process.kill(process.pid, 'SIGTSTP');
    raw();
    interrupts.send(SIGCONT);
  };
  // an exit on any path (an error, the user's escape below) leaves the terminal usable
  process.on('exit', restore);
  const size = (): TerminalSize => ({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  const off: (() => void)[] = [];
  return {
    size: size(),
    attach(worker) {
      let unanswered = 0;
      const onData = (bytes: Buffer): void => {
        // a guest computing without syscalls never reads ^C: typed again and again, it ends the run
        if (bytes.includes(3) && ++unanswered >= STUCK_INTERRUPTS) {
          restore();
          process.stderr.write('\nelf2wasm: the program takes no input: ended by ^C\n');
          process.exit(130);
        }
        worker.postMessage({ tty: new Uint8Array(bytes) } satisfies HostTerminalMessage);
        // taken at the guest's next syscall, also when it neither waits nor writes
        interrupts.sendInput();
      };
      const onEnd = (): void => worker.postMessage({ ttyEnd: true } satisfies HostTerminalMessage);
      const onResize = (): void => worker.postMessage({ ttySize: size() } satisfies HostTerminalMessage);
      const onNotice = (m: Partial<Record<'ttyPull' | 'ttyStopped', true>>): void => {
        if (m.ttyPull) unanswered = 0;
        if (m.ttyStopped && !closed) suspend();
      };
      process.stdin.on('data', onData).on('end', onEnd);
      process.stdout.on('resize', onResize);
      worker.on('message', onNotice);
      off.push(() => {
        process.stdin.off('data', onData).off('end', onEnd).pause();
        process.stdout.off('resize', onResize);
        worker.off('message', onNotice);
      });
    },
    close() {
      for (const f of off.splice(0)) f();
      restore();
      process.off('exit', restore);
    },
  };
}
