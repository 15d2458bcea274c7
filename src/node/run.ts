// Runs a translated program under Node: the guest's file system is the host's, through
// node:wasi with "/" preopened (file metadata from node:fs, see file-host.ts), the guest's stdio
// are host fds (0/1/2 by default), and it has the host's identity (uid, gid, groups, hostname,
// kernel release), as under qemu-user.
//
// Compilation is the caller's business. Call configureV8() (./engine.ts) before
// WebAssembly.compile: on Node 20 it enables relaxed SIMD (modules translated with relaxedSimd)
// and lets short runs exit without optimising what they ran once.
import { hostname, release, version } from 'node:os';
import { isatty } from 'node:tty';
import type { WASI as WasiClass } from 'node:wasi';
import type { TranslationMeta } from '../meta.ts';
import { runGuest, type RunOptions } from '../runtime/process.ts';
import type { GuestOptions } from '../runtime/guest.ts';
import type { WasiImports } from '../runtime/wasi.ts';
import { NodeFileHost } from './file-host.ts';
import type { Namespace } from './namespace.ts';
import { sysrootMapPath } from './sysroot.ts';
import { hostCpus, hostFile, hostLimits, hostSystemInfo } from './system-info.ts';

export interface NodeRunOptions extends Omit<GuestOptions, 'isatty' | 'rootFd' | 'fileHost'>, Pick<RunOptions, 'onLiftStats' | 'loadLifter' | 'loadImage' | 'interrupts' | 'libraries' | 'onRootStopped'> {
  /** a confined view of the host's file system (default: all of it, as under qemu-user);
   *  `cwd` and `execPath` are then paths in it */
  namespace?: Namespace;
  /** qemu-aarch64's -L: absolute paths the guest uses are looked up in this host directory first
   *  (sysroot.ts); not with a `namespace`, whose own files (and mounts) the guest sees instead */
  sysroot?: string;
  /** host fds for the guest's fds 0, 1, 2 */
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

let wasiModule: Promise<typeof import('node:wasi')> | undefined;

/** Loads node:wasi without its one-time "experimental feature" warning, which would otherwise
 *  appear on the user's terminal as if the guest printed it. Other warnings pass through. */
function loadWasi(): Promise<typeof import('node:wasi')> {
  wasiModule ??= (async () => {
    const emit = process.emitWarning;
    process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
      const text = typeof warning === 'string' ? warning : warning?.message;
      if (typeof text === 'string' && text.startsWith('WASI is an experimental feature')) return;
      return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
    } as typeof process.emitWarning;
    try {
      return await import('node:wasi');
    } finally {
      process.emitWarning = emit;
    }
  })();
  return wasiModule;
}

/** Who the guest is, as qemu-user passes it through: the host process's identity, limits and CPUs, the host's sysinfo. */
function hostIdentity(): Pick<GuestOptions, 'uid' | 'gid' | 'groups' | 'capabilities' | 'umask' | 'hostname' | 'kernel' | 'system' | 'cpus' | 'hostPid' | 'limits'> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  // The supplementary groups as getgroups(2) returns them (Node's process.getgroups() adds the
  // effective gid when it is not among them) and the umask (process.umask() without an argument
  // is deprecated), and the CPUs it may run on, from Linux's /proc/self/status.
  const status = hostFile('/proc/self/status') ?? '';
  const field = (name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(status)?.[1]?.trim();
  const groups = field('Groups')?.split(/\s+/).filter(Boolean).map(Number) ?? process.getgroups?.() ?? [];
  const umask = field('Umask'), caps = field('CapEff');
  return {
    uid, gid, groups, umask: umask === undefined ? undefined : parseInt(umask, 8),
    capabilities: caps && /^[0-9a-f]+$/.test(caps) ? BigInt(`0x${caps}`) : undefined,
    hostname: hostname(), kernel: { release: release(), version: version() }, system: hostSystemInfo, cpus: hostCpus(field('Cpus_allowed')), hostPid: process.pid, limits: hostLimits(),
  };
}

export async function runNode(module: WebAssembly.Module, meta: TranslationMeta, opts: NodeRunOptions): Promise<number> {
  const { WASI } = await loadWasi();
  const hostFds = [opts.stdin ?? 0, opts.stdout ?? 1, opts.stderr ?? 2];
  const ttys = hostFds.map((fd) => isatty(fd));
  let winsize = opts.winsize;
  if (!winsize && ttys[1] && hostFds[1] === 1 && process.stdout.isTTY) {
    winsize = { rows: process.stdout.rows, cols: process.stdout.columns };
  }
  const makeWasi = (memory: WebAssembly.Memory): WasiImports => {
    const wasi: WasiClass = new WASI({
      version: 'preview1',
      args: [],
      env: {},
      preopens: { '/': '/' },
      returnOnExit: false,
      stdin: hostFds[0],
      stdout: hostFds[1],
      stderr: hostFds[2],
    });
    // initialize() only needs the memory; passing a stand-in keeps it from calling any other
    // export (it would run an `_initialize` and rejects modules exporting `_start`).
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    return wasi.wasiImport as WasiImports;
  };
  return runGuest(module, meta, {
    loadLifter: () => import('../lift/runtime-lift.ts'),
    ...hostIdentity(),
    ...opts,
    fileHost: new NodeFileHost(hostFds, opts.namespace?.mapPath ?? (opts.sysroot ? sysrootMapPath(opts.sysroot) : undefined)),
    isatty: (wasiFd) => wasiFd >= 0 && wasiFd <= 2 && ttys[wasiFd] === true,
    winsize,
    makeWasi,
  });
}
