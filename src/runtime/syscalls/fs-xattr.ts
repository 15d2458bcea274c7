// Extended attributes (getxattr, listxattr, setxattr, removexattr and their l/f forms). The file
// hosts (node:fs, WASI, the in-memory tree) cannot read or store them, so every file is one without
// any, as on a Linux file system where none were set: reads find no attribute (ENODATA, which ls
// and libacl/libselinux take for "no ACL, no context"), lists are empty, writes are refused with
// ENOTSUP (which cp and mv tolerate unless told to preserve them). The file itself is looked up
// first, so a missing path or a bad fd still fails as on Linux.
import { E, Errno, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { AT_FDCWD, guestPath, statPath } from '../vfs.ts';
import { int } from './args.ts';

const XATTR_NAME_MAX = 255;
/** the namespaces Linux knows; a name outside them is EOPNOTSUPP before any file system sees it */
const NAMESPACES = ['user.', 'trusted.', 'security.', 'system.'];

function lookUpPath(g: Guest, pathAddr: bigint, follow: boolean): void {
  statPath(g, guestPath(g, AT_FDCWD, pathAddr), follow);
}

function lookUpFd(g: Guest, fd: bigint): void {
  g.fds.get(int(fd));
}

/** the attribute name's checks, in Linux's order: readable, 1..255 bytes, a known namespace, a name after it */
function checkName(g: Guest, nameAddr: bigint): void {
  let name: string;
  try {
    name = g.mem.cstring(nameAddr, XATTR_NAME_MAX + 1);
  } catch (e) {
    if (e instanceof Errno && e.errno === E.ENAMETOOLONG) fail(E.ERANGE);
    throw e;
  }
  if (name === '') fail(E.ERANGE);
  const ns = NAMESPACES.find((prefix) => name.startsWith(prefix)) ?? fail(E.EOPNOTSUPP);
  if (name.length === ns.length) fail(E.EINVAL);
}

function get(g: Guest, nameAddr: bigint): number {
  checkName(g, nameAddr);
  return fail(E.ENODATA);
}

function set(g: Guest, nameAddr: bigint): number {
  checkName(g, nameAddr);
  return fail(E.EOPNOTSUPP);
}

export const fsXattr: Record<string, Handler> = {
  getxattr: (g, path, name) => (lookUpPath(g, path, true), get(g, name)),
  lgetxattr: (g, path, name) => (lookUpPath(g, path, false), get(g, name)),
  fgetxattr: (g, fd, name) => (lookUpFd(g, fd), get(g, name)),
  listxattr: (g, path) => (lookUpPath(g, path, true), 0),
  llistxattr: (g, path) => (lookUpPath(g, path, false), 0),
  flistxattr: (g, fd) => (lookUpFd(g, fd), 0),
  setxattr: (g, path, name) => (lookUpPath(g, path, true), set(g, name)),
  lsetxattr: (g, path, name) => (lookUpPath(g, path, false), set(g, name)),
  fsetxattr: (g, fd, name) => (lookUpFd(g, fd), set(g, name)),
  // nothing to remove: as get, the attribute is not there
  removexattr: (g, path, name) => (lookUpPath(g, path, true), get(g, name)),
  lremovexattr: (g, path, name) => (lookUpPath(g, path, false), get(g, name)),
  fremovexattr: (g, fd, name) => (lookUpFd(g, fd), get(g, name)),
};
