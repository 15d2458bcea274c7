// A confined view of the host file system for a guest run by Node (elf2wasm run --root, --mount,
// --no-host-fs): guest "/" is a host directory, other host files or directories are mounted at
// guest paths (read-only if asked), and nothing else is reachable. Guest paths are resolved here,
// component by component, as the kernel would in a chroot: ".." stops at the root, and symbolic
// links are followed by reading them and resolving their targets in the guest's namespace (an
// absolute target starts again at the guest's root), so the host is only ever handed paths
// without symbolic links, inside a mount. (A symbolic link changed by another host process
// between this resolution and the operation could still lead out: the guest itself cannot do
// that, it runs alone.)
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { E, Errno, fail } from '../runtime/errno.ts';
import type { FileHost } from '../runtime/file-host.ts';

export interface Mount {
  /** absolute guest path of the mount point ("/" for the root) */
  guest: string;
  /** absolute host path of the file or directory seen there */
  host: string;
  readonly?: boolean;
}

/** Linux's limit on symbolic links followed in one lookup */
const MAX_LINKS = 40;

const parts = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');

/** Parses `--mount GUEST=HOST[:ro]`. */
export function parseMount(spec: string): Mount {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new TypeError(`--mount takes GUEST=HOST[:ro], not ${JSON.stringify(spec)}`);
  let host = spec.slice(eq + 1);
  const readonly = host.endsWith(':ro');
  if (readonly || host.endsWith(':rw')) host = host.slice(0, -3);
  const guest = spec.slice(0, eq);
  if (!guest.startsWith('/')) throw new TypeError(`--mount: the guest path must be absolute: ${JSON.stringify(guest)}`);
  if (!host) throw new TypeError(`--mount: no host path in ${JSON.stringify(spec)}`);
  return { guest: posix.resolve('/', guest), host: posix.resolve(host), readonly };
}

interface Resolved { guest: string[]; host: string; readonly: boolean; index: number }

export class Namespace {
  /** longest guest mount point first, so that the first prefix match is the innermost mount */
  private readonly mounts: Resolved[];

  /** `mounts` must include the root ("/"); a later mount at the same point replaces an earlier one. */
  constructor(readonly given: readonly Mount[]) {
    const mounts = given;
    const byPoint = new Map<string, Mount>();
    for (const m of mounts) byPoint.set(parts(m.guest).join('/'), m);
    if (!byPoint.has('')) throw new TypeError('a namespace needs a mount at "/"');
    this.mounts = [...byPoint.values()]
      .map((m, index) => ({ guest: parts(m.guest), host: posix.resolve(m.host), readonly: m.readonly ?? false, index }))
      .sort((a, b) => b.guest.length - a.guest.length);
  }

  private mountOf(guest: readonly string[]): Resolved {
    return this.mounts.find((m) => m.guest.length <= guest.length && m.guest.every((c, i) => guest[i] === c))!;
  }

  /** The host path of a resolved guest path (no symbolic links in it), and its mount. */
  private hostOf(guest: readonly string[]): { host: string; mount: Resolved } {
    const mount = this.mountOf(guest);
    return { host: posix.join(mount.host, ...guest.slice(mount.guest.length)), mount };
  }

  /** The guest path of a host path, if a mount shows it (for the working directory and the executable). */
  guestPathOf(host: string): string | undefined {
    const abs = posix.resolve(host);
    for (const m of this.mounts) {
      const rel = posix.relative(m.host, abs);
      if (rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel))) return `/${[...m.guest, ...parts(rel)].join('/')}`;
    }
    return undefined;
  }

  /** Resolves an absolute guest path: see the file comment. */
  resolve(guestPath: string, follow: boolean): { host: string; mount: number; readonly: boolean; mountPoint: boolean } {
    const todo = parts(guestPath);
    const done: string[] = [];
    let links = 0;
    while (todo.length) {
      const c = todo.shift()!;
      if (c === '..') {
        done.pop();
        continue;
      }
      done.push(c);
      if (!todo.length && !follow) break;
      const { host } = this.hostOf(done);
      let target: string;
      try {
        if (!lstatSync(host).isSymbolicLink()) continue;
        target = readlinkSync(host);
      } catch {
        // missing (about to be created, or ENOENT from the host) or unreadable: the host decides
        continue;
      }
      if (++links > MAX_LINKS) fail(E.ELOOP);
      done.pop();
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter((t) => t !== '' && t !== '.'));
    }
    const { host, mount } = this.hostOf(done);
    return { host, mount: mount.index, readonly: mount.readonly, mountPoint: mount.guest.length > 0 && done.length === mount.guest.length };
  }

  /** FileHost.mapPath: WASI paths (relative to node:wasi's preopen of the host's "/") both ways. */
  readonly mapPath: NonNullable<FileHost['mapPath']> = (path, follow, write) => {
    const r = this.resolve(path === '.' ? '/' : `/${path}`, follow);
    // removing, renaming or replacing a mount point (write without following: unlink, rmdir,
    // rename, link, symlink, mkdir) is EBUSY, as on Linux: it must not reach the mounted host file
    if (write && !follow && r.mountPoint) throw new Errno(E.EBUSY);
    if (write && r.readonly) throw new Errno(E.EROFS);
    return { path: r.host === '/' ? '.' : r.host.slice(1), mount: r.mount, readonly: r.readonly };
  };
}
