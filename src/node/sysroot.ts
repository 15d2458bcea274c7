// The sysroot under Node: where a dynamically linked program's interpreter and libraries come
// from, as qemu-aarch64's -L DIR / QEMU_LD_PREFIX. An absolute path the guest uses (the
// interpreter, a library ld.so opens, any file) is looked up as DIR/path first and, when that
// does not exist, as path itself: what qemu-user does.
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { posix } from 'node:path';
import { ElfFormatError } from '../elf/errors.ts';
import type { InterpreterFile } from '../elf/load-plan.ts';
import { elfInterpreter, parseElf } from '../elf/parse.ts';
import type { FileHost } from '../runtime/file-host.ts';

/** Debian's cross sysroot (libc6-arm64-cross, libstdc++6-arm64-cross …) */
export const DEFAULT_SYSROOT = '/usr/aarch64-linux-gnu';

/** `-L DIR` if given, else $QEMU_LD_PREFIX (qemu's), else $ELF2WASM_SYSROOT, else DEFAULT_SYSROOT when it exists */
export function resolveSysroot(given?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = given || env.QEMU_LD_PREFIX || env.ELF2WASM_SYSROOT;
  if (dir) return posix.resolve(dir);
  return existsSync(DEFAULT_SYSROOT) ? DEFAULT_SYSROOT : undefined;
}

/** the host file for an absolute guest path: DIR/path if it exists there, else path */
export function inSysroot(sysroot: string | undefined, path: string): string {
  if (!sysroot || !path.startsWith('/')) return path;
  const there = posix.join(sysroot, path);
  return exists(there) ? there : path;
}

/**
 * The interpreter a program names in PT_INTERP, read from the sysroot, for TranslateOptions;
 * undefined for a static program. A dynamic one whose interpreter cannot be found fails with
 * the interpreter's name and how to give a sysroot.
 */
export function interpreterFor(bytes: Uint8Array, sysroot: string | undefined): InterpreterFile | undefined {
  const path = elfInterpreter(bytes);
  if (path === undefined) return undefined;
  const file = inSysroot(sysroot, path);
  try {
    return { path, bytes: readFileSync(file) };
  } catch {
    const where = sysroot ? `is neither in the sysroot ${sysroot} nor on the host` : 'is not on the host and no sysroot was given';
    throw new ElfFormatError('dynamic', `dynamically linked ELF: its interpreter ${path} ${where}; give the AArch64 sysroot holding it with -L DIR or QEMU_LD_PREFIX (as for qemu-aarch64; e.g. /usr/aarch64-linux-gnu from Debian's libc6-arm64-cross)`);
  }
}

/** where glibc's ld.so (Debian's multiarch build) looks for a library after DT_RUNPATH/RPATH */
const LIBRARY_DIRS = ['/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib', '/usr/lib'];

/**
 * The directories the sysroot's /etc/ld.so.conf names (following `include` globs), which
 * ldconfig puts into ld.so.cache: ld.so finds libraries there after DT_RUNPATH/RPATH and before
 * its default directories. Only the sysroot's own file counts (the host's names host libraries).
 */
export function ldSoConfDirs(sysroot: string | undefined): string[] {
  const dirs: string[] = [];
  const seen = new Set<string>();
  const read = (guest: string): void => {
    if (!sysroot || seen.has(guest)) return;
    seen.add(guest);
    let text: string;
    try {
      text = readFileSync(posix.join(sysroot, guest), 'utf8');
    } catch {
      return;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (!line || line.startsWith('hwcap ')) continue;
      const include = /^include\s+(.+)$/.exec(line);
      if (include) {
        for (const pattern of include[1]!.split(/\s+/)) for (const file of globInSysroot(sysroot, posix.resolve('/etc', pattern))) read(file);
        continue;
      }
      for (const dir of line.split(/[\s:,]+/)) if (dir.startsWith('/') && !dirs.includes(dir)) dirs.push(dir);
    }
  };
  read('/etc/ld.so.conf');
  return dirs;
}

/** the guest paths matching `pattern` (a `*` or `?` in its last part only, as ld.so.conf's includes use) in the sysroot, sorted */
function globInSysroot(sysroot: string, pattern: string): string[] {
  const dir = posix.dirname(pattern), base = posix.basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return readdirSync(posix.join(sysroot, dir)).filter((f) => re.test(f)).sort().map((f) => posix.join(dir, f));
  } catch {
    return [];
  }
}

/** whether `host` is a 64-bit AArch64 ELF: ld.so passes over libraries of another machine */
function isAarch64Elf(host: string): boolean {
  const head = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = openSync(host, 'r');
    readSync(fd, head, 0, 20, 0);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return head.readUInt32BE(0) === 0x7f454c46 && head[4] === 2 && head.readUInt16LE(18) === 183;
}

/**
 * The shared libraries a dynamic program loads at start-up (DT_NEEDED, transitively, found as
 * its ld.so would: DT_RUNPATH/RPATH with $ORIGIN, then the directories of the sysroot's
 * ld.so.conf, then the default directories, each in the sysroot first; a file of another
 * machine is passed over), with its interpreter: guest path → host path, in load order. For
 * hosts without the sysroot's files (the plugin bundles them). A library that cannot be found is
 * left out: ld.so then reports it at run time as on Linux.
 */
export function startupFiles(bytes: Uint8Array, guestPath: string, sysroot: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const top = parseElf(bytes);
  if (top.interp === undefined) return out;
  out.set(top.interp, inSysroot(sysroot, top.interp));
  const queue: { needed: string[]; runpath?: string; origin: string }[] = [{ needed: top.needed, runpath: top.runpath, origin: posix.dirname(guestPath) }];
  const seen = new Set<string>();
  const defaults = [...ldSoConfDirs(sysroot), ...LIBRARY_DIRS];
  for (let item = queue.shift(); item; item = queue.shift()) {
    for (const name of item.needed) {
      if (seen.has(name)) continue;
      seen.add(name);
      const dirs = [...(item.runpath?.split(':').map((d) => d.replace(/\$\{?ORIGIN\}?/g, item!.origin)) ?? []), ...defaults];
      const guest = name.includes('/') ? name : dirs.map((d) => posix.join(d, name)).find((g) => isAarch64Elf(inSysroot(sysroot, g)));
      if (!guest) continue;
      const host = inSysroot(sysroot, guest);
      out.set(guest, host);
      const lib = parseElf(readFileSync(host));
      queue.push({ needed: lib.needed, runpath: lib.runpath, origin: posix.dirname(guest) });
    }
  }
  return out;
}

/** the start-up libraries of a dynamic program, read for TranslateOptions.libraries (its interpreter left out) */
export function libraryFiles(bytes: Uint8Array, guestPath: string, sysroot: string | undefined): InterpreterFile[] {
  const interp = elfInterpreter(bytes);
  return [...startupFiles(bytes, guestPath, sysroot)].filter(([path]) => path !== interp).map(([path, host]) => ({ path, bytes: readFileSync(host) }));
}

/**
 * FileHost.mapPath for a guest that sees the host's file system with the sysroot's files over it.
 * (A confined guest, --root/--mount, sees its namespace instead: its root holds its libraries.)
 */
export function sysrootMapPath(sysroot: string): NonNullable<FileHost['mapPath']> {
  return (path) => {
    // WASI paths are relative to the preopened "/"; "." is the root itself, never redirected
    const mapped = path === '.' || path === '' ? path : inSysroot(sysroot, `/${path}`);
    return { path: mapped.startsWith('/') ? mapped.slice(1) : mapped, mount: 0 };
  };
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
