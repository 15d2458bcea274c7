// execve: what the kernel checks before the point of no return (the file, its permission, `#!`
// interpreters, an AArch64 ELF), then the new image. Errors before that point are the syscall's;
// after it, the old image is gone (ExecImage unwinds it) and the process runs the new one.
import { E, Errno, fail } from './errno.ts';
import { fromUtf8 } from './guest-mem.ts';
import type { Guest } from './guest.ts';
import { ExecImage, type ProcessImage } from './kernel.ts';
import { resolvePath, toWasiPath } from './paths.ts';
import { AT_FDCWD, followed, guestPath, openPath, O, type GuestPath } from './vfs.ts';
import { FILETYPE } from './wasi.ts';

/** Linux's limits: the interpreter line of a script, nested interpreters, argv + envp, one string of them */
const BINPRM_BUF = 256, MAX_INTERP_DEPTH = 4, ARG_MAX = 2 * 1024 * 1024, MAX_ARG_STRLEN = 32 * 4096;
const X_OK = 1;
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const EM_AARCH64 = 183;

/** reads a NULL-terminated array of C strings (argv, envp); NULL itself is an empty array */
export function stringArray(g: Guest, addr: bigint): string[] {
  const out: string[] = [];
  if (addr === 0n) return out;
  let size = 0;
  for (let at = addr; ; at += 8n) {
    const p = g.mem.u64(at);
    if (p === 0n) return out;
    let s: Uint8Array;
    try {
      s = g.mem.cstringBytes(p, MAX_ARG_STRLEN);
    } catch (e) {
      throw e instanceof Errno && e.errno === E.ENAMETOOLONG ? new Errno(E.E2BIG) : e;
    }
    size += s.length + 1 + 8;
    if (size > ARG_MAX) fail(E.E2BIG);
    out.push(fromUtf8(s));
  }
}

/** execve/execveat: never returns (ExecImage) unless it fails */
export function execve(g: Guest, dirfd: number, pathAddr: bigint, argvAddr: bigint, envpAddr: bigint, flags: number): never {
  const kernel = g.kernel ?? fail(E.ENOSYS);
  const p = followed(g, guestPath(g, dirfd, pathAddr, flags)); // /proc/self/exe: the executable
  if (p.proc) fail(E.EACCES);
  const args = stringArray(g, argvAddr);
  const env = stringArray(g, envpAddr);
  // the name a script's interpreter gets: the path as given (Linux's bprm->filename); relative to
  // a dirfd, Linux's /dev/fd/N/… names a directory this runtime cannot walk: the resolved path
  const raw = g.mem.cstring(pathAddr);
  const filename = raw.startsWith('/') || (dirfd === AT_FDCWD && raw !== '') ? raw : p.abs;
  return load(g, p, filename, args, env, 0, kernel.opts.loadImage);
}

function load(g: Guest, p: GuestPath, filename: string, args: string[], env: string[], depth: number, loadImage?: (bytes: Uint8Array, path: string) => ProcessImage | Promise<ProcessImage>): never {
  const known = g.kernel!.knownImage(p.abs);
  const head = known ? undefined : readExecutable(g, p);
  if (head?.script) {
    if (depth >= MAX_INTERP_DEPTH) fail(E.ELOOP);
    const { interp, arg } = head.script;
    // as Linux: argv[0] becomes the interpreter (and its one argument), then the script's name as executed
    const next = [interp, ...(arg !== undefined ? [arg] : []), filename, ...args.slice(1)];
    return load(g, { abs: resolvePath(g.cwd, interp), trailingSlash: false }, interp, next, env, depth + 1, loadImage);
  }
  let image: ProcessImage | Promise<ProcessImage>;
  if (known) image = known;
  else if (!loadImage) {
    g.log(`execve ${p.abs}: this host runs no other programs (no loadImage)`);
    fail(E.ENOEXEC);
  } else image = loadImage(head!.bytes, p.abs);
  throw new ExecImage(image, { ...g.opts, args, env: {}, environ: env, execPath: p.abs });
}

/** the file's bytes, or its `#!` line; ENOEXEC for what is neither an AArch64 ELF nor a script */
function readExecutable(g: Guest, p: GuestPath): { bytes: Uint8Array; script?: { interp: string; arg?: string } } {
  const f = openPath(g, p, O.RDONLY);
  let bytes: Uint8Array;
  try {
    if (f.isDir) fail(E.EACCES);
    const st = g.wasi.fdFilestat(f.wasiFd);
    if (st.filetype !== FILETYPE.REGULAR_FILE) fail(E.EACCES);
    const mode = st.linux?.mode;
    if (mode !== undefined ? (mode & 0o111) === 0 : !g.wasi.access(toWasiPath(p.abs), X_OK, true)) fail(E.EACCES);
    bytes = g.wasi.readAll(f.wasiFd, Number(st.size));
  } finally {
    g.wasi.close(f.wasiFd);
  }
  if (bytes[0] === 0x23 && bytes[1] === 0x21) return { bytes, script: interpreterLine(bytes) };
  if (!ELF_MAGIC.every((b, i) => bytes[i] === b) || bytes[4] !== 2 || bytes[5] !== 1) fail(E.ENOEXEC);
  if ((bytes[18]! | (bytes[19]! << 8)) !== EM_AARCH64) fail(E.ENOEXEC);
  return { bytes };
}

/** `#!interp [arg]`: Linux keeps everything after the interpreter's name as one argument */
function interpreterLine(bytes: Uint8Array): { interp: string; arg?: string } {
  let end = bytes.indexOf(0x0a);
  if (end < 0 || end > BINPRM_BUF) end = Math.min(bytes.length, BINPRM_BUF);
  const line = new TextDecoder().decode(bytes.subarray(2, end)).replace(/[ \t]+$/, '').replace(/^[ \t]+/, '');
  // split at blanks only, as Linux: a CR (a script saved with CRLF) stays part of the name or argument
  const m = /^([^ \t]+)(?:[ \t]+([^]*))?$/.exec(line);
  if (!m) fail(E.ENOEXEC);
  return { interp: m[1]!, arg: m[2] };
}
