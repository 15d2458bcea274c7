// The guest's stdio over browser_wasi_shim: stdin is a file over the given bytes; stdout and
// stderr keep the bytes the guest writes (binary output stays intact) and decode UTF-8 as it
// writes (never splitting a multi-byte sequence), streaming each piece of text to a callback.
import { ConsoleStdout, File, OpenFile } from '@bjorn3/browser_wasi_shim';
import type { RunResult } from './types.ts';

export class OutputSink {
  readonly fd: ConsoleStdout;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly chunks: Uint8Array[] = [];
  private readonly onText?: (text: string) => void;

  constructor(onText?: (text: string) => void) {
    this.onText = onText;
    this.fd = new ConsoleStdout((bytes) => {
      // a copy: the shim hands out a view of guest memory, which the guest reuses
      this.chunks.push(bytes.slice());
      if (this.onText) this.emit(this.decoder.decode(bytes, { stream: true }));
    });
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
