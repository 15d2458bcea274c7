// The /proc entries of the run's own processes, made here: their pids are the run's (kernel.ts
// numbers them from 1000), so the host's /proc/<pid> is another process or none, and the host's
// /proc/self is the JS engine. /proc/self and /proc/thread-self are links to the calling process
// and thread; /proc/<pid> of a process of the run has what programs read of it: the exe, cwd and
// root links, cmdline, comm, environ, maps, stat, statm, status, the fd directory (own-fds.ts
// opens and reads the caller's own entries) and task/<tid>. Every other /proc path is the host's.
import { E, Errno, fail } from './errno.ts';
import { pathlessName, type DirEntry } from './fdtable.ts';
import type { LinuxMeta } from './file-host.ts';
import type { Guest } from './guest.ts';
import { fromUtf8, utf8 } from './guest-mem.ts';
import { MAP_PRIVATE, MAP_SHARED, pageUp, RUNTIME_AREA } from './memory.ts';
import { resolvePath } from './paths.ts';
import { SIG_DFL, SIG_IGN } from './signals.ts';
import { FILETYPE, type Filestat } from './wasi.ts';

export type ProcNode =
  /** `fdMode`: an fd entry's, its access mode (O_RDONLY, O_WRONLY or O_RDWR; see procFdStat) */
  | { kind: 'link'; target: string; fdMode?: number }
  /** `write`: the file takes writes (comm), returning what it took */
  | { kind: 'file'; data: () => Uint8Array; write?: (bytes: Uint8Array) => number }
  | { kind: 'dir'; names: () => string[] };

/** a process of the run as its /proc directory shows it; `tid` names the thread of task/<tid>, `name` its comm (the process's: its first thread's) */
interface Shown { g: Guest; pid: number; tid: number; ppid: number; pgid: number; sid: number; threads: number[]; state: string; name: string }

const PROCESS_ENTRIES = ['cmdline', 'comm', 'cwd', 'environ', 'exe', 'fd', 'maps', 'root', 'stat', 'statm', 'status', 'task'];

/** the process (and thread) of the run with this pid, as seen from `g`; undefined when the run has none */
function shown(g: Guest, pid: number, tid = pid): Shown | undefined {
  const k = g.kernel;
  if (!k) {
    if (pid !== g.pid || tid !== g.pid) return undefined;
    return { g, pid, tid, ppid: g.ppid, pgid: g.pid, sid: g.pid, threads: [g.pid], state: 'R (running)', name: g.threadName };
  }
  const p = k.procs.get(pid);
  if (!p || p.state === 'gone') return undefined;
  const live = p.tasks.filter((t) => t.state !== 'gone'), task = live.find((t) => t.tid === tid);
  if (!task) return undefined;
  const state = p.state === 'zombie' ? 'Z (zombie)' : p.guest === g ? 'R (running)' : 'S (sleeping)';
  return { g: p.guest, pid, tid, ppid: p.guest.ppid, pgid: p.pgid, sid: p.sid, threads: live.map((t) => t.tid), state, name: k.taskName(task) };
}

const nul = (list: readonly string[]): Uint8Array => utf8(list.map((s) => `${s}\0`).join(''));

