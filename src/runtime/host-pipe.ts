// A pipe whose writing end is the host: stdin that a program API caller feeds while the program
// runs. The guest reads it as any pipe (fdtable.ts Pipe: short reads, EOF, O_NONBLOCK, poll); a
// read finding it empty makes the process wait, and because only the host can end that wait,
// the process unwinds and the run awaits the next chunk (Kernel.runAll), which frees the thread
// (a worker's messages, the caller's own stream) until it comes. Chunks are pulled one at a
// time, and only while the pipe has room: a fast source does not fill memory ahead of the guest.
import { Pipe } from './fdtable.ts';

/** where a host pipe's bytes come from */
export interface ByteSource {
  /** the next chunk (empty chunks are skipped); undefined at the end */
  next(): Promise<Uint8Array | undefined>;
  /** the run no longer reads: let go of the source (cancel a stream) */
  cancel?(): void;
}

/** input the host gives while the run goes on (a HostPipe, a Terminal): Kernel.runAll awaits it */
export interface HostInput {
  /** whether the host may still give something a process waits for (a wait on it can end without any process) */
  readonly open: boolean;
  /** set once the source failed: the run ends with it */
  readonly error?: Error;
  /** resolves at the next change */
  changed(): Promise<void>;
}

/** the promises of those awaiting a HostInput's next change (HostInput.changed) */
export class Changes {
  private waiting: (() => void)[] = [];
  next(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** the source of a host pipe failed: the run ends with this error */
export class InputFailed extends Error {
  constructor(cause: unknown) {
    super(`stdin failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InputFailed';
  }
}

export class HostPipe extends Pipe implements HostInput {
  /** set once the source failed */
  error?: InputFailed;
  private hostWrites = true;
  private stopped = false;
  private released = false;
  private readonly changes = new Changes();
  private room?: () => void;

  constructor(private readonly source: ByteSource) {
    super();
    this.writers = 1; // the host
  }

  /** whether the host may still write something a reader waits for (a wait on it can end without any process) */
  get open(): boolean {
    return this.hostWrites && !this.error && !this.stopped && this.readers > 0;
  }

  /** resolves at the next change: a chunk, the end or a failure */
  changed(): Promise<void> {
    return this.changes.next();
  }

  override take(max: number): Uint8Array {
    const out = super.take(max);
    if (this.size < Pipe.CAPACITY) this.wake();
    return out;
  }

  /** starts pulling from the source; call once the guest holds the reading end */
  start(): void {
    void this.pump();
  }

  /** the run ended: no more pulling; the source is let go */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    this.release();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        while (this.size >= Pipe.CAPACITY && !this.stopped) await new Promise<void>((resolve) => { this.room = resolve; });
        if (!this.open) break;
        const chunk = await this.source.next();
        if (this.stopped) break;
        if (chunk === undefined) {
          this.hostWrites = false;
          this.writers--;
          break;
        }
        // nobody left to read it (every fd 0 closed): dropped, as a write to such a pipe would fail
        if (this.readers > 0) this.push(chunk);
        this.changes.notify();
      }
    } catch (e) {
      if (!this.stopped) this.error = new InputFailed(e);
    }
    if (this.readers === 0) this.release();
    this.changes.notify();
  }

  /** lets go of a source that has not ended or failed (once) */
  private release(): void {
    if (!this.hostWrites || this.error || this.released) return;
    this.released = true;
    this.source.cancel?.();
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

}
