// Signals sent to a run from outside it: Ctrl-C at the CLI, a program API caller's kill(). The
// guest runs synchronously (its thread is busy until it waits), so the sender cannot call into
// the kernel: it sets a bit in a shared word instead, and the kernel takes the word at every
// syscall and whenever it waits (its sleeps wait on this word, so a sender's notify wakes them).

/** whether `buffer` is shared memory (a page that is not cross-origin isolated has no SharedArrayBuffer at all) */
export function isShared(buffer: ArrayBufferLike): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

/** a pending-signal word shared between the run and whoever may signal it */
export class Interrupts {
  /** bit N-1: signal N is pending (1..31, the signals a terminal or a caller sends) */
  readonly cell: Int32Array;

  constructor(cell?: Int32Array) {
    this.cell = cell ?? new Int32Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
  }

  /** the host's terminal has keys the run has not taken (bit 31; the signals use bits 0-30) */
  static readonly INPUT = 1 << 31;

  /** the host typed at the run's terminal: the run takes the keys at its next syscall (Terminal.takeWaiting) */
  sendInput(): void {
    Atomics.or(this.cell, 0, Interrupts.INPUT);
    if (isShared(this.cell.buffer)) Atomics.notify(this.cell, 0);
  }

  /** whether keys were typed since the last call */
  takeInput(): boolean {
    if (!(Atomics.load(this.cell, 0) & Interrupts.INPUT)) return false;
    return (Atomics.and(this.cell, 0, ~Interrupts.INPUT) & Interrupts.INPUT) !== 0;
  }

  /** marks `sig` pending and wakes a run that sleeps; false when it was already pending (not yet noticed) */
  send(sig: number): boolean {
    if (!Number.isInteger(sig) || sig < 1 || sig > 31) throw new RangeError(`not a signal the run can be sent: ${sig}`);
    const before = Atomics.or(this.cell, 0, 1 << (sig - 1));
    if (isShared(this.cell.buffer)) Atomics.notify(this.cell, 0);
    return (before & (1 << (sig - 1))) === 0;
  }

  /** the signals sent since the last take, lowest first (Linux delivers the lowest pending first) */
  take(): number[] {
    if ((Atomics.load(this.cell, 0) & ~Interrupts.INPUT) === 0) return [];
    const bits = Atomics.and(this.cell, 0, Interrupts.INPUT) & ~Interrupts.INPUT;
    const sigs: number[] = [];
    for (let s = 1; s <= 31; s++) if (bits & (1 << (s - 1))) sigs.push(s);
    return sigs;
  }

  /** resolves after `ms` or as soon as a signal is sent (without the SharedArrayBuffer: after `ms`) */
  idle(ms: number): Promise<void> {
    const waitAsync = (Atomics as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<unknown> | string } }).waitAsync;
    if (waitAsync && isShared(this.cell.buffer)) {
      const r = waitAsync(this.cell, 0, 0, ms);
      if (!r.async) return Promise.resolve();
      // a pending waitAsync does not keep Node's event loop alive (a worker whose run only sleeps
      // would end with its promise unsettled): a timer of the same length does
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
      return Promise.race([(r.value as Promise<unknown>).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
    }
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** signal names a caller may use for numbers: those a terminal or a user sends */
const NAMES: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGWINCH: 28 };

/** a signal given by number or name ('SIGINT', 'INT'), as Linux numbers it on AArch64 */
export function signalNumber(sig: number | string): number {
  if (typeof sig === 'number') return sig;
  const n = NAMES[sig.startsWith('SIG') ? sig : `SIG${sig}`];
  if (n === undefined) throw new RangeError(`unknown signal: ${sig}`);
  return n;
}