/** the entries of a process (or task) directory */
function processNode(caller: Guest, s: Shown, rest: string[]): ProcNode | undefined {
  const g = s.g, zombie = s.state.startsWith('Z');
  const [name, ...more] = rest;
  if (name === undefined) return { kind: 'dir', names: () => PROCESS_ENTRIES };
  if (more.length && name !== 'task' && name !== 'fd') return undefined;
  switch (name) {
    case 'exe': return zombie ? undefined : { kind: 'link', target: resolvePath('/', g.opts.execPath) };
    case 'cwd': return { kind: 'link', target: g.cwd };
    case 'root': return { kind: 'link', target: '/' };
    case 'cmdline': return { kind: 'file', data: () => (zombie ? new Uint8Array(0) : nul(g.opts.args)) };
    case 'environ': return { kind: 'file', data: () => nul(g.opts.environ ?? Object.entries(g.opts.env).map(([k, v]) => `${k}=${v}`)) };
    // a thread of the caller's process may rename any other of it (pthread_setname_np does so): at
    // most 15 bytes, up to a NUL, as Linux's comm_write takes them
    case 'comm': return {
      kind: 'file', data: () => utf8(`${s.name}\n`),
      write: (bytes) => {
        if (s.pid !== caller.pid) fail(E.EINVAL);
        const taken = bytes.subarray(0, 15), nul = taken.indexOf(0), name = fromUtf8(nul < 0 ? taken : taken.subarray(0, nul));
        if (caller.kernel) caller.kernel.renameTask(s.pid, s.tid, name);
        else caller.threadName = name;
        return bytes.length;
      },
    };
    case 'stat': return { kind: 'file', data: () => utf8(statLine(s)) };
    case 'maps': return { kind: 'file', data: () => utf8(maps(g)) };
    case 'statm': return { kind: 'file', data: () => utf8(`${pages(g)} 0 0 0 0 0 0\n`) };
    case 'status': return { kind: 'file', data: () => utf8(status(s)) };
    case 'fd': {
      if (!more.length) return { kind: 'dir', names: () => g.fds.fds().map(String) };
      // the calling process's own entries reopen the fd's file (own-fds.ts); another's link to its path
      const fd = Number(more[0]);
      if (s.g === caller || more.length > 1 || !/^\d+$/.test(more[0]!)) return undefined;
      if (!g.fds.has(fd)) return undefined;
      const f = g.fds.get(fd);
      return { kind: 'link', target: pathlessName(f) ?? (f.path || hostFdLink(g, f.wasiFd)), fdMode: f.flags & 3 };
    }
    case 'task': {
      if (!more.length) return { kind: 'dir', names: () => s.threads.map(String) };
      const tid = Number(more[0]);
      const t = /^\d+$/.test(more[0]!) ? shown(g, s.pid, tid) : undefined;
      return t ? processNode(caller, t, more.slice(1)) : undefined;
    }
    default: return undefined;
  }
}

/**
 * /proc/<pid>/maps: the guest's mappings (not the runtime's own areas), its image named after
 * the executable, the brk heap; glibc's pthread_getattr_np finds the main thread's stack here.
 */
function maps(g: Guest): string {
  const exe = resolvePath('/', g.opts.execPath);
  const rows = g.vm.mappings().filter((m) => m.name !== RUNTIME_AREA && m.end > m.start)
    .map((m) => ({ ...m, name: m.name === '[image]' ? exe : m.name === 'anon' ? '' : m.name }));
  const heapEnd = pageUp(g.vm.brk);
  if (heapEnd > g.vm.brkStart) rows.push({ start: g.vm.brkStart, end: heapEnd, prot: 3, flags: MAP_PRIVATE, name: '[heap]' });
  rows.sort((a, b) => a.start - b.start);
  const hex = (v: number) => v.toString(16).padStart(8, '0');
  return rows.map((m) => {
    const perms = `${m.prot & 1 ? 'r' : '-'}${m.prot & 2 ? 'w' : '-'}${m.prot & 4 ? 'x' : '-'}${m.flags & MAP_SHARED ? 's' : 'p'}`;
    const head = `${hex(m.start)}-${hex(m.end)} ${perms} 00000000 00:00 0`;
    return m.name ? `${head.padEnd(73)}${m.name}\n` : `${head} \n`;
  }).join('');
}

/** what the host links its own fd to (the run's stdio have no guest path) */
export function hostFdLink(g: Guest, wasiFd: number): string {
  try {
    return fromUtf8(g.wasi.readlink(`proc/self/fd/${wasiFd}`));
  } catch (e) {
    if (e instanceof Errno) return 'anon_inode:[unknown]';
    throw e;
  }
}

const pages = (g: Guest): number => Math.ceil(g.vm.size / 4096);

/** /proc/<pid>/stat: the fields ps and top read, the rest 0 */
function statLine(s: Shown): string {
  const g = s.g, comm = s.name;
  const startTicks = Math.floor(g.startMs / 10);
  const fields = [s.state[0], s.ppid, s.pgid, s.sid, 0, -1, 0x400000, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, s.threads.length, 0, startTicks, g.vm.size, pages(g), '18446744073709551615'];
  while (fields.length < 50) fields.push(0); // fields 3 to 52
  fields[35] = 17; // exit_signal: SIGCHLD
  return `${s.tid} (${comm}) ${fields.join(' ')}\n`;
}

