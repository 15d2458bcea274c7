// pselect6: select(2) over the readiness poll reports (poll.ts pollEvents): a read fd is ready
// for POLLIN, POLLHUP or POLLERR, a write fd for POLLOUT or POLLERR, an exception fd for POLLPRI
// (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET). bash's readline waits for keys with it.
import { E, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { int } from './args.ts';
import { POLL, pollEvents } from '../poll.ts';
import { waitForEvents } from './fs-io.ts';
import { waitWithMask } from './signal.ts';

/** the fd_sets read and written: an array of 64-bit words, bit fd of word fd / 64 */
interface FdSet { addr: bigint; words: bigint[] }

function readSet(g: Guest, addr: bigint, nfds: number): FdSet | undefined {
  if (addr === 0n) return undefined;
  const n = Math.ceil(nfds / 64);
  g.mem.check(addr, 8 * n);
  return { addr, words: Array.from({ length: n }, (_, i) => g.mem.u64(addr + BigInt(8 * i))) };
}

const has = (s: FdSet | undefined, fd: number): boolean => s !== undefined && ((s.words[fd >> 6]! >> BigInt(fd & 63)) & 1n) === 1n;

export const select: Record<string, Handler> = {
  pselect6: (g, nfdsArg, readAddr, writeAddr, exceptAddr, timeout, sigmaskArg) => {
    const nfds = int(nfdsArg);
    if (nfds < 0 || nfds > g.fds.limit) fail(E.EINVAL);
    const sets = [readSet(g, readAddr, nfds), readSet(g, writeAddr, nfds), readSet(g, exceptAddr, nfds)] as const;
    const wanted = [POLL.IN | POLL.RDNORM | POLL.HUP | POLL.ERR, POLL.OUT | POLL.WRNORM | POLL.ERR, POLL.PRI];
    for (let fd = 0; fd < nfds; fd++) if (sets.some((s) => has(s, fd)) && !g.fds.has(fd)) fail(E.EBADF);
    /** the ready fds of each set as words, and how many bits they hold */
    const scan = (): { ready: bigint[][]; count: number } => {
      let count = 0;
      const ready = sets.map((s) => new Array<bigint>(s?.words.length ?? 0).fill(0n));
      for (let fd = 0; fd < nfds; fd++) {
        if (!sets.some((s) => has(s, fd))) continue;
        const events = pollEvents(g, g.fds.get(fd), POLL.IN | POLL.RDNORM | POLL.OUT | POLL.WRNORM | POLL.PRI);
        sets.forEach((s, i) => {
          if (!has(s, fd) || !(events & wanted[i]!)) return;
          ready[i]![fd >> 6]! |= 1n << BigInt(fd & 63);
          count++;
        });
      }
      return { ready, count };
    };
    // the sixth argument: { const sigset_t *ss; size_t ss_len }, a mask for the time of the wait
    if (sigmaskArg) {
      g.mem.check(sigmaskArg, 16);
      const set = g.mem.u64(sigmaskArg);
      if (set) waitWithMask(g, set, g.mem.u64(sigmaskArg + 8n));
    }
    waitForEvents(g, timeout, () => scan().count > 0);
    const { ready, count } = scan();
    sets.forEach((s, i) => s?.words.forEach((_, w) => g.mem.setU64(s.addr + BigInt(8 * w), ready[i]![w]!)));
    return count;
  },
};
