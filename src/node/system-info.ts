// The host's sysinfo(2) figures, resource limits and CPUs for the guest, as qemu-user passes them
// through: busybox `free` and `uptime` read sysinfo, and `free` subtracts /proc/meminfo's figures
// (the host's file) from it, so anything but the host's own numbers gives nonsense there.
import { readFileSync } from 'node:fs';
import { availableParallelism, freemem, loadavg, totalmem, uptime } from 'node:os';
import type { SystemInfo } from '../runtime/guest.ts';

/** a file of the host's /proc, undefined where there is none (not Linux) */
export function hostFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** Linux's: /proc's figures, which are sysinfo's own; elsewhere what node:os knows */
export function hostSystemInfo(): SystemInfo {
  const meminfo = hostFile('/proc/meminfo') ?? '';
  const kb = (name: string): bigint | undefined => {
    const v = new RegExp(`^${name}:\\s*(\\d+) kB$`, 'm').exec(meminfo)?.[1];
    return v === undefined ? undefined : BigInt(v) * 1024n;
  };
  const up = Number(hostFile('/proc/uptime')?.split(' ')[0] ?? uptime());
  // /proc/loadavg's 4th field is running/total tasks; its averages are rounded to 2 digits, os's are sysinfo's own
  const tasks = Number(hostFile('/proc/loadavg')?.split(' ')[3]?.split('/')[1] ?? 1);
  const [l1, l5, l15] = loadavg();
  return {
    uptime: Math.ceil(up), // the kernel counts a started second
    loads: [l1 ?? 0, l5 ?? 0, l15 ?? 0],
    totalram: kb('MemTotal') ?? BigInt(totalmem()),
    freeram: kb('MemFree') ?? BigInt(freemem()),
    sharedram: kb('Shmem') ?? 0n,
    bufferram: kb('Buffers') ?? 0n,
    totalswap: kb('SwapTotal') ?? 0n,
    freeswap: kb('SwapFree') ?? 0n,
    procs: Number.isFinite(tasks) ? tasks : 1,
  };
}

/** /proc/self/limits' rows in the order of their RLIMIT_* numbers (CPU, FSIZE, … RTTIME) */
const LIMIT_ROWS = ['Max cpu time', 'Max file size', 'Max data size', 'Max stack size', 'Max core file size', 'Max resident set', 'Max processes', 'Max open files', 'Max locked memory', 'Max address space', 'Max file locks', 'Max pending signals', 'Max msgqueue size', 'Max nice priority', 'Max realtime priority', 'Max realtime timeout'];

/** the host process's resource limits (Linux: /proc/self/limits), for the guest's first process; none elsewhere */
export function hostLimits(): [number, [bigint, bigint]][] {
  const text = hostFile('/proc/self/limits') ?? '';
  const value = (v: string | undefined): bigint | undefined => (v === 'unlimited' ? 0xffffffffffffffffn : v !== undefined && /^\d+$/.test(v) ? BigInt(v) : undefined);
  const out: [number, [bigint, bigint]][] = [];
  LIMIT_ROWS.forEach((row, res) => {
    const m = new RegExp(`^${row}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(text);
    const soft = value(m?.[1]), hard = value(m?.[2]);
    if (soft !== undefined && hard !== undefined) out.push([res, [soft, hard]]);
  });
  return out;
}

/** the CPUs the host process may run on, a bit each, from /proc/self/status's `Cpus_allowed` (hex words, commas between); else the first availableParallelism() */
export function hostCpus(allowed: string | undefined): bigint {
  return allowed && /^[0-9a-f,]+$/.test(allowed) ? BigInt(`0x${allowed.replaceAll(',', '')}`) : (1n << BigInt(availableParallelism())) - 1n;
}
