// Messages between the caller's thread and a program worker (src/program/worker.ts), and the
// small adapter over Web Workers (EventTarget) and Node's worker_threads (EventEmitter).
import type { ProcessImage } from '../runtime/kernel.ts';
import type { TerminalSize } from '../runtime/terminal.ts';
import type { PlainRunOptions } from './execute.ts';
import type { ProgramImages } from './programs.ts';
import { ProgramError, type ProgramErrorCode, type RunResult, type WorkerLike } from './types.ts';

export interface RunRequest {
  kind: 'elf2wasm:run';
  id: number;
  name: string;
  /** the program, its libraries placed (modules cross to a worker as they are) */
  image: ProcessImage;
  /** the programs it can execve (ProgramSource.programs, compiled) */
  programs?: ProgramImages;
  options: PlainRunOptions;
  /** whether to send stdout (fd 1) / stderr (fd 2) text as it is written */
  stream: [boolean, boolean];
  /** stdin (or, with options.terminal, the terminal's keys and sizes) is fed while the program
   *  runs: the worker asks for each chunk (elf2wasm:stdin-pull), the caller answers with an
   *  elf2wasm:stdin message */
  streamStdin: boolean;
}

/** the caller's answer to a stdin-pull: a chunk (or, for a terminal, a new size), the end (neither) or the source's failure */
export interface StdinChunk { kind: 'elf2wasm:stdin'; id: number; chunk?: Uint8Array; size?: TerminalSize; error?: SerializedError }

export interface SerializedError { name: string; message: string; stack?: string; code?: ProgramErrorCode; program?: string }

export type WorkerReply =
  | { kind: 'elf2wasm:out'; id: number; fd: 1 | 2; text: string }
  | { kind: 'elf2wasm:done'; id: number; result: RunResult }
  | { kind: 'elf2wasm:error'; id: number; error: SerializedError }
  | { kind: 'elf2wasm:stdin-pull'; id: number };

const REPLIES = new Set<unknown>(['elf2wasm:out', 'elf2wasm:done', 'elf2wasm:error', 'elf2wasm:stdin-pull']);

export function isReply(data: unknown): data is WorkerReply {
  return REPLIES.has((data as { kind?: unknown } | null)?.kind);
}

export function isStdinChunk(data: unknown): data is StdinChunk {
  return (data as { kind?: unknown } | null)?.kind === 'elf2wasm:stdin';
}

export function isRequest(data: unknown): data is RunRequest {
  return (data as { kind?: unknown } | null)?.kind === 'elf2wasm:run';
}

/** Subscribes to `type` events; message listeners get the message data. Returns the unsubscriber. */
export function listen(target: WorkerLike, type: string, fn: (data: unknown) => void): () => void {
  if (typeof target.addEventListener === 'function') {
    const handler = (event: unknown): void => fn(type === 'message' ? (event as MessageEvent).data : event);
    target.addEventListener(type, handler);
    return () => target.removeEventListener?.(type, handler);
  }
  if (typeof target.on === 'function') {
    const handler = (data: unknown): void => fn(data);
    target.on(type, handler);
    return () => target.off?.(type, handler);
  }
  throw new TypeError('worker: expected an object with addEventListener or on');
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof ProgramError) return { name: e.name, message: e.message, stack: e.stack, code: e.code, program: e.program };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

export function deserializeError(s: SerializedError): Error {
  let e: Error;
  if (s.code && s.program !== undefined) {
    e = new ProgramError(s.program, s.code, '');
    e.message = s.message;
  } else {
    e = s.name === 'TypeError' ? new TypeError(s.message) : s.name === 'RangeError' ? new RangeError(s.message) : new Error(s.message);
    if (e.name !== s.name) e.name = s.name;
  }
  if (s.stack) e.stack = s.stack;
  return e;
}
