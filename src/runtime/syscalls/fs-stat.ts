// Metadata syscalls: fstat, newfstatat, statx, getdents64.
import { E, fail } from '../errno.ts';
import type { Handler } from '../guest.ts';
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, guestPath, listDirectory, statFile, statPath, writeStat, writeStatx } from '../vfs.ts';
import { count, int } from './args.ts';

const AT_NO_AUTOMOUNT = 0x800;
const AT_STATX_SYNC_TYPE = 0x6000;

export const fsStat: Record<string, Handler> = {
  fstat: (g, fd, buf) => {
    const f = g.fds.get(int(fd));
    writeStat(g, buf, statFile(g, f));
    return 0;
  },
  newfstatat: (g, dirfd, path, buf, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) fail(E.EINVAL);
    const p = guestPath(g, int(dirfd), path, flags);
    writeStat(g, buf, statPath(g, p, !(flags & AT_SYMLINK_NOFOLLOW)));
    return 0;
  },
  statx: (g, dirfd, path, flagsArg, _mask, buf) => {
    const flags = int(flagsArg);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) fail(E.EINVAL);
    const p = guestPath(g, int(dirfd), path, flags);
    writeStatx(g, buf, statPath(g, p, !(flags & AT_SYMLINK_NOFOLLOW)));
    return 0;
  },
  getdents64: (g, fd, dirp, countArg) => {
    const f = g.fds.get(int(fd));
    if (!f.isDir) fail(E.ENOTDIR);
    const size = count(countArg);
    const base = g.mem.check(dirp, size);
    f.dir ??= listDirectory(g, f);
    const dv = g.mem.view();
    const u8 = g.mem.bytes();
    let at = 0;
    while (f.dirPos < f.dir.length) {
      const e = f.dir[f.dirPos]!;
      // struct linux_dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name (NUL)
      const reclen = Math.ceil((19 + e.name.length + 1) / 8) * 8;
      if (at + reclen > size) {
        if (at === 0) fail(E.EINVAL);
        break;
      }
      const p = base + at;
      u8.fill(0, p, p + reclen);
      dv.setBigUint64(p, e.ino, true);
      dv.setBigInt64(p + 8, BigInt(f.dirPos + 1), true);
      dv.setUint16(p + 16, reclen, true);
      dv.setUint8(p + 18, e.type);
      u8.set(e.name, p + 19);
      at += reclen;
      f.dirPos++;
    }
    return at;
  },
};
