// Memory-management syscalls, on top of AddressSpace.
import { E, fail } from '../errno.ts';
import { unseekable } from '../fdtable.ts';
import type { Guest, Handler } from '../guest.ts';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_SHARED, pageUp, PROT_WRITE } from '../memory.ts';
import { O } from '../vfs.ts';
import { int, num } from './args.ts';
import { ADDR_LIMIT } from '../layout.ts';

const MAP_TYPE = 0x0f;
const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

/** whether the page at `a` is mapped (any protection), the brk heap included */
const mappedAt = (g: Guest, a: number): boolean =>
  g.vm.protectionAt(a) !== undefined || (a >= g.vm.brkStart && a < pageUp(g.vm.brk));
const MAP_SHARED_VALIDATE = 0x03;

/**
 * glibc's ld.so (2.35 on) maps a library whose p_align exceeds the page size by reserving its span
 * plus that alignment (anonymous, PROT_NONE) and mapping the file over the aligned start: a
 * reservation of exactly that length, while the library's translated range is still free, goes to
 * its base, so the aligned start is the base.
 */
function reservedLibrary(g: Guest, len: number): { base: number } | undefined {
  return g.meta.libraries?.find((l) => {
    const span = l.end - l.base; // maplength: from the first segment (at 0) to the end of the last one, unrounded
    if (len !== (span >= l.align ? span + l.align : 2 * l.align) || !nothingMapped(g, l.base, l.base + len)) return false;
    // and ld.so has that file open (by name and size) to map it next
    return g.fds.fds().some((fd) => {
      const f = g.fds.get(fd);
      return !f.isDir && !unseekable(f) && sameLibrary(g, l, f.path, f.wasiFd);
    });
  });
}

