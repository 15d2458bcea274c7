// SignalState (src/runtime/signals.ts) on its own: what a signal's action is at the moment each
// handler's frame is set up. Whole programs against qemu: test/signal-frames.test.ts (qemu-aarch64
// reports a process killed by a real-time signal with another number, so this case is tested here).
import { describe, expect, it } from 'vitest';
import { GuestKilled } from '../../src/runtime/errors.ts';
import { SA_NODEFER, SA_RESETHAND, SIG_DFL, SIG_IGN, SignalState } from '../../src/runtime/signals.ts';

const SIGCHLD = 17, SIGUSR1 = 10, SIGRTMIN = 34;

describe('SignalState.hasHandler', () => {
  it('is false for an ignored signal and for one whose default action is to ignore it', () => {
    const s = new SignalState();
    s.setAction(SIGUSR1, { handler: SIG_IGN, flags: 0n, restorer: 0n, mask: 0n });
    expect(s.hasHandler(SIGUSR1)).toBe(false);
    expect(s.hasHandler(SIGCHLD)).toBe(false);
  });

  it('gives a second queued instance of a SA_RESETHAND signal the default action once the first frame reset it', () => {
    const s = new SignalState();
    s.setAction(SIGRTMIN, { handler: 0x401000n, flags: SA_RESETHAND | SA_NODEFER, restorer: 0n, mask: 0n });
    expect(s.hasHandler(SIGRTMIN)).toBe(true);
    s.enterHandler(SIGRTMIN); // the first instance's frame: the action goes back to SIG_DFL
    expect(s.action(SIGRTMIN).handler).toBe(SIG_DFL);
    expect(() => s.hasHandler(SIGRTMIN)).toThrow(GuestKilled);
  });
});
