// Typed errors that end a guest program. They are thrown out of the translated code (through
// the `linux.*` imports or as Wasm traps) and turned into an exit status by process.ts.
import { TrapKind, type TranslationMeta } from '../meta.ts';

export const SIGNAL = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGXFSZ: 25 } as const;

/** exit/exit_group: the program ended normally. */
export class GuestExit extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`guest exited with status ${status}`);
    this.name = 'GuestExit';
    this.status = status & 0xff;
  }
}

/** The guest was killed by a signal it did not handle (kill/tgkill to itself, SIGPIPE...).
 *  Like the kernel, the runtime prints nothing: only a shell would. */
export class GuestKilled extends Error {
  readonly signal: number;
  constructor(signal: number) {
    super(`guest killed by signal ${signal}`);
    this.name = 'GuestKilled';
    this.signal = signal;
  }
}

/** Formats a guest address as hex plus the nearest preceding symbol, e.g. "0x4012a4 (memcpy+36)". */
export function describePc(pc: number, symbols: TranslationMeta['symbols'] | undefined): string {
  const hex = `0x${pc.toString(16)}`;
  if (!symbols || symbols.length === 0) return hex;
  let lo = 0;
  let hi = symbols.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid]![0] <= pc) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return hex;
  const [addr, name] = symbols[found]!;
  return pc === addr ? `${hex} (${name})` : `${hex} (${name}+${pc - addr})`;
}

/** The translated code reached something it cannot execute (linux.trap). */
export class GuestTrap extends Error {
  readonly kind: number;
  readonly pc: number;
  readonly info: bigint;
  readonly signal: number;
  constructor(kind: number, pc: number, info: bigint, symbols?: TranslationMeta['symbols'], detail?: string) {
    const where = describePc(pc, symbols);
    const hex = `0x${info.toString(16)}`;
    let message: string;
    let signal: number;
    switch (kind) {
      case TrapKind.Unimplemented:
        message = `unimplemented instruction at ${where}: encoding ${hex}`;
        signal = SIGNAL.SIGILL;
        break;
      case TrapKind.UnknownTarget:
        // Linux would fault on fetching from an unmapped/non-executable address.
        message = `jump to untranslated address ${describePc(Number(info), symbols)} from ${where}${detail ? `: ${detail}` : ''}`;
        signal = SIGNAL.SIGSEGV;
        break;
      case TrapKind.Breakpoint:
        message = `breakpoint (#${hex}) at ${where}`;
        signal = SIGNAL.SIGTRAP;
        break;
      case TrapKind.Undefined:
        message = `undefined instruction at ${where}: encoding ${hex}`;
        signal = SIGNAL.SIGILL;
        break;
      default:
        message = `unknown trap kind ${kind} at ${where} (info ${hex})`;
        signal = SIGNAL.SIGILL;
    }
    super(message);
    this.name = 'GuestTrap';
    this.kind = kind;
    this.pc = pc;
    this.info = info;
    this.signal = signal;
  }
}

/** A Wasm trap inside guest code (out-of-bounds access, host stack exhaustion...): the guest
 *  would have received SIGSEGV. */
export class GuestFault extends Error {
  readonly signal: number;
  constructor(detail: string, options?: { cause?: unknown }, signal: number = SIGNAL.SIGSEGV) {
    super(`guest fault: ${detail}`, options);
    this.name = 'GuestFault';
    this.signal = signal;
  }
}

/** Converts a host error raised while guest code ran into GuestFault, or returns undefined if it
 *  is not a guest fault (then it is a runtime bug and should propagate). */
export function asGuestFault(error: unknown, where?: string): GuestFault | undefined {
  const suffix = where ? ` (${where})` : '';
  if (error instanceof WebAssembly.RuntimeError) return new GuestFault(error.message + suffix, { cause: error });
  // Deep guest recursion exhausts the host stack before the guest's 8 MiB stack.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new GuestFault(`stack overflow${suffix}`, { cause: error });
  }
  return undefined;
}
