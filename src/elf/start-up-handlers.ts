// Programs whose language runtime installs a SIGSEGV handler before `main`: under the default
// protection such a process switches to checked code lifted at run time right at start-up
// (runtime/lifting.ts), so the CLI and the bundler plugin translate them with protect 'full'
// ahead of time instead (node/cache.ts faultHandlerProtect).
import { isGoProgram } from './go-pclntab.ts';
import type { ElfLayout } from './parse.ts';

/**
 * Rust's standard library catches stack overflows on the main thread with a SIGSEGV/SIGBUS
 * handler on an alternate stack, installed by std::rt before `main` (sys/unix/stack_overflow.rs);
 * the message it prints is in every program linked with it.
 */
const RUST_OVERFLOW_MESSAGE = new TextEncoder().encode("' has overflowed its stack\n");

/** the runtime that installs a SIGSEGV handler at start-up in `image`, if one is known to */
export function startUpFaultHandler(image: ElfLayout): 'Go' | 'Rust' | undefined {
  if (isGoProgram(image)) return 'Go';
  if (image.segments.some((s) => contains(s.data, RUST_OVERFLOW_MESSAGE))) return 'Rust';
  return undefined;
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!, last = hay.length - needle.length;
  for (let i = hay.indexOf(first); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return true;
  }
  return false;
}
