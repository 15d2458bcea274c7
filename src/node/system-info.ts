// The host's sysinfo(2) figures for the guest, as qemu-user passes them through: busybox `free`
// and `uptime` read them, and `free` subtracts /proc/meminfo's figures (the host's file) from
// them, so anything but the host's own numbers gives nonsense there.
import { readFileSync } from 'node:fs';
import { freemem, loadavg, totalmem, uptime } from 'node:os';
import type { SystemInfo } from '../runtime/guest.ts';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined; // not Linux
  }
};

/** Linux's: /proc's figures, which are sysinfo's own; elsewhere what node:os knows */
export function hostSystemInfo(): SystemInfo {
  const meminfo = read('/proc/meminfo') ?? '';
  const kb = (name: string): bigint | undefined => {
    const v = new RegExp(`^${name}:\\s*(\\d+) kB$`, 'm').exec(meminfo)?.[1];
    return v === undefined ? undefined : BigInt(v) * 1024n;
  };
  const up = Number(read('/proc/uptime')?.split(' ')[0] ?? uptime());
  // /proc/loadavg's 4th field is running/total tasks; its averages are rounded to 2 digits, os's are sysinfo's own
  const tasks = Number(read('/proc/loadavg')?.split(' ')[3]?.split('/')[1] ?? 1);
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