function status(s: Shown): string {
  const g = s.g, sig = g.signals, ids = (v: number) => `${v}\t${v}\t${v}\t${v}`;
  const sigset = (bits: bigint) => bits.toString(16).padStart(16, '0');
  // the signals whose action is SIG_IGN, or (no argument) a handler
  const handled = (only?: bigint): bigint => {
    let bits = 0n;
    for (let n = 1; n <= 64; n++) {
      const h = sig.action(n).handler;
      if (only === undefined ? h !== SIG_IGN && h !== SIG_DFL : h === only) bits |= 1n << BigInt(n - 1);
    }
    return bits;
  };
  const kb = Math.ceil(g.vm.size / 1024);
  return [
    `Name:\t${s.name}`, `Umask:\t${g.umask.toString(8).padStart(4, '0')}`, `State:\t${s.state}`,
    `Tgid:\t${s.pid}`, 'Ngid:\t0', `Pid:\t${s.tid}`, `PPid:\t${s.ppid}`, 'TracerPid:\t0',
    `Uid:\t${ids(g.uid)}`, `Gid:\t${ids(g.gid)}`, 'FDSize:\t64', `Groups:\t${g.groups.join(' ')} `,
    `VmSize:\t${String(kb).padStart(8)} kB`, `VmRSS:\t${String(kb).padStart(8)} kB`, `Threads:\t${s.threads.length}`,
    `SigQ:\t0/${g.limits.get(RLIMIT_SIGPENDING)?.[0] ?? 0}`, `SigPnd:\t${sigset(0n)}`, `ShdPnd:\t${sigset(sig.pending)}`,
    `SigBlk:\t${sigset(sig.mask)}`, `SigIgn:\t${sigset(handled(SIG_IGN))}`, `SigCgt:\t${sigset(handled())}`,
    '',
  ].join('\n');
}

/**
 * The synthetic node at `abs` (absolute and normalised, its /proc/self and /proc/thread-self
 * resolved but as its last component, see resolveProc), or undefined for the host's paths.
 */
export function procNode(g: Guest, abs: string): ProcNode | undefined {
  if (abs === '/proc') return hostHas(g, 'proc') ? undefined : { kind: 'dir', names: () => ['self', 'thread-self', ...runPids(g).map(String)] };
  if (!abs.startsWith('/proc/')) return undefined;
  const parts = abs.slice(6).split('/');
  const head = parts[0]!;
  if (parts.length === 1) {
    if (head === 'self') return { kind: 'link', target: String(g.pid) };
    if (head === 'thread-self') return { kind: 'link', target: `${g.pid}/task/${g.tid}` };
  }
  if (!/^\d+$/.test(head)) return undefined;
  const s = shown(g, Number(head));
  return s ? processNode(g, s, parts.slice(1)) : undefined;
}

/**
 * The host's path for an entry of a process of the run that is not made here (mountinfo,
 * cgroup, loginuid, limits, …): the host process's own (GuestOptions.hostPid), which is what the
 * run's processes share; undefined for other paths or without a host process.
 */
export function hostProcPath(g: Guest, abs: string): string | undefined {
  const m = /^\/proc\/(\d+)(?:\/task\/(\d+))?\/([^/]+)(\/.*)?$/.exec(abs);
  if (!m || g.opts.hostPid === undefined || PROCESS_ENTRIES.includes(m[3]!)) return undefined;
  if (!shown(g, Number(m[1]), m[2] === undefined ? undefined : Number(m[2]))) return undefined;
  return `/proc/${g.opts.hostPid}/${m[3]}${m[4] ?? ''}`;
}

/**
 * `abs` with its synthetic links followed where the kernel follows them: every component but the
 * last, and the last too with `follow`. A path through /proc/self/cwd or /exe goes on from the
 * link's target, which may be a host path.
 */
export function resolveProc(g: Guest, abs: string, follow: boolean): string {
  for (let hops = 0; hops < 40 && abs.startsWith('/proc/'); hops++) {
    const parts = abs.split('/');
    let changed = false;
    for (let k = 2; k < parts.length; k++) {
      const last = k === parts.length - 1;
      if (last && !follow) break;
      const prefix = parts.slice(0, k + 1).join('/');
      const node = procNode(g, prefix);
      if (node?.kind !== 'link') continue;
      const base = parts.slice(0, k).join('/') || '/';
      abs = resolvePath(resolvePath(base, node.target), parts.slice(k + 1).join('/') || '.');
      changed = true;
      break;
    }
    if (!changed) return abs;
  }
  if (abs.startsWith('/proc/') && procNode(g, abs)?.kind === 'link' && follow) fail(E.ELOOP);
  return abs;
}

