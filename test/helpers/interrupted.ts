// Running a program that a signal from outside interrupts, as a terminal's ^C does.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface Outcome { stdout: string; stderr: string; status: number }

/** a shell's status: the exit code, or 128 + N for a death by signal N */
export const signalStatus = (sig: NodeJS.Signals): number => 128 + constants.signals[sig];

/**
 * interrupt.c's 'pipe' case: the signal reaches the whole group, and the child's exit closes the
 * pipe; whether the parent's read ends with EINTR (its handler first) or with end of file (the
 * child's exit first) is a race on Linux too, so that one line is left out (loaded CI runs had
 * EINTR here); the status, the handler's line and the child's status are still compared
 */
export const settled = (o: Outcome): Outcome => ({ ...o, stdout: o.stdout.replace('read: Interrupted system call\n', '') });

/** how long after "ready" the signal goes: the program is then in its wait */
export const READY_DELAY_MS = 300;

/** runs `cmd` in a new process group; `sig` goes to the group READY_DELAY_MS after the first "ready" on stdout */
export function interrupted(cmd: string, args: string[], sig: NodeJS.Signals, opts: { cwd: string; env?: Record<string, string> }): Promise<Outcome> {
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { detached: true, cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env } });
    let stdout = '', stderr = '', sent = false;
    const guard = setTimeout(() => process.kill(-p.pid!, 'SIGKILL'), 60_000);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && stdout.includes('ready')) {
        sent = true;
        setTimeout(() => process.kill(-p.pid!, sig), READY_DELAY_MS);
      }
    });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', fail);
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ stdout, stderr, status: code ?? signalStatus(signal!) });
    });
  });
}
