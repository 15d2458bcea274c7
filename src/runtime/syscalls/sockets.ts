// The socket syscalls: AF_UNIX sockets between the run's processes (unix-sockets.ts). Other
// families (IPv4, IPv6, netlink) are EAFNOSUPPORT: the run has no network. A name is a path
// (bind makes a file there; connecting needs it to exist) or an abstract name (a leading 0 byte).
import { E, Errno, fail } from '../errno.ts';
import type { OpenFile } from '../fdtable.ts';
import type { Guest, Handler } from '../guest.ts';
import { resolvePath } from '../paths.ts';
import { anonFile, installAnon, waitReady } from '../anon-files.ts';
import type { Iovecs } from '../iovecs.ts';
import { credOf, MSG, receiveInto, SOCK, sendFrom, UnixSocket, SOCKET_BUFFER, type Received } from '../unix-sockets.ts';
import { markSpecial } from '../special-files.ts';
import { guestIovecs, O, openPath, S_IFSOCK, statPath } from '../vfs.ts';
import { count, int, uint } from './args.ts';

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
const SOCK_TYPE_MASK = 0xf, SOCK_RAW = 3;
const SOL_SOCKET = 1, SCM_RIGHTS = 1;
const SO = { REUSEADDR: 2, TYPE: 3, ERROR: 4, SNDBUF: 7, RCVBUF: 8, KEEPALIVE: 9, LINGER: 13, PASSCRED: 16, PEERCRED: 17, RCVTIMEO: 20, SNDTIMEO: 21, ACCEPTCONN: 30, PROTOCOL: 38, DOMAIN: 39 } as const;
/** sizeof(struct sockaddr_un): the family, then 108 bytes of name */
const SUN_LEN = 110;
/** struct msghdr, struct cmsghdr (aligned to 8) */
const MSGHDR = 56, CMSGHDR = 16;
const SCM_MAX_FD = 253;

function socketOf(g: Guest, fd: bigint): { s: UnixSocket; f: OpenFile } {
  const f = g.fds.get(int(fd));
  if (!(f.anon instanceof UnixSocket)) fail(E.ENOTSOCK);
  return { s: f.anon, f };
}

/** the run's names: bound sockets by abstract name ("\0…") or absolute path */
function names(g: Guest): Map<string, UnixSocket> {
  return g.kernel?.unixNames ?? fail(E.ENOSYS);
}

/** a struct sockaddr_un's name: its bytes and the key it is known by (EINVAL if not AF_UNIX or too long) */
function readAddress(g: Guest, addr: bigint, lenArg: bigint): { bytes: Uint8Array; key: string } {
  const len = int(lenArg);
  if (len < 2 || len > SUN_LEN) fail(E.EINVAL);
  g.mem.check(addr, len);
  if (g.mem.u16(addr) !== AF_UNIX) fail(E.EINVAL);
  let bytes = g.mem.read(addr + 2n, len - 2);
  if (bytes[0] !== 0) {
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.subarray(0, nul);
    const path = new TextDecoder().decode(bytes);
    return { bytes: bytes.slice(), key: resolvePath(g.cwd, path) };
  }
  return { bytes: bytes.slice(), key: String.fromCharCode(...bytes) };
}

/**
 * writes a socket's name where a syscall returns one, truncated as Linux does; an unnamed one is
 * the family alone (accept, getsockname, getpeername) or nothing (a datagram's sender: `bare`)
 */
function writeAddress(g: Guest, addr: bigint, lenAddr: bigint, name: Uint8Array | undefined, bare = false): void {
  if (addr === 0n) return;
  const room = g.mem.i32(lenAddr);
  if (room < 0) fail(E.EINVAL);
  if (!name && bare) {
    g.mem.setI32(lenAddr, 0);
    return;
  }
  const full = new Uint8Array(2 + (name?.length ?? 0) + (name && name[0] !== 0 ? 1 : 0));
  full[0] = AF_UNIX;
  if (name) full.set(name, 2);
  const n = Math.min(room, full.length);
  g.mem.check(addr, n);
  g.mem.write(addr, full.subarray(0, n));
  g.mem.setI32(lenAddr, full.length);
}

