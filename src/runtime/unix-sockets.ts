// AF_UNIX sockets between the run's processes: socketpair, and sockets bound to a name (a path,
// or Linux's abstract names) that others connect or send to. Stream sockets carry bytes,
// SOCK_SEQPACKET and SOCK_DGRAM whole messages; messages may carry open files (SCM_RIGHTS) and
// the sender's credentials. As Linux's: a socket's shutdown bits say what no longer flows (the
// peer of a closed stream socket has both), a writer finding its peer gone gets SIGPIPE and EPIPE,
// a reader end of file once its queue is empty. Waits go through the kernel (anon-files.ts).
import { waitReady } from './anon-files.ts';
import { gatherIovs, iovTotal, scatterIovs, type Iovecs } from './iovecs.ts';
import { E, Errno, fail } from './errno.ts';
import type { AnonFile, OpenFile } from './fdtable.ts';
import type { Guest } from './guest.ts';
import { POLL, READABLE, WRITABLE } from './poll.ts';
import { SIGNAL } from './errors.ts';
import { O, S_IFSOCK } from './vfs.ts';

export const SOCK = { STREAM: 1, DGRAM: 2, SEQPACKET: 5 } as const;
export const MSG = { PEEK: 2, CTRUNC: 8, TRUNC: 0x20, DONTWAIT: 0x40, WAITALL: 0x100, NOSIGNAL: 0x4000, CMSG_CLOEXEC: 0x40000000 } as const;
const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2;
/** Linux's default socket buffer (net.core.wmem_default) and datagram queue (net.unix.max_dgram_qlen) */
export const SOCKET_BUFFER = 212992;
const MAX_DGRAM_QUEUE = 512;

/** who sent a message, or made a connection (SO_PEERCRED, SCM_CREDENTIALS) */
export interface Cred { pid: number; uid: number; gid: number }

/** a message in flight: its bytes, the open files it carries, its sender's name and credentials */
export interface Packet { data: Uint8Array; files?: OpenFile[]; from?: Uint8Array; cred: Cred }

/** what a receive took: the bytes, the files they carried, the sender, the message's whole length */
export interface Received { data: Uint8Array; files: OpenFile[]; from?: Uint8Array; cred?: Cred; length: number }

export const credOf = (g: Guest): Cred => ({ pid: g.pid, uid: g.uid, gid: g.gid });

/** a send or receive that must not wait: MSG_DONTWAIT, or the file's O_NONBLOCK */
const nonblocking = (f: OpenFile, flags: number): boolean => (flags & MSG.DONTWAIT) !== 0 || (f.flags & O.NONBLOCK) !== 0;

let nextIno = 30000n;

export class UnixSocket implements AnonFile {
  readonly mode = S_IFSOCK | 0o777;
  readonly ino = nextIno++;
  readonly link = `socket:[${this.ino}]`;
  /** what it has received, oldest first, and how many bytes */
  private queue: Packet[] = [];
  private queued = 0;
  /** RCV_SHUTDOWN | SEND_SHUTDOWN */
  shutdown = 0;
  peer?: UnixSocket;
  /** its name (sun_path's bytes: a path, or an abstract name starting with 0) */
  address?: Uint8Array;
  /** its peer's credentials (SO_PEERCRED) */
  peerCred?: Cred;
  /** listening: the connections not accepted yet, and how many may wait */
  backlog?: UnixSocket[];
  backlogMax = 0;
  /** its last fd is closed */
  closed = false;
  private pushes = 0;
  private takes = 0;
  /** shutdowns and closes that reached it (edge-triggered epoll reports them) */
  private hangups = 0;

  constructor(readonly type: number, public cred: Cred) {}

  /** a connected pair (socketpair) */
  static pair(type: number, a: Cred, b: Cred): [UnixSocket, UnixSocket] {
    const x = new UnixSocket(type, a), y = new UnixSocket(type, b);
    x.peer = y;
    y.peer = x;
    x.peerCred = b;
    y.peerCred = a;
    return [x, y];
  }

  get stream(): boolean {
    return this.type === SOCK.STREAM;
  }

  /** room for a message of `n` bytes (a datagram: room in the queue) */
  private hasRoom(n: number): boolean {
    return this.type === SOCK.DGRAM ? this.queue.length < MAX_DGRAM_QUEUE : this.queued + n <= SOCKET_BUFFER;
  }

  /** a message to this socket's queue, waiting for room unless `nonblock` (a stream's bytes: see sendFrom) */
  deliver(g: Guest, f: OpenFile, packet: Packet, nonblock: boolean): void {
    const gone = (): boolean => this.closed || (this.shutdown & RCV_SHUTDOWN) !== 0;
    if (!this.hasRoom(packet.data.length)) {
      if (nonblock) fail(E.EAGAIN);
      waitReady(g, f, () => gone() || this.hasRoom(packet.data.length));
    }
    if (!gone()) this.enqueue(g, packet); // (its reader gone: the bytes go nowhere)
  }

