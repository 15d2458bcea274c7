// The guest's stdio over browser_wasi_shim: stdin is a file over the given bytes; stdout and
// stderr decode UTF-8 as the guest writes (never splitting a multi-byte sequence), stream each
// piece to a callback and collect the whole text.
import { ConsoleStdout, File, OpenFile } from '@bjorn3/browser_wasi_shim';

export class OutputSink {
  readonly fd: ConsoleStdout;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly chunks: string[] = [];
  private readonly onText?: (text: string) => void;

  constructor(onText?: (text: string) => void) {
    this.onText = onText;
    this.fd = new ConsoleStdout((bytes) => this.push(this.decoder.decode(bytes, { stream: true })));
  }

  private push(text: string): void {
    if (!text) return;
    this.chunks.push(text);
    this.onText?.(text);
  }

  /** Flushes an incomplete trailing sequence (as U+FFFD) and returns everything written. */
  finish(): string {
    this.push(this.decoder.decode());
    return this.chunks.join('');
  }
}

export function stdinFile(stdin: string | Uint8Array = ''): OpenFile {
  const bytes = typeof stdin === 'string' ? new TextEncoder().encode(stdin) : new Uint8Array(stdin);
  return new OpenFile(new File(bytes, { readonly: true }));
}
