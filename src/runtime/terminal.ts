// A terminal the host drives (the program API's `terminal` option, e.g. xterm.js): the guest's
// controlling tty, fds 0, 1 and 2 and /dev/tty. The host types bytes and resizes it; the line
// discipline (line-discipline.ts) turns keys into input, echo and signals; what processes write
// goes through it to the host's screen in the order written. Input arrives as HostPipe's does
// (pulled from a source while the run goes on; a read finding nothing unwinds and the run awaits
// the next event, see Kernel.runAll), so a waiting read never blocks the host's thread.
import { Changes, InputFailed, type HostInput } from './host-pipe.ts';
import { LineDiscipline } from './line-discipline.ts';

export interface TerminalSize { columns: number; rows: number }
/** what the host does to a terminal: typed bytes, or a new size */
export type TerminalEvent = Uint8Array | TerminalSize;

export interface TerminalSource {
  /** the next event; undefined: the host hung up (reads then find end of file) */
  next(): Promise<TerminalEvent | undefined>;
  /** the events the host has sent already, taken without waiting (a worker's receiveMessageOnPort),
   *  in order after those next() gave: see Terminal.takeWaiting */
  poll?(): (TerminalEvent | undefined)[];
  /** the run ended: let go of the source */
  cancel?(): void;
}

const SIGWINCH = 28;
/** screen output goes to the host as it is written, but for at most BURST writes in FLUSH_MS:
 *  beyond that (`yes`) it is gathered until the window ends or the run waits (Kernel flushes it) */
const FLUSH_MS = 16;
const BURST = 16;

export class Terminal implements HostInput {
  readonly discipline: LineDiscipline;
  rows: number;
  columns: number;
  /** the foreground process group (tcsetpgrp) and the session the terminal controls */
  foreground = 0;
  session = 0;
  /** open file descriptions of it: while none is left, no input is waited for */
  holders = 0;
  /** the host or the session hung up: reads find end of file, writes fail */
  hungUp = false;
  error?: InputFailed;
  private stopped = false;
  private readonly changes = new Changes();
  private screen: Uint8Array[] = [];
  private flushedAt = 0;
  private windowStart = 0;
  private writes = 0;

  constructor(private readonly source: TerminalSource, size: TerminalSize, private readonly sink: (bytes: Uint8Array) => void) {
    checkSize(size);
    this.rows = size.rows;
    this.columns = size.columns;
    this.discipline = new LineDiscipline((bytes) => this.screen.push(bytes));
  }

  /** whether the host may still type something (a wait on it can end without any process) */
  get open(): boolean {
    return !this.stopped && !this.hungUp && !this.error && this.holders > 0;
  }

  changed(): Promise<void> {
    return this.changes.next();
  }

  /** starts taking the host's events; call once the first process holds the terminal */
  start(): void {
    void this.pump();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.flush();
    this.source.cancel?.();
    this.changes.notify();
  }

  /** the session's leader ended: reads find end of file, writes fail (EIO), keys are no longer taken */
  hangUp(): void {
    this.hungUp = true;
    this.flush();
    this.source.cancel?.();
    this.changes.notify();
  }

  /** bytes a process writes: post-processed onto the screen */
  output(bytes: Uint8Array): void {
    this.discipline.write(bytes);
    const now = performance.now();
    if (now - this.windowStart >= FLUSH_MS) {
      this.windowStart = now;
      this.writes = 0;
    }
    if (++this.writes <= BURST || now - this.flushedAt >= FLUSH_MS) this.flush();
  }

  /** flushes output gathered during a burst once its window has passed (at every syscall) */
  flushIfDue(): void {
    if (this.screen.length && performance.now() - this.flushedAt >= FLUSH_MS) this.flush();
  }

  /** hands the screen output so far to the host */
  flush(): void {
    this.flushedAt = performance.now();
    if (!this.screen.length) return;
    const parts = this.screen;
    this.screen = [];
    this.sink(parts.length === 1 ? parts[0]! : concat(parts));
  }

  /** a new size (the host's or TIOCSWINSZ): the foreground group gets SIGWINCH when it changed */
  resize(size: TerminalSize): void {
    checkSize(size);
    if (size.rows === this.rows && size.columns === this.columns) return;
    this.rows = size.rows;
    this.columns = size.columns;
    this.discipline.signals.push(SIGWINCH);
  }

  /** signals for the foreground process group since the last take (^C, ^\, ^Z, a resize) */
  takeSignals(): number[] {
    const sigs = this.discipline.signals;
    if (!sigs.length) return sigs;
    this.discipline.signals = [];
    return sigs;
  }

  /**
   * Takes the events the host has sent but the pump has not, now (the kernel calls it at a syscall
   * once the host says keys were typed: Interrupts.sendInput): a process that makes syscalls but
   * neither waits nor writes, which never lets the pump run, still gets ^C.
   */
  takeWaiting(): void {
    if (this.stopped || this.hungUp) return;
    for (const event of this.source.poll?.() ?? []) if (!this.take(event)) break;
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped && !this.hungUp) {
        const event = await this.source.next();
        if (this.stopped || this.hungUp || !this.take(event)) break;
      }
    } catch (e) {
      if (!this.stopped) this.error = new InputFailed(e);
    }
    this.changes.notify();
  }

  /** one event of the host's: false when it hung up */
  private take(event: TerminalEvent | undefined): boolean {
    if (event === undefined) {
      this.hungUp = true;
      return false;
    }
    if (event instanceof Uint8Array) this.discipline.receive(event);
    else this.resize(event);
    this.flush(); // the echo
    this.changes.notify();
    return true;
  }

}

/** a terminal's size must be whole columns and rows from 1 to 65535 (TIOCSWINSZ's u16) */
export function checkSize(size: TerminalSize): void {
  const ok = (n: unknown): boolean => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 0xffff;
  if (!ok(size.columns) || !ok(size.rows)) throw new RangeError(`a terminal size is whole columns and rows from 1 to 65535, not ${JSON.stringify(size)}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
