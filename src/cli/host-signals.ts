// The host's signals to `elf2wasm run`, passed to the guest as a terminal passes ^C to its
// foreground job (qemu-user does the same: the guest's handler runs, or the default action kills it).
import type { Interrupts } from '../runtime/interrupts.ts';

/** the signals a user sends a foreground program: Ctrl-C, Ctrl-\, kill, a closed terminal */
const FORWARDED = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 } as const;
/** the user-defined ones (SIGUSR1 would otherwise start Node's inspector): one again before the guest took it merges with it, as Linux's do */
const MERGED = { SIGUSR1: 10, SIGUSR2: 12 } as const;

/**
 * Forwards those signals to the run until the returned function is called. A guest notices a
 * signal only at its next syscall or wait (it runs synchronously: one computing without syscalls
 * never does), so the same signal again before the guest took the first ends the run at once,
 * with 128 + N as a shell reports a killed child: the user is never stuck.
 */
export function forwardHostSignals(interrupts: Interrupts): () => void {
  const listeners = Object.entries({ ...FORWARDED, ...MERGED }).map(([name, sig]) => {
    const listener = (): void => {
      if (!interrupts.send(sig) && !(name in MERGED)) process.exit(128 + sig);
    };
    process.on(name as NodeJS.Signals, listener);
    return () => process.off(name as NodeJS.Signals, listener);
  });
  return () => listeners.forEach((off) => off());
}