  /** `packet` into the queue as it is */
  enqueue(g: Guest, packet: Packet): void {
    for (const file of packet.files ?? []) g.fds.hold(file); // in flight: held as Linux's skb holds them
    this.queue.push(packet);
    this.queued += packet.data.length;
    this.pushes++;
  }

  /** a connection made to this listening socket: its server side waits for accept */
  queueConnection(server: UnixSocket): void {
    this.backlog!.push(server);
    this.pushes++;
  }

  /** bytes a stream writer may add now */
  room(): number {
    return Math.max(0, SOCKET_BUFFER - this.queued);
  }

  /**
   * Takes what a read of `max` bytes gets (a stream: bytes across messages, up to the first that
   * carries files after some; otherwise one message, cut to `max`), or undefined at end of file.
   * MSG_PEEK leaves it queued. Waits for something unless `nonblock`.
   */
  receive(g: Guest, f: OpenFile, max: number, flags: number, nonblock: boolean): Received | undefined {
    // not connected (listening included): a stream EINVAL, a sequenced-packet socket ENOTCONN
    if (this.type !== SOCK.DGRAM && (this.backlog || !this.peer) && !this.queue.length) fail(this.stream ? E.EINVAL : E.ENOTCONN);
    const ready = (): boolean => this.queue.length > 0 || (this.shutdown & RCV_SHUTDOWN) !== 0;
    if (!ready()) {
      if (nonblock) fail(E.EAGAIN);
      waitReady(g, f, ready);
    }
    const first = this.queue[0];
    if (!first) return undefined;
    const peek = (flags & MSG.PEEK) !== 0;
    if (!this.stream) {
      if (!peek) this.drop(1);
      return { data: first.data.subarray(0, max), files: peek ? [] : first.files ?? [], from: first.from, cred: first.cred, length: first.data.length };
    }
    const data = new Uint8Array(Math.min(max, this.queued));
    const files: OpenFile[] = [];
    let n = 0, whole = 0;
    for (const p of this.queue) {
      if (n === max || (p.files?.length && n > 0)) break;
      const k = Math.min(p.data.length, max - n);
      data.set(p.data.subarray(0, k), n);
      n += k;
      if (peek) continue;
      files.push(...(p.files ?? []));
      p.files = undefined;
      if (k < p.data.length) {
        p.data = p.data.subarray(k);
        this.queued -= k;
        this.takes++;
        break;
      }
      whole++;
    }
    if (whole) this.drop(whole);
    return { data: data.subarray(0, n), files, cred: first.cred, length: n };
  }

  /** removes the first `k` messages, read whole */
  private drop(k: number): void {
    for (const p of this.queue.splice(0, k)) this.queued -= p.data.length;
    this.takes++;
  }

  /** what is queued for it, for FIONREAD/SIOCINQ: a stream's bytes, else the next message's */
  available(): number {
    return this.stream ? this.queued : this.queue[0]?.data.length ?? 0;
  }

  poll(): number {
    let ev = 0;
    if (this.backlog) return this.backlog.length ? READABLE : 0;
    if (this.queue.length || this.shutdown & RCV_SHUTDOWN) ev |= READABLE;
    if (this.shutdown & RCV_SHUTDOWN) ev |= POLL.RDHUP;
    if (this.shutdown === (RCV_SHUTDOWN | SEND_SHUTDOWN)) ev |= POLL.HUP;
    const target = this.peer;
    const writable = this.type === SOCK.DGRAM ? !target || target.hasRoom(0) : !target || target.closed || target.room() > 0;
    if (writable) ev |= WRITABLE; // shut down or not, as Linux's unix_poll
    return ev;
  }

  wakeups(): readonly [number, number] {
    return [this.pushes + this.hangups, (this.peer?.takes ?? 0) + this.hangups];
  }

  /** shutdown(2): `how` 0 reading, 1 writing, 2 both; the peer sees the other side of it */
  shut(how: number): void {
    const mine = how === 0 ? RCV_SHUTDOWN : how === 1 ? SEND_SHUTDOWN : RCV_SHUTDOWN | SEND_SHUTDOWN;
    this.shutdown |= mine;
    this.hangups++;
    if (this.peer && this.type !== SOCK.DGRAM) {
      if (mine & RCV_SHUTDOWN) this.peer.shutdown |= SEND_SHUTDOWN;
      if (mine & SEND_SHUTDOWN) this.peer.shutdown |= RCV_SHUTDOWN;
      this.peer.hangups++;
    }
  }

