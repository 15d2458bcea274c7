// Linux's memory character devices in the program API's in-memory file system: /dev/null,
// /dev/zero, /dev/random, /dev/urandom, and /dev/tty, which (as for a process with no controlling
// terminal) exists but cannot be opened (ENXIO). Each keeps its Linux device number (rdev) and
// mode for whoever reports metadata.
import { Directory, Fd, type Inode, Inode as InodeBase, wasi } from '@bjorn3/browser_wasi_shim';

type Kind = 'null' | 'zero' | 'random' | 'tty';

/** Linux's makedev(major, minor) for small numbers, as stat's st_rdev holds it */
const makedev = (major: number, minor: number): bigint => BigInt((major << 8) | minor);

const DEVICES: Record<string, { kind: Kind; rdev: bigint }> = {
  null: { kind: 'null', rdev: makedev(1, 3) },
  zero: { kind: 'zero', rdev: makedev(1, 5) },
  random: { kind: 'random', rdev: makedev(1, 8) },
  urandom: { kind: 'random', rdev: makedev(1, 9) },
  tty: { kind: 'tty', rdev: makedev(5, 0) },
};

/** crypto.getRandomValues fills at most 64 KiB per call */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  return out;
}

class DeviceFd extends Fd {
  constructor(private readonly dev: CharDevice) {
    super();
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    return { ret: wasi.ERRNO_SUCCESS, fdstat: new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0) };
  }
  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: this.dev.stat() };
  }
  override fd_read(size: number): { ret: number; data: Uint8Array } {
    const { kind } = this.dev;
    const data = kind === 'zero' ? new Uint8Array(size) : kind === 'random' ? randomBytes(size) : new Uint8Array(0);
    return { ret: wasi.ERRNO_SUCCESS, data };
  }
  override fd_pread(size: number): { ret: number; data: Uint8Array } {
    return this.fd_read(size);
  }
  /** writes vanish (random: Linux mixes them into the pool, unseen) */
  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
  }
  override fd_pwrite(data: Uint8Array): { ret: number; nwritten: number } {
    return this.fd_write(data);
  }
  /** any seek succeeds and the position stays 0, as on Linux's memory devices */
  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SUCCESS, offset: 0n };
  }
  override fd_tell(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SUCCESS, offset: 0n };
  }
  override fd_filestat_set_size(): number {
    return wasi.ERRNO_SUCCESS; // O_TRUNC and ftruncate on /dev/null are accepted
  }
}

export class CharDevice extends InodeBase {
  /** crw-rw-rw- root:root, as udev creates these */
  readonly mode = 0o020666;

  constructor(readonly kind: Kind, readonly rdev: bigint) {
    super();
  }

  path_open(): { ret: number; fd_obj: Fd | null } {
    // no controlling terminal: Linux's open("/dev/tty") fails with ENXIO
    if (this.kind === 'tty') return { ret: wasi.ERRNO_NXIO, fd_obj: null };
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new DeviceFd(this) };
  }

  stat(): wasi.Filestat {
    return new wasi.Filestat(this.ino, wasi.FILETYPE_CHARACTER_DEVICE, 0n);
  }
}

/** Adds the devices to `/dev` under `root` (made if missing); entries the caller gave win. */
export function addDevices(root: Map<string, Inode>): void {
  let dev = root.get('dev');
  if (dev === undefined) {
    dev = new Directory(new Map());
    root.set('dev', dev);
  }
  if (!(dev instanceof Directory)) return; // the caller made /dev a file: leave it
  for (const [name, { kind, rdev }] of Object.entries(DEVICES)) {
    if (!dev.contents.has(name)) dev.contents.set(name, new CharDevice(kind, rdev));
  }
}
