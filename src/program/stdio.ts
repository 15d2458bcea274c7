// The guest's stdio over browser_wasi_shim: stdin is a file over the given bytes, or a pipe the
// caller's async iterable feeds (runtime/host-pipe.ts); stdout and stderr keep the bytes the
// guest writes (binary output stays intact) and decode UTF-8 as it writes (never splitting a
// multi-byte sequence), streaming each piece of text to a callback.
import { ConsoleStdout, File, OpenFile } from '@bjorn3/browser_wasi_shim';
import type { ByteSource } from '../runtime/host-pipe.ts';
import type { RunOptions, RunResult } from './types.ts';

export class OutputSink {
  readonly fd: ConsoleStdout;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly chunks: Uint8Array[] = [];
  private readonly onText?: (text: string) => void;

  constructor(onText?: (text: string) => void) {
    this.onText = onText;
    // a copy: the shim hands out a view of guest memory, which the guest reuses
    this.fd = new ConsoleStdout((bytes) => this.write(bytes.slice()));
  }

  /** bytes written (kept as they are: the caller must not reuse them) */
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    if (this.onText) this.emit(this.decoder.decode(bytes, { stream: true }));
  }

  private emit(text: string): void {
    if (text) this.onText?.(text);
  }

  /** Everything written: the bytes, and the text (an incomplete or invalid sequence as U+FFFD). */
  finish(): { text: string; bytes: Uint8Array } {
    this.emit(this.decoder.decode());
    const bytes = new Uint8Array(this.chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of this.chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    return { text: new TextDecoder('utf-8').decode(bytes), bytes };
  }
}

/** A run's captured output, as RunResult has it. */
export function capturedOutput(stdout: OutputSink, stderr: OutputSink): Pick<RunResult, 'stdout' | 'stderr' | 'stdoutBytes' | 'stderrBytes'> {
  const out = stdout.finish();
  const err = stderr.finish();
  return { stdout: out.text, stderr: err.text, stdoutBytes: out.bytes, stderrBytes: err.bytes };
}

export function stdinFile(stdin: string | Uint8Array = ''): OpenFile {
  const bytes = typeof stdin === 'string' ? new TextEncoder().encode(stdin) : new Uint8Array(stdin);
  return new OpenFile(new File(bytes, { readonly: true }));
}

/** what a streamed stdin can be */
type Streamed = AsyncIterable<string | Uint8Array> | ReadableStream<string | Uint8Array>;

/** whether `stdin` is fed while the program runs (an async iterable or a ReadableStream) */
export function isStreamed(stdin: RunOptions['stdin']): stdin is Streamed {
  if (typeof stdin !== 'object' || stdin === null) return false;
  return typeof (stdin as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function' || typeof (stdin as Partial<ReadableStream>).getReader === 'function';
}

/** the chunks of a ReadableStream that is not async iterable (Safari's) */
function readerOf(stream: ReadableStream<string | Uint8Array>): AsyncIterator<string | Uint8Array> {
  const reader = stream.getReader();
  return {
    next: async () => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
    return: async () => {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

/** a streamed stdin's chunks as bytes (text as UTF-8; empty chunks skipped) */
export function byteSource(stdin: Streamed): ByteSource {
  let it: AsyncIterator<string | Uint8Array> | undefined;
  const encoder = new TextEncoder();
  return {
    async next(): Promise<Uint8Array | undefined> {
      it ??= Symbol.asyncIterator in stdin ? stdin[Symbol.asyncIterator]() : readerOf(stdin);
      for (;;) {
        const r = await it.next();
        if (r.done) return undefined;
        const chunk: unknown = r.value;
        const bytes = typeof chunk === 'string' ? encoder.encode(chunk)
          : ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : undefined;
        if (!bytes) throw new TypeError(`a stdin chunk must be a string or a Uint8Array, not ${chunk === null ? 'null' : typeof chunk}`);
        if (bytes.byteLength) return bytes;
      }
    },
    cancel(): void {
      // a ReadableStream's iterator cancels the stream; a generator runs its finally blocks
      Promise.resolve(it?.return?.()).catch(() => undefined);
    },
  };
}