/** nothing is mapped in [start, end) (the brk heap included) */
export function nothingMapped(g: Guest, start: number, end: number): boolean {
  if (end > ADDR_LIMIT) return false;
  for (let a = start; a < end; a += 4096) if (mappedAt(g, a)) return false;
  return true;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function sameLibrary(g: Guest, l: { path: string; size: number }, path: string, wasiFd: number): boolean {
  if (baseName(path) !== baseName(l.path)) return false;
  try {
    return Number(g.wasi.fdFilestat(wasiFd).size) === l.size;
  } catch {
    return false;
  }
}

/**
 * A shared library translated with the program (meta.libraries): ld.so's first mapping of it, of
 * the whole file without an address, goes to the base its translated code was made for. The file
 * is recognised by name and size (a different file of that name is mapped as usual and lifted).
 */
function translatedLibrary(g: Guest, path: string, wasiFd: number, len: number): { base: number } | undefined {
  return g.meta.libraries?.find((l) => len <= pageUp(l.end) - l.base && nothingMapped(g, l.base, l.base + len) && sameLibrary(g, l, path, wasiFd));
}

/** that file's mapping of its start landed at a library's base: its translation may join the program's */
function mappedLibrary(g: Guest, start: number, length: number, path: string, wasiFd: number): void {
  const l = g.meta.libraries?.find((x) => x.base === start);
  if (l && sameLibrary(g, l, path, wasiFd)) g.code?.libraryMapped(start, length);
}

/** [start, end) is unmapped or mapped over: its MAP_SHARED pages reach their file or the processes sharing them */
export function unmapShared(g: Guest, start: number, end: number): void {
  g.sharedMaps.unmap(start, end);
  g.sharedAnon.unmap(start, end);
}

/**
 * After [start, end) was mapped or changed to `prot`, the syscall returning `x0`: under protect
 * 'null' the translated code's stores trap below the end of the executable's read-only segments
 * (layout.ts storeEnd), so once anything there becomes writable (a JIT's mprotect of its own
 * code, a MAP_FIXED mapping over it) the process goes on in checked code lifted at run time,
 * from right after the syscall (RuntimeCode.checkFaults; with run-time lifting off such stores
 * fault). It may unwind: the syscall's last step.
 */
export function writableMapping(g: Guest, start: number, end: number, prot: number, x0: bigint): void {
  const code = g.code;
  if (!code || !(prot & PROT_WRITE) || start >= code.storeEnd || end <= g.meta.lowEnd) return;
  if (code.checkFaults('the executable\'s read-only segments became writable')) g.kernel?.restartAfter(g, x0);
}

export const mm: Record<string, Handler> = {
  brk: (g, addr) => g.vm.setBrk(num(addr) >= ADDR_LIMIT ? 0 : num(addr)),
  mmap: (g, addrArg, lenArg, protArg, flagsArg, fdArg, offArg) => {
    const flags = int(flagsArg);
    const prot = int(protArg);
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== 2 && type !== MAP_SHARED_VALIDATE) fail(E.EINVAL);
    if (offArg % 4096n !== 0n) fail(E.EINVAL);
    if (lenArg === 0n || lenArg >= BigInt(ADDR_LIMIT)) fail(lenArg === 0n ? E.EINVAL : E.ENOMEM);
    const len = num(lenArg);
    const addr = num(addrArg) >= ADDR_LIMIT ? 0 : num(addrArg);
    // a fixed mapping replaces what was there: shared file pages reach their file first
    if (flags & MAP_FIXED) unmapShared(g, addr, addr + pageUp(len));
    if (flags & MAP_ANONYMOUS) {
      const lib = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) || prot !== 0 ? undefined : reservedLibrary(g, len);
      const start = lib ? g.vm.mmap(lib.base, len, prot, flags | MAP_FIXED, 'anon') : g.vm.mmap(addr, len, prot, flags, 'anon');
      if (type !== 2) g.sharedAnon.add(start, start + pageUp(len)); // shared with the processes it forks
      writableMapping(g, start, start + len, prot, BigInt(start));
      return start;
    }
    // File mapping: the content is copied in; a MAP_SHARED one of a writable file is written
    // back (shared-maps.ts), a MAP_PRIVATE one keeps its writes.
    const f = g.fds.get(int(fdArg));
    if (unseekable(f) || f.isDir) fail(E.ENODEV);
    const acc = f.flags & O.ACCMODE;
    if (acc === O.WRONLY || (type !== 2 && prot & PROT_WRITE && acc !== O.RDWR)) fail(E.EACCES);
    g.sharedMaps.beforeRead(f, offArg, len);
    const lib = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) || offArg !== 0n ? undefined : translatedLibrary(g, f.path, f.wasiFd, len);
    const start = lib ? g.vm.mmap(lib.base, len, prot, flags | MAP_FIXED, f.path) : g.vm.mmap(addr, len, prot, flags, f.path);
    let done = 0;
    try {
      while (done < len) {
        const n = g.wasi.pread(f.wasiFd, g.mem, [[start + done, len - done]], offArg + BigInt(done));
        if (n === 0) break;
        done += n;
      }
    } catch (e) {
      g.vm.munmap(start, len);
      throw e;
    }
    if (type !== 2) g.sharedMaps.add(start, start + pageUp(len), f, offArg, acc === O.RDWR);
    if (offArg === 0n) mappedLibrary(g, start, done, f.path, f.wasiFd);
    writableMapping(g, start, start + len, prot, BigInt(start));
    return start;
  },
  munmap: (g, addr, len) => {
    if (addr >= BigInt(ADDR_LIMIT) || len >= BigInt(ADDR_LIMIT)) fail(E.EINVAL);
    if (addr % 4096n === 0n && len !== 0n) unmapShared(g, num(addr), num(addr) + pageUp(num(len)));
    g.vm.munmap(num(addr), num(len));
    return 0;
  },
  mprotect: (g, addr, len, prot) => {
    if (addr >= BigInt(ADDR_LIMIT) || len >= BigInt(ADDR_LIMIT)) fail(E.ENOMEM);
    g.vm.mprotect(num(addr), num(len), int(prot));
    writableMapping(g, num(addr), num(addr) + num(len), int(prot), 0n);
    return 0;
  },
  mremap: (g, oldAddr, oldLen, newLen, flags, newAddr) => {
    if (oldAddr >= BigInt(ADDR_LIMIT) || oldLen >= BigInt(ADDR_LIMIT)) fail(E.EFAULT);
    if (newLen >= BigInt(ADDR_LIMIT) || newAddr >= BigInt(ADDR_LIMIT)) fail(E.ENOMEM);
    // not followed to its new place: a remapped shared mapping is written back and becomes private
    unmapShared(g, num(oldAddr), num(oldAddr) + pageUp(num(oldLen)));
    const at = g.vm.mremap(num(oldAddr), num(oldLen), num(newLen), int(flags), num(newAddr));
    writableMapping(g, at, at + num(newLen), g.vm.protectionAt(at) ?? 0, BigInt(at));
    return at;
  },
  madvise: (g, addr, len, advice) => {
    if (addr >= BigInt(ADDR_LIMIT)) fail(E.ENOMEM);
    g.vm.madvise(num(addr), Math.min(num(len), ADDR_LIMIT), int(advice));
    return 0;
  },
  msync: (g, addr, len, flagsArg) => {
    const flags = int(flagsArg);
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC) || addr % 4096n !== 0n) fail(E.EINVAL);
    const end = addr + ((len + 4095n) & ~4095n);
    if (end > BigInt(ADDR_LIMIT)) fail(E.ENOMEM);
    g.sharedMaps.sync(num(addr), num(end));
    // as Linux: the mapped parts are synced, then a hole anywhere in the range is ENOMEM
    for (let a = num(addr); a < num(end); a += 4096) if (!mappedAt(g, a)) fail(E.ENOMEM);
    return 0;
  },
  mlock: () => 0,
  munlock: () => 0,
  mlockall: () => 0,
  munlockall: () => 0,
  mincore: (g, addr, len, vec) => {
    if (addr % 4096n !== 0n) fail(E.EINVAL);
    const pages = Math.ceil(Math.min(num(len), ADDR_LIMIT) / 4096);
    g.mem.sub(vec, pages).fill(1); // everything is resident
    return 0;
  },
};