/** the socket bound to `name` for a connect or send (ENOENT: no such path; ECONNREFUSED: nothing bound) */
function lookup(g: Guest, name: { bytes: Uint8Array; key: string }): UnixSocket {
  if (name.bytes[0] !== 0) statPath(g, { abs: name.key, trailingSlash: false }, true);
  const s = names(g).get(name.key);
  if (!s || s.closed) fail(E.ECONNREFUSED);
  return s;
}

function bind(g: Guest, s: UnixSocket, name: { bytes: Uint8Array; key: string }): void {
  if (s.address) fail(E.EINVAL);
  const all = names(g);
  if (name.bytes[0] !== 0) {
    // the socket's file: an existing one is EADDRINUSE
    try {
      const f = openPath(g, { abs: name.key, trailingSlash: false }, O.CREAT | O.EXCL | O.WRONLY, 0o777 & ~g.umask);
      markSpecial(g, g.wasi.fdFilestat(f.wasiFd), S_IFSOCK);
      g.wasi.close(f.wasiFd);
    } catch (e) {
      if (e instanceof Errno && e.errno === E.EEXIST) fail(E.EADDRINUSE);
      throw e;
    }
  } else if (all.get(name.key)?.closed === false) fail(E.EADDRINUSE);
  s.address = name.bytes;
  all.set(name.key, s);
  s.onClose = () => {
    if (all.get(name.key) === s) all.delete(name.key);
  };
}

/** a send's address: a datagram socket's destination; on a stream one EISCONN if connected, else EOPNOTSUPP (a sequenced-packet socket ignores it) */
function destination(g: Guest, s: UnixSocket, addr: bigint, len: bigint): UnixSocket | undefined {
  if (addr === 0n) return undefined;
  if (s.type === SOCK.DGRAM) return lookup(g, readAddress(g, addr, len));
  if (s.stream) fail(s.peer ? E.EISCONN : E.EOPNOTSUPP);
  return undefined;
}

/** bind with the family alone gets an abstract name of five hex digits (Linux's autobind) */
function autobind(g: Guest, s: UnixSocket): void {
  if (s.address) return;
  const all = names(g);
  for (let n = 1; ; n++) {
    const text = `\0${n.toString(16).padStart(5, '0')}`;
    if (!all.has(text)) return bind(g, s, { bytes: Uint8Array.from(text, (c) => c.charCodeAt(0)), key: text });
  }
}

function connect(g: Guest, s: UnixSocket, f: OpenFile, name: { bytes: Uint8Array; key: string }): number {
  const target = lookup(g, name);
  if (target.type !== s.type) fail(E.EPROTOTYPE);
  if (s.type === SOCK.DGRAM) {
    s.peer = target;
    return 0;
  }
  if (s.peer) fail(E.EISCONN);
  if (!target.backlog) fail(E.ECONNREFUSED);
  const backlog = target.backlog;
  waitReady(g, f, () => target.closed || backlog.length <= target.backlogMax);
  if (target.closed) fail(E.ECONNREFUSED);
  // the connection is made now, its server side waiting in the backlog for accept
  const server = new UnixSocket(s.type, target.cred);
  server.peer = s;
  server.peerCred = credOf(g);
  server.address = target.address;
  s.peer = server;
  s.peerCred = target.cred;
  target.queueConnection(server);
  return 0;
}

/** the files of SCM_RIGHTS messages in a msghdr's control data (EBADF for a bad fd, EINVAL for a bad header) */
function controlFiles(g: Guest, control: bigint, len: number): OpenFile[] | undefined {
  if (control === 0n || len === 0) return undefined;
  g.mem.check(control, len);
  const files: OpenFile[] = [];
  for (let at = 0; at + CMSGHDR <= len;) {
    const clen = Number(g.mem.u64(control + BigInt(at)));
    if (clen < CMSGHDR || at + clen > len) fail(E.EINVAL);
    const level = g.mem.i32(control + BigInt(at + 8)), type = g.mem.i32(control + BigInt(at + 12));
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      const n = (clen - CMSGHDR) / 4;
      if (n > SCM_MAX_FD) fail(E.EINVAL);
      for (let i = 0; i < Math.floor(n); i++) files.push(g.fds.get(g.mem.i32(control + BigInt(at + CMSGHDR + 4 * i))));
    } // (credentials are the sender's own here; other levels are not the socket's)
    at += (clen + 7) & ~7;
  }
  return files.length ? files : undefined;
}

