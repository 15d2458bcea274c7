// Feeding stdin in steps while a program runs: each step's chunk goes once the program's stdout
// shows the step's marker, so a chunk never arrives before the program has finished with the one
// before. The same steps drive qemu-aarch64 (stdin a pipe the test writes) and the program API
// (stdin an async iterable).
import { spawn } from 'node:child_process';
import type { Outcome } from './interrupted.ts';

/** once stdout contains `after` (counting from the previous step's marker on), `send` goes;
 *  `send: null` closes stdin (EOF) */
export interface FeedStep { after: string; send: string | Uint8Array | null }

const GIVE_UP_MS = 30_000;

/** Runs `cmd` under the host kernel with stdin a pipe fed by `steps` (Node's own stdio 'pipe' is
 *  a socket: a cat between makes it a pipe, as a shell's `producer | cmd` has it). */
export function fedHost(cmd: string, args: string[], steps: FeedStep[], opts: { cwd: string; env?: Record<string, string> }): Promise<Outcome> {
  return new Promise((done, fail) => {
    const p = spawn('/bin/sh', ['-c', 'cat | exec "$@"', 'sh', cmd, ...args], { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', next = 0, seen = 0;
    const guard = setTimeout(() => p.kill('SIGKILL'), GIVE_UP_MS);
    const feed = (): void => {
      while (next < steps.length) {
        const { after, send } = steps[next]!;
        const at = stdout.indexOf(after, seen);
        if (at < 0) return;
        seen = at + after.length;
        next++;
        if (send === null) p.stdin.end();
        else p.stdin.write(send);
      }
    };
    p.stdin.on('error', () => undefined); // a program that exits before reading everything
    // decoded as a stream: a read may end inside a UTF-8 sequence
    p.stdout.setEncoding('utf8');
    p.stderr.setEncoding('utf8');
    p.stdout.on('data', (d: string) => { stdout += d; feed(); });
    p.stderr.on('data', (d: string) => { stderr += d; });
    p.on('error', fail);
    feed(); // steps due before any output
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ stdout, stderr, status: code ?? 128 + (signal ? 9 : 0) });
    });
  });
}

/**
 * The program API's side: an async iterable of the steps' chunks, each yielded once `output()`
 * (what onStdout has shown so far) contains its marker. It fails with a message naming the
 * marker when the program does not show it: a run that buffered stdin instead of reading it as
 * it comes would otherwise hang.
 */
export async function* fedSteps(steps: FeedStep[], output: () => string): AsyncGenerator<string | Uint8Array> {
  let seen = 0;
  for (const { after, send } of steps) {
    const start = performance.now();
    for (;;) {
      const at = output().indexOf(after, seen);
      if (at >= 0) {
        seen = at + after.length;
        break;
      }
      if (performance.now() - start > GIVE_UP_MS) throw new Error(`the program never wrote ${JSON.stringify(after)} (stdout so far: ${JSON.stringify(output())})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (send === null) return;
    yield send;
  }
}