  /** a write's check: EPIPE (with SIGPIPE unless MSG_NOSIGNAL) once nothing can flow to the peer */
  brokenPipe(g: Guest, flags: number): void {
    if (!(this.shutdown & SEND_SHUTDOWN)) return;
    if (!(flags & MSG.NOSIGNAL)) g.signals.raise(SIGNAL.SIGPIPE);
    fail(E.EPIPE);
  }

  read(g: Guest, f: OpenFile, iovs: [number, number][]): number {
    return iovs.some(([, len]) => len > 0) ? readInto(g, this, f, iovs) : 0;
  }

  write(g: Guest, f: OpenFile, iovs: [number, number][]): number {
    return sendFrom(g, this, f, iovs, 0);
  }

  /** its last fd is closed: a stream peer gets end of file and EPIPE; files in flight are let go */
  release(g: Guest): void {
    this.closed = true;
    const peer = this.peer;
    if (peer && this.type !== SOCK.DGRAM) {
      peer.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
      peer.hangups++;
    }
    for (const p of this.queue) for (const file of p.files ?? []) g.fds.drop(file);
    this.queue = [];
    this.queued = 0;
    for (const s of this.backlog ?? []) s.release(g);
    this.onClose?.();
  }

  /** told when it is closed (its name is free again) */
  onClose?: () => void;
}

/**
 * A send from `s` (to `to`, a datagram socket's destination, else its peer) of the bytes of
 * `iovs`, carrying `files`: the count sent. A stream sends in parts as room appears.
 */
export function sendFrom(g: Guest, s: UnixSocket, f: OpenFile, iovs: [number, number][], flags: number, files?: OpenFile[], to?: UnixSocket): number {
  const nonblock = nonblocking(f, flags);
  const data = gatherIovs(g, iovs);
  if (s.type === SOCK.DGRAM) {
    const target = to ?? s.peer;
    if (!target) fail(E.ENOTCONN);
    if (target.closed) fail(E.ECONNREFUSED);
    if (s.shutdown & SEND_SHUTDOWN) s.brokenPipe(g, flags);
    if (data.length > SOCKET_BUFFER - 32) fail(E.EMSGSIZE);
    target.deliver(g, f, { data, files, from: s.address, cred: credOf(g) }, nonblock);
    return data.length;
  }
  if (!s.peer) fail(E.ENOTCONN);
  const peer = s.peer;
  if (s.type === SOCK.SEQPACKET) {
    s.brokenPipe(g, flags);
    if (data.length > SOCKET_BUFFER - 32) fail(E.EMSGSIZE);
    peer.deliver(g, f, { data, files, cred: credOf(g) }, nonblock);
    return data.length;
  }
  // a stream: what fits now, then waits for room for the rest (a wait unwound runs again from its
  // progress); a lone process that nobody else could read for fills its peer's queue past the
  // limit. Once some was sent, a peer gone ends it with that count (no SIGPIPE), as Linux's
  let done = g.kernel?.progress(g) ?? 0;
  while (done < data.length) {
    if (done && s.shutdown & SEND_SHUTDOWN) return done;
    s.brokenPipe(g, flags);
    let room = peer.room();
    if (room === 0) {
      if (nonblock) {
        if (done) return done;
        fail(E.EAGAIN);
      }
      let waited: boolean;
      try {
        waited = g.kernel?.wait(g, () => peer.closed || peer.room() > 0 || (s.shutdown & SEND_SHUTDOWN) !== 0, { restart: true, progress: done }) ?? false;
      } catch (e) {
        if (e instanceof Errno && done > 0) return done; // interrupted after a part: a short write
        throw e;
      }
      if (waited) continue;
      room = data.length - done;
    }
    const k = Math.min(room, data.length - done);
    peer.enqueue(g, { data: data.slice(done, done + k), files: done === 0 ? files : undefined, cred: credOf(g) });
    done += k;
  }
  return done;
}

/** a receive of `s` into `iovs`: what it took (undefined: end of file) */
export function receiveInto(g: Guest, s: UnixSocket, f: OpenFile, iovs: Iovecs, flags: number): Received | undefined {
  const got = s.receive(g, f, iovTotal(iovs), flags, nonblocking(f, flags));
  if (got) scatterIovs(g, iovs, got.data);
  return got;
}

/** a read of `s` into `iovs`: the count, 0 at end of file; the files a message carried are let go */
function readInto(g: Guest, s: UnixSocket, f: OpenFile, iovs: Iovecs): number {
  const got = receiveInto(g, s, f, iovs, 0);
  for (const file of got?.files ?? []) g.fds.drop(file);
  return got?.data.length ?? 0;
}