/** a receive's files as new fds in an SCM_RIGHTS message, as many as the control buffer holds
 *  and the table takes (the rest closed: MSG_CTRUNC); the message's hold on each goes */
function deliverFiles(g: Guest, got: Received, control: bigint, room: number, flags: number): { used: number; truncated: boolean } {
  if (!got.files.length) return { used: 0, truncated: false };
  try {
    const fit = control === 0n ? 0 : Math.max(0, Math.floor((room - CMSGHDR) / 4));
    const n = Math.min(fit, got.files.length);
    if (n === 0) return { used: 0, truncated: true };
    g.mem.check(control, CMSGHDR + 4 * n);
    const fds: number[] = [];
    for (const file of got.files.slice(0, n)) {
      try {
        fds.push(g.fds.install(file, (flags & MSG.CMSG_CLOEXEC) !== 0));
      } catch {
        break; // EMFILE: what was installed is delivered
      }
    }
    if (!fds.length) return { used: 0, truncated: true };
    const len = CMSGHDR + 4 * fds.length;
    g.mem.setU64(control, BigInt(len));
    g.mem.setI32(control + 8n, SOL_SOCKET);
    g.mem.setI32(control + 12n, SCM_RIGHTS);
    fds.forEach((fd, i) => g.mem.setI32(control + BigInt(CMSGHDR + 4 * i), fd));
    return { used: Math.min(room, (len + 7) & ~7), truncated: fds.length < got.files.length };
  } finally {
    for (const file of got.files) g.fds.drop(file);
  }
}

/** the receive of recvfrom and recvmsg: its count (or, with MSG_TRUNC, a datagram's whole length) */
function receive(g: Guest, s: UnixSocket, f: OpenFile, iovs: Iovecs, flags: number): { got?: Received; n: number } {
  const got = receiveInto(g, s, f, iovs, flags);
  return { got, n: !got ? 0 : flags & MSG.TRUNC && !s.stream ? got.length : got.data.length };
}

/** a buffer of sendto and recvfrom as one iovec (the count capped as the kernel's MAX_RW_COUNT) */
function buffer(g: Guest, buf: bigint, len: bigint): Iovecs {
  const n = count(len);
  return n ? [[g.mem.check(buf, n), n]] : [];
}

function accept(g: Guest, fd: bigint, addr: bigint, lenAddr: bigint, flags: number): number {
  if (flags & ~(O.NONBLOCK | O.CLOEXEC)) fail(E.EINVAL);
  const { s, f } = socketOf(g, fd);
  const backlog = s.backlog ?? fail(s.type === SOCK.DGRAM ? E.EOPNOTSUPP : E.EINVAL);
  waitReady(g, f, () => backlog.length > 0);
  const conn = backlog.shift()!;
  const nfd = installAnon(g, conn, flags);
  writeAddress(g, addr, lenAddr, conn.peer?.address);
  return nfd;
}

/** socket's and socketpair's checks of the family, type (with its flags) and protocol: the kind of socket */
function socketKind(domain: number, type: number, protocol: number): number {
  if (type & ~(SOCK_TYPE_MASK | O.NONBLOCK | O.CLOEXEC)) fail(E.EINVAL);
  if (domain !== AF_UNIX) fail(E.EAFNOSUPPORT);
  if (protocol !== 0 && protocol !== AF_UNIX) fail(E.EPROTONOSUPPORT);
  const kind = type & SOCK_TYPE_MASK;
  if (kind === SOCK_RAW) return SOCK.DGRAM; // as Linux's unix_create
  if (kind !== SOCK.STREAM && kind !== SOCK.DGRAM && kind !== SOCK.SEQPACKET) fail(E.ESOCKTNOSUPPORT);
  return kind;
}

