// epoll instances: a set of (fd, open file) items, each with the events it asks for, reported in
// the order of Linux's ready list: items join its end as they become ready, a level-triggered
// item reported goes back to the end while still ready (so a small maxevents takes turns), an
// edge-triggered one is reported again only after its file wakes its waiters again (poll.ts
// wakeups), an EPOLLONESHOT one not until EPOLL_CTL_MOD re-arms it.
import { E, fail } from './errno.ts';
import type { AnonFile, OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import { POLL, pollEvents, READABLE, wakeups } from './poll.ts';

export const EPOLL = { IN: 0x1, OUT: 0x4, ERR: 0x8, HUP: 0x10, EXCLUSIVE: 1 << 28, WAKEUP: 1 << 29, ONESHOT: 1 << 30, ET: 1 << 31 } as const;
export const EPOLL_CTL = { ADD: 1, DEL: 2, MOD: 3 } as const;
/** the bits of an item's events that are not events to report */
const MODES = EPOLL.EXCLUSIVE | EPOLL.WAKEUP | EPOLL.ONESHOT | EPOLL.ET;
/** the events that count a file's input wake-ups, and its output ones */
const INPUT = POLL.IN | POLL.PRI | POLL.RDNORM | POLL.RDBAND | POLL.RDHUP;
const OUTPUT = POLL.OUT | POLL.WRNORM | POLL.WRBAND;
/** Linux's limit on instances watching instances */
const EP_MAX_NESTS = 4;

/** the events an item reports: EPOLLERR and EPOLLHUP always; EPOLLWAKEUP needs CAP_BLOCK_SUSPEND, which Linux drops silently */
const asked = (events: number): number => (events & ~EPOLL.WAKEUP) | EPOLL.ERR | EPOLL.HUP;

interface Item {
  fd: number;
  file: OpenFile;
  events: number;
  data: bigint;
  /** the file's wake-ups when an edge-triggered item was last reported (undefined: since added or modified, not yet) */
  seen?: readonly [number, number];
}

export class Epoll implements AnonFile {
  readonly link = 'anon_inode:[eventpoll]';
  items: Item[] = [];
  /** Linux's ready list */
  private queue: Item[] = [];

  /** epoll_ctl on the item of `fd` (whose open file is `file`) */
  ctl(op: number, fd: number, file: OpenFile, events: number, data: bigint): void {
    this.prune();
    const it = this.items.find((i) => i.fd === fd && i.file === file);
    if (op === EPOLL_CTL.ADD) {
      if (it) fail(E.EEXIST);
      this.items.push({ fd, file, events: asked(events), data });
    } else if (op === EPOLL_CTL.DEL || op === EPOLL_CTL.MOD) {
      if (!it) fail(E.ENOENT);
      if (op === EPOLL_CTL.DEL) {
        this.items = this.items.filter((i) => i !== it);
        this.queue = this.queue.filter((i) => i !== it);
        return;
      }
      if (it.events & EPOLL.EXCLUSIVE) fail(E.EINVAL);
      it.events = asked(events);
      it.data = data;
      it.seen = undefined;
    } else fail(E.EINVAL);
  }

  /** items whose open file is closed leave the set, as on Linux (not those of an fd closed while the file stays open through another) */
  private prune(): void {
    if (!this.items.some((i) => i.file.refs === 0)) return;
    this.items = this.items.filter((i) => i.file.refs > 0);
    this.queue = this.queue.filter((i) => i.file.refs > 0);
  }

  /** the events `it` would report now (0: none) */
  private pending(g: Guest, it: Item): number {
    if (it.file.refs === 0 || !(it.events & ~MODES)) return 0;
    const revents = pollEvents(g, it.file, it.events & ~MODES) & it.events;
    if (!revents || !(it.events & EPOLL.ET) || it.seen === undefined) return revents;
    const now = wakeups(g, it.file);
    if (!now) return revents;
    const woke = (it.events & INPUT && now[0] !== it.seen[0]) || (it.events & OUTPUT && now[1] !== it.seen[1]);
    return woke ? revents : 0;
  }

  /** whether watching `target` (an instance) would close a loop back to this one or nest deeper than Linux allows (ELOOP) */
  loops(target: Epoll, depth = 1): boolean {
    if (target === this || depth > EP_MAX_NESTS) return true;
    return target.items.some((i) => i.file.anon instanceof Epoll && this.loops(i.file.anon, depth + 1));
  }

  /** something to report (no side effects: a wait's condition) */
  ready(g: Guest): boolean {
    return this.items.some((it) => this.pending(g, it) !== 0);
  }

  /** a wait finding nothing to report (Linux's empty poll of its ready list): what becomes ready while it waits queues anew */
  settle(): void {
    this.queue = [];
  }

  /** takes up to `max` events to report, as epoll_wait does */
  collect(g: Guest, max: number): { events: number; data: bigint }[] {
    this.prune();
    for (const it of this.items) if (!this.queue.includes(it) && this.pending(g, it)) this.queue.push(it);
    const out: { events: number; data: bigint }[] = [], left: Item[] = [], again: Item[] = [];
    for (const it of this.queue) {
      if (out.length === max) {
        left.push(it);
        continue;
      }
      const events = this.pending(g, it);
      if (!events) continue;
      out.push({ events, data: it.data });
      if (it.events & EPOLL.ONESHOT) it.events &= MODES;
      else if (it.events & EPOLL.ET) it.seen = wakeups(g, it.file) ?? [0, 0];
      else again.push(it);
    }
    this.queue = [...left, ...again];
    return out;
  }

  poll(g: Guest): number {
    return this.ready(g) ? READABLE : 0;
  }
}
