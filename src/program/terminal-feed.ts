// The host's side of a run's terminal (RunOptions.terminal): what RunningProgram.write and resize
// queue until the run takes it (on the caller's thread, or pulled by a worker like streamed stdin).
import type { TerminalEvent, TerminalSize, TerminalSource } from '../runtime/terminal.ts';
import type { RunOptions } from './types.ts';

/** the size a run's terminal starts with: the option's, else 80×24 */
export function terminalSize(option: RunOptions['terminal']): TerminalSize | undefined {
  if (!option) return undefined;
  const given = option === true ? {} : option;
  return { columns: given.columns ?? 80, rows: given.rows ?? 24 };
}

export class TerminalFeed implements TerminalSource {
  private readonly events: TerminalEvent[] = [];
  private waiting?: (event: TerminalEvent | undefined) => void;
  private ended = false;
  private readonly encoder = new TextEncoder();

  /** keys typed (text as UTF-8, bytes as they are) */
  write(data: string | Uint8Array): void {
    if (typeof data === 'string') this.push(this.encoder.encode(data));
    else if (data instanceof Uint8Array) this.push(data.slice());
    else throw new TypeError(`terminal input must be a string or a Uint8Array, not ${data === null ? 'null' : typeof data}`);
  }

  resize(columns: number, rows: number): void {
    const ok = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 0xffff;
    if (!ok(columns) || !ok(rows)) throw new RangeError(`a terminal is resized to whole columns and rows from 1 to 65535, not ${columns}×${rows}`);
    // sizes not yet taken are superseded (the program sees the last one, as after a quick drag)
    const last = this.events.at(-1);
    if (last !== undefined && !(last instanceof Uint8Array)) this.events.pop();
    this.push({ columns, rows });
  }

  next(): Promise<TerminalEvent | undefined> {
    if (this.events.length) return Promise.resolve(this.events.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => { this.waiting = resolve; });
  }

  cancel(): void {
    this.ended = true;
    this.events.length = 0;
    this.waiting?.(undefined);
    this.waiting = undefined;
  }

  private push(event: TerminalEvent): void {
    if (this.ended || (event instanceof Uint8Array && !event.byteLength)) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(event);
    else this.events.push(event);
  }
}
