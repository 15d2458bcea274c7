// The host's side of a run's terminal (RunOptions.terminal): what RunningProgram.write and resize
// queue until the run takes it (on the caller's thread, or pulled by a worker like streamed stdin).
import { checkSize, type TerminalEvent, type TerminalSize, type TerminalSource } from '../runtime/terminal.ts';
import type { RunOptions } from './types.ts';

/** the size a run's terminal starts with: the option's, else 80×24 */
export function terminalSize(option: RunOptions['terminal']): TerminalSize | undefined {
  if (!option) return undefined;
  const given = option === true ? {} : option;
  return { columns: given.columns ?? 80, rows: given.rows ?? 24 };
}

export class TerminalFeed implements TerminalSource {
  private readonly events: TerminalEvent[] = [];
  /** wakes a next() that waits; the event stays queued until it is taken, so that poll() finds it */
  private wake?: () => void;
  private ended = false;
  private readonly encoder = new TextEncoder();

  /** keys typed (text as UTF-8, bytes as they are) */
  write(data: string | Uint8Array): void {
    if (typeof data === 'string') this.push(this.encoder.encode(data));
    else if (data instanceof Uint8Array) this.push(data.slice());
    else throw new TypeError(`terminal input must be a string or a Uint8Array, not ${data === null ? 'null' : typeof data}`);
  }

  resize(columns: number, rows: number): void {
    checkSize({ columns, rows });
    // sizes not yet taken are superseded (the program sees the last one, as after a quick drag)
    const last = this.events.at(-1);
    if (last !== undefined && !(last instanceof Uint8Array)) this.events.pop();
    this.push({ columns, rows });
  }

  async next(): Promise<TerminalEvent | undefined> {
    while (!this.events.length && !this.ended) await new Promise<void>((resolve) => { this.wake = resolve; });
    return this.events.shift();
  }

  /** the events queued and not yet taken, taken now (TerminalSource.poll) */
  poll(): TerminalEvent[] {
    return this.events.splice(0);
  }

  /** the host hung up: next() gives what is queued, then the end */
  end(): void {
    this.ended = true;
    this.notify();
  }

  cancel(): void {
    this.events.length = 0;
    this.end();
  }

  private push(event: TerminalEvent): void {
    if (this.ended || (event instanceof Uint8Array && !event.byteLength)) return;
    this.events.push(event);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
