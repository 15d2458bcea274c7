// Linux errno values (asm-generic, as on AArch64) and the mapping from WASI preview1 errno
// values, which are numbered differently.

export const E = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9,
  ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENOTBLK: 15, EBUSY: 16, EEXIST: 17,
  EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25,
  ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, EDOM: 33,
  ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40,
  ENOMSG: 42, EIDRM: 43, ENODATA: 61, ENOLINK: 67, EPROTO: 71, EMULTIHOP: 72, EBADMSG: 74, EOVERFLOW: 75,
  EILSEQ: 84, ENOTSOCK: 88, EDESTADDRREQ: 89, EMSGSIZE: 90, EPROTOTYPE: 91, ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93, ESOCKTNOSUPPORT: 94, EOPNOTSUPP: 95, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99,
  ENETDOWN: 100, ENETUNREACH: 101, ENETRESET: 102, ECONNABORTED: 103, ECONNRESET: 104,
  ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110, ECONNREFUSED: 111,
  EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115, ESTALE: 116, EDQUOT: 122, ECANCELED: 125,
  EOWNERDEAD: 130, ENOTRECOVERABLE: 131,
} as const;

/** Thrown by runtime helpers to make the current syscall return -errno. The syscall dispatcher
 *  catches it, so it never reaches the guest or the embedder. */
export class Errno extends Error {
  readonly errno: number;
  constructor(errno: number) {
    super(`errno ${errno}`);
    this.errno = errno;
  }
}

/** EINTR from a wait a signal ended; `restart`: a syscall SA_RESTART handlers restart (read, write, wait4) */
export class Interrupted extends Errno {
  /** `left`: what was left of an interrupted sleep, in ms (nanosleep reports it) */
  constructor(readonly restart: boolean, readonly left?: number) {
    super(E.EINTR);
  }
}

export function fail(errno: number): never {
  throw new Errno(errno);
}

// Index = WASI errno (wasi_snapshot_preview1 `errno` enum order), value = Linux errno.
const WASI_TO_LINUX: readonly number[] = [
  0, E.E2BIG, E.EACCES, E.EADDRINUSE, E.EADDRNOTAVAIL, E.EAFNOSUPPORT, E.EAGAIN, E.EALREADY,
  E.EBADF, E.EBADMSG, E.EBUSY, E.ECANCELED, E.ECHILD, E.ECONNABORTED, E.ECONNREFUSED,
  E.ECONNRESET, E.EDEADLK, E.EDESTADDRREQ, E.EDOM, E.EDQUOT, E.EEXIST, E.EFAULT, E.EFBIG,
  E.EHOSTUNREACH, E.EIDRM, E.EILSEQ, E.EINPROGRESS, E.EINTR, E.EINVAL, E.EIO, E.EISCONN,
  E.EISDIR, E.ELOOP, E.EMFILE, E.EMLINK, E.EMSGSIZE, E.EMULTIHOP, E.ENAMETOOLONG, E.ENETDOWN,
  E.ENETRESET, E.ENETUNREACH, E.ENFILE, E.ENOBUFS, E.ENODEV, E.ENOENT, E.ENOEXEC, E.ENOLCK,
  E.ENOLINK, E.ENOMEM, E.ENOMSG, E.ENOPROTOOPT, E.ENOSPC, E.ENOSYS, E.ENOTCONN, E.ENOTDIR,
  E.ENOTEMPTY, E.ENOTRECOVERABLE, E.ENOTSOCK, E.EOPNOTSUPP, E.ENOTTY, E.ENXIO, E.EOVERFLOW,
  E.EOWNERDEAD, E.EPERM, E.EPIPE, E.EPROTO, E.EPROTONOSUPPORT, E.EPROTOTYPE, E.ERANGE, E.EROFS,
  E.ESPIPE, E.ESRCH, E.ESTALE, E.ETIMEDOUT, E.ETXTBSY, E.EXDEV,
  // 76 = ENOTCAPABLE: the sandbox refused; closest Linux meaning is "permission denied".
  E.EACCES,
];

/** Linux errno for a WASI errno (EIO for values outside preview1). */
export function wasiToLinuxErrno(wasiErrno: number): number {
  if (wasiErrno === 0) return 0;
  return WASI_TO_LINUX[wasiErrno] ?? E.EIO;
}

const NAMES = new Map<number, string>(Object.entries(E).map(([k, v]) => [v, k]));
/** "ENOENT" etc., for traces. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `E${errno}`;
}