/** RLIMIT_SIGPENDING, SigQ's limit */
const RLIMIT_SIGPENDING = 11;

const PROC_DEV = 0x16n; // Linux's proc: device 0:22 here

/** stat of a synthetic node, owned by the process's user as in Linux */
export function procStat(g: Guest, abs: string, node: ProcNode): Filestat {
  if (node.kind === 'link' && node.fdMode !== undefined) return procFdStat(g, abs, node.fdMode);
  const filetype = node.kind === 'link' ? FILETYPE.SYMBOLIC_LINK : node.kind === 'dir' ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE;
  const mode = node.kind === 'link' ? 0o120777 : node.kind === 'dir' ? 0o40555 : node.write ? 0o100644 : 0o100444;
  const linux: LinuxMeta = { mode, uid: g.uid, gid: g.gid, rdev: 0n, blksize: 1024, blocks: 0n };
  const t = BigInt(Math.round((performance.timeOrigin + g.startMs) * 1e6));
  return { dev: PROC_DEV, ino: inode(abs), filetype, nlink: node.kind === 'dir' ? 2n : 1n, size: 0n, atim: t, mtim: t, ctim: t, linux };
}

/** lstat of a /proc/<pid>/fd entry: lr-x------ for a read-only fd, l-wx------ write-only, lrwx------ both */
export function procFdStat(g: Guest, abs: string, accmode: number): Filestat {
  const st = procStat(g, abs, { kind: 'link', target: '' }); // no fdMode: the link's own stat
  st.linux!.mode = 0o120100 | (accmode !== 1 ? 0o400 : 0) | (accmode !== 0 ? 0o200 : 0);
  st.size = 64n;
  return st;
}

/** a stable inode number per path (FNV-1a) */
function inode(abs: string): bigint {
  let h = 0x811c9dc5;
  for (let i = 0; i < abs.length; i++) h = Math.imul(h ^ abs.charCodeAt(i), 0x01000193) >>> 0;
  return BigInt(h) + 0x100000000n;
}

/** whether the host's file system has `path` (a WASI path): without a /proc of its own (a browser's), /proc is made here */
function hostHas(g: Guest, path: string): boolean {
  try {
    g.wasi.pathFilestat(path, true);
    return true;
  } catch (e) {
    if (e instanceof Errno) return false;
    throw e;
  }
}

/** the pids of the run's processes, ascending */
function runPids(g: Guest): number[] {
  return (g.kernel ? [...g.kernel.procs.values()].filter((p) => p.state !== 'gone').map((p) => p.pid) : [g.pid]).sort((a, b) => a - b);
}

/**
 * The host's /proc listed for the guest: the run's processes among the pids (ascending, after
 * the other entries, as the kernel lists them), the host process the run is (GuestOptions.hostPid) left out.
 */
export function procRootListing(g: Guest, host: DirEntry[]): DirEntry[] {
  const pid = (e: DirEntry): number => (/^\d+$/.test(fromUtf8(e.name)) ? Number(fromUtf8(e.name)) : -1);
  const own = new Set(runPids(g));
  const pids = host.filter((e) => pid(e) >= 0 && pid(e) !== g.opts.hostPid && !own.has(pid(e)));
  for (const p of own) pids.push({ name: utf8(String(p)), ino: inode(`/proc/${p}`), type: 4 });
  pids.sort((a, b) => pid(a) - pid(b));
  return [...host.filter((e) => pid(e) < 0), ...pids];
}

/** the listing of a synthetic directory, with . and .. */
export function procListing(g: Guest, abs: string, node: Extract<ProcNode, { kind: 'dir' }>): DirEntry[] {
  const entry = (name: string): DirEntry => {
    const path = resolvePath(abs, name), sub = name === '..' ? undefined : procNode(g, path);
    const type = sub?.kind === 'link' ? 10 : sub?.kind === 'file' ? 8 : 4;
    return { name: utf8(name), ino: inode(path), type };
  };
  return ['.', '..', ...node.names()].map(entry);
}