/** getsockname and getpeername check the caller's buffer first, as qemu-aarch64 does (bash takes
 *  an error other than ENOTSOCK for "stdin is a network connection") */
function nameBuffer(g: Guest, addr: bigint, lenAddr: bigint): void {
  const len = g.mem.i32(lenAddr);
  if (len < 0) fail(E.EINVAL);
  g.mem.check(addr, len);
}

export const sockets: Record<string, Handler> = {
  socket: (g, domain, typeArg, protocol) => {
    const type = int(typeArg), kind = socketKind(int(domain), type, int(protocol));
    return installAnon(g, new UnixSocket(kind, credOf(g)), type);
  },
  socketpair: (g, domain, typeArg, protocol, sv) => {
    if (int(domain) === AF_INET || int(domain) === AF_INET6) fail(E.EOPNOTSUPP); // families without pairs
    const type = int(typeArg), kind = socketKind(int(domain), type, int(protocol));
    g.mem.check(sv, 8);
    const me = credOf(g);
    const [a, b] = UnixSocket.pair(kind, me, me);
    const [fa, fb] = g.fds.installPair(anonFile(a, type), anonFile(b, type), (type & O.CLOEXEC) !== 0);
    g.mem.setI32(sv, fa);
    g.mem.setI32(sv + 4n, fb);
    return 0;
  },
  bind: (g, fd, addr, len) => {
    const { s } = socketOf(g, fd);
    const name = readAddress(g, addr, len);
    if (int(len) === 2) autobind(g, s);
    else bind(g, s, name);
    return 0;
  },
  listen: (g, fd, backlog) => {
    const { s } = socketOf(g, fd);
    if (s.type === SOCK.DGRAM) fail(E.EOPNOTSUPP);
    if (!s.address || s.peer) fail(E.EINVAL);
    s.backlog ??= [];
    s.backlogMax = Math.max(0, Math.min(int(backlog) < 0 ? 4096 : int(backlog), 4096));
    return 0;
  },
  accept: (g, fd, addr, lenAddr) => accept(g, fd, addr, lenAddr, 0),
  accept4: (g, fd, addr, lenAddr, flags) => accept(g, fd, addr, lenAddr, int(flags)),
  connect: (g, fd, addr, len) => {
    const { s, f } = socketOf(g, fd);
    return connect(g, s, f, readAddress(g, addr, len));
  },
  getsockname: (g, fd, addr, lenAddr) => {
    nameBuffer(g, addr, lenAddr);
    const { s } = socketOf(g, fd);
    writeAddress(g, addr, lenAddr, s.address);
    return 0;
  },
  getpeername: (g, fd, addr, lenAddr) => {
    nameBuffer(g, addr, lenAddr);
    const { s } = socketOf(g, fd);
    if (!s.peer || (s.peer.closed && s.type === SOCK.DGRAM)) fail(E.ENOTCONN);
    writeAddress(g, addr, lenAddr, s.peer.address);
    return 0;
  },
  shutdown: (g, fd, how) => {
    const { s } = socketOf(g, fd);
    if (uint(how) > 2) fail(E.EINVAL);
    s.shut(uint(how));
    return 0;
  },
  sendto: (g, fd, buf, len, flags, addr, addrLen) => {
    const { s, f } = socketOf(g, fd);
    return sendFrom(g, s, f, buffer(g, buf, len), int(flags), undefined, destination(g, s, addr, BigInt(int(addrLen))));
  },
  recvfrom: (g, fd, buf, len, flags, addr, lenAddr) => {
    const { s, f } = socketOf(g, fd);
    const r = receive(g, s, f, buffer(g, buf, len), int(flags));
    for (const file of r.got?.files ?? []) g.fds.drop(file);
    if (addr !== 0n) writeAddress(g, addr, lenAddr, r.got?.from, true);
    return r.n;
  },
  sendmsg: (g, fd, msg, flags) => {
    const { s, f } = socketOf(g, fd);
    g.mem.check(msg, MSGHDR);
    const nameAddr = g.mem.u64(msg), nameLen = BigInt(g.mem.u32(msg + 8n));
    const iovs = guestIovecs(g, g.mem.u64(msg + 16n), Number(g.mem.u64(msg + 24n)));
    const files = controlFiles(g, g.mem.u64(msg + 32n), Number(g.mem.u64(msg + 40n)));
    return sendFrom(g, s, f, iovs, int(flags), files, destination(g, s, nameAddr, nameLen));
  },
  recvmsg: (g, fd, msg, flagsArg) => {
    const { s, f } = socketOf(g, fd);
    const flags = int(flagsArg);
    g.mem.check(msg, MSGHDR);
    const iovs = guestIovecs(g, g.mem.u64(msg + 16n), Number(g.mem.u64(msg + 24n)));
    const r = receive(g, s, f, iovs, flags);
    const got = r.got;
    const control = g.mem.u64(msg + 32n), room = Number(g.mem.u64(msg + 40n));
    const files = got ? deliverFiles(g, got, control, room, flags) : { used: 0, truncated: false };
    g.mem.setU64(msg + 40n, BigInt(files.used));
    const nameAddr = g.mem.u64(msg);
    if (nameAddr !== 0n) writeAddress(g, nameAddr, msg + 8n, got?.from, true);
    let out = files.truncated ? MSG.CTRUNC : 0;
    if (got && !s.stream && got.length > got.data.length) out |= MSG.TRUNC;
    g.mem.setI32(msg + 48n, out);
    return r.n;
  },
  getsockopt: (g, fd, level, name, val, lenAddr) => {
    const { s } = socketOf(g, fd);
    if (int(level) !== SOL_SOCKET) fail(E.ENOPROTOOPT);
    const room = g.mem.i32(lenAddr);
    if (room < 0) fail(E.EINVAL);
    let bytes: Uint8Array;
    const int32 = (v: number): Uint8Array => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, v, true);
      return b;
    };
    switch (int(name)) {
      case SO.TYPE: bytes = int32(s.type); break;
      case SO.ERROR: bytes = int32(0); break;
      case SO.SNDBUF:
      case SO.RCVBUF: bytes = int32(SOCKET_BUFFER); break;
      case SO.ACCEPTCONN: bytes = int32(s.backlog ? 1 : 0); break;
      case SO.PROTOCOL: bytes = int32(0); break;
      case SO.DOMAIN: bytes = int32(AF_UNIX); break;
      case SO.PASSCRED:
      case SO.KEEPALIVE: bytes = int32(0); break;
      case SO.PEERCRED: {
        const c = s.peerCred ?? { pid: 0, uid: -1, gid: -1 };
        bytes = new Uint8Array(12);
        const dv = new DataView(bytes.buffer);
        dv.setInt32(0, c.pid, true);
        dv.setInt32(4, c.uid, true);
        dv.setInt32(8, c.gid, true);
        break;
      }
      default:
        fail(E.ENOPROTOOPT);
    }
    const n = Math.min(room, bytes.length);
    g.mem.check(val, n);
    g.mem.write(val, bytes.subarray(0, n));
    g.mem.setI32(lenAddr, n);
    return 0;
  },
  setsockopt: (g, fd, level, name, _val, len) => {
    socketOf(g, fd);
    if (int(level) !== SOL_SOCKET) fail(E.ENOPROTOOPT);
    // sizes, flags and timeouts that change nothing here (a receive timeout is not kept: it waits)
    if (![SO.SNDBUF, SO.RCVBUF, SO.PASSCRED, SO.KEEPALIVE, SO.REUSEADDR, SO.LINGER, SO.RCVTIMEO, SO.SNDTIMEO].includes(int(name) as 7)) fail(E.ENOPROTOOPT);
    if (int(len) < 4) fail(E.EINVAL);
    return 0;
  },
};
