// Typing at a real Linux terminal: `cmd` runs under a pty (util-linux script(1)), and each step's
// keys go to the pty once its screen shows the step's marker (as fed-stdin.ts does for a pipe),
// so the line discipline sees every key in the mode the program has set by then. What the pty
// shows (program output and echo, as a terminal emulator would get them) and the exit status are
// the expectations the program API's terminal must meet.
import { spawn } from 'node:child_process';
import type { FeedStep } from './fed-stdin.ts';

const GIVE_UP_MS = 60_000;

export interface PtyOutcome { screen: string; status: number }

/** a FeedStep that may wait `settle` ms after its marker: a signal key typed right after a prompt
 *  could come before the program's read (on Linux as here), which then would not be interrupted */
export interface KeyStep extends FeedStep { settle?: number }

const settled = (step: KeyStep): Promise<void> => new Promise((resolve) => setTimeout(resolve, step.settle ?? 0));

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** runs `cmd args` on a fresh pty of `columns`×`rows`, typing `steps` */
export function ptyHost(cmd: string, args: string[], steps: KeyStep[], opts: { cwd: string; env?: Record<string, string>; columns?: number; rows?: number }): Promise<PtyOutcome> {
  // the pty's size is set before the program starts; script's stdin is a pipe (not a terminal), so
  // the pty keeps Linux's default settings
  const line = `stty cols ${opts.columns ?? 80} rows ${opts.rows ?? 24} && exec ${[cmd, ...args].map(quote).join(' ')}`;
  return new Promise((done, fail) => {
    const p = spawn('script', ['-qfec', line, '/dev/null'], { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['pipe', 'pipe', 'inherit'] });
    let screen = '', next = 0, seen = 0, settling = false;
    const guard = setTimeout(() => p.kill('SIGKILL'), GIVE_UP_MS);
    const feed = (): void => {
      while (next < steps.length && !settling) {
        const step = steps[next]!;
        const at = screen.indexOf(step.after, seen);
        if (at < 0) return;
        seen = at + step.after.length;
        next++;
        settling = true;
        void settled(step).then(() => {
          settling = false;
          if (step.send !== null) p.stdin.write(step.send);
          feed();
        });
      }
    };
    p.stdin.on('error', () => undefined);
    p.stdout.setEncoding('latin1'); // bytes as they are: the screen is compared byte for byte
    p.stdout.on('data', (d: string) => { screen += d; feed(); });
    p.on('error', fail);
    feed();
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ screen, status: code ?? 128 + (signal ? 9 : 0) });
    });
  });
}

/** types `steps` at a running program's terminal (RunningProgram.write), each once `screen()` shows its marker */
export async function typeSteps(keys: (data: string | Uint8Array) => void, steps: KeyStep[], screen: () => string): Promise<void> {
  let seen = 0;
  for (const step of steps) {
    const { after, send } = step;
    const start = performance.now();
    for (;;) {
      const at = screen().indexOf(after, seen);
      if (at >= 0) {
        seen = at + after.length;
        break;
      }
      if (performance.now() - start > GIVE_UP_MS) throw new Error(`the terminal never showed ${JSON.stringify(after)} (screen so far: ${JSON.stringify(screen())})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await settled(step);
    if (send !== null) keys(send);
  }
}

/** bytes as a string of code points 0..255 (how ptyHost reads the screen) */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
