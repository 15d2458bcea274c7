// System information, randomness, scheduling and other small syscalls.
import { E, fail } from '../errno.ts';
import type { Guest, Handler } from '../guest.ts';
import { count, int, uint } from './args.ts';
import { fromUtf8, utf8 } from '../guest-mem.ts';
import { randomPacKey } from '../pac.ts';

const GRND_ALL = 1 | 2 | 4; // NONBLOCK | RANDOM | INSECURE
const PR = { SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, SET_NAME: 15, GET_NAME: 16, CAPBSET_READ: 23, SET_NO_NEW_PRIVS: 38, GET_NO_NEW_PRIVS: 39, PAC_RESET_KEYS: 54, SET_VMA: 0x53564d41 } as const;
/** PR_PAC_RESET_KEYS's key bits: APIAKEY, APIBKEY, APDAKEY, APDBKEY, and APGAKEY (16) */
const PAC_KEYS = 0x1fn, PAC_APGAKEY = 0x10n;

/** pid 0 (the caller) or a process or thread of the run */
const ofRun = (g: Guest, pid: number): boolean => pid === 0 || pid === g.pid || pid === g.tid || g.kernel?.task(pid) !== undefined;

/** ioprio's IOPRIO_WHO_PROCESS, _PGRP or _USER with who 0 (the caller's) or one the run has; the others EINVAL or ESRCH */
function ioprioTarget(g: Guest, which: number, who: number): void {
  if (which < 1 || which > 3) fail(E.EINVAL);
  if (which === 1 && !ofRun(g, who)) fail(E.ESRCH);
}

export const misc: Record<string, Handler> = {
  uname: (g, buf) => {
    g.mem.check(buf, 6 * 65);
    g.mem.zero(buf, 6 * 65);
    const kernel = g.opts.kernel ?? { release: '6.1.0', version: '#1 SMP' };
    const fields = ['Linux', g.hostname, kernel.release, kernel.version, 'aarch64', '(none)'];
    fields.forEach((s, i) => g.mem.writeCString(buf + BigInt(65 * i), s.slice(0, 64)));
    return 0;
  },
  sethostname: (g, name, len) => {
    if (g.uid !== 0) fail(E.EPERM);
    if (uint(len) > 64) fail(E.EINVAL);
    g.hostname = fromUtf8(g.mem.read(name, uint(len)));
    return 0;
  },
  sysinfo: (g, buf) => {
    // struct sysinfo (112 bytes on 64-bit), mem_unit 1. Without the host's figures: the run's
    // uptime and the 4 GiB Wasm space, of which what is not mapped is free.
    const m = g.mem;
    m.check(buf, 112);
    m.zero(buf, 112);
    const total = 4n * 1024n * 1024n * 1024n;
    const s = g.opts.system?.() ?? {
      uptime: Math.floor(performance.now() / 1000), loads: [0, 0, 0], totalram: total, freeram: total - BigInt(g.vm.size),
      sharedram: 0n, bufferram: 0n, totalswap: 0n, freeswap: 0n, procs: 1,
    };
    m.setI64(buf, s.uptime);
    // fixed point with 16 fraction bits (SI_LOAD_SHIFT)
    s.loads.forEach((l, k) => m.setU64(buf + BigInt(8 + 8 * k), BigInt(Math.round(l * 65536))));
    [s.totalram, s.freeram, s.sharedram, s.bufferram, s.totalswap, s.freeswap].forEach((v, k) => m.setU64(buf + BigInt(32 + 8 * k), v));
    m.setU16(buf + 80n, Math.min(s.procs, 0xffff));
    m.setU32(buf + 104n, 1); // mem_unit
    return 0;
  },
  getrandom: (g, buf, lenArg, flags) => {
    if (uint(flags) & ~GRND_ALL) fail(E.EINVAL);
    const len = Math.min(count(lenArg), 32 * 1024 * 1024 - 1);
    const view = g.mem.sub(buf, len);
    // getRandomValues accepts at most 65536 bytes per call
    for (let at = 0; at < len; at += 65536) crypto.getRandomValues(view.subarray(at, Math.min(len, at + 65536)));
    return len;
  },
  sched_getaffinity: (g, pid, len, mask) => {
    if (!ofRun(g, int(pid))) fail(E.ESRCH);
    // in as many 64-bit words as the highest CPU needs (the kernel's cpumask_size)
    const cpus = g.opts.cpus || 1n, words = Math.ceil(cpus.toString(2).length / 64);
    if (uint(len) < 8 * words || uint(len) % 8 !== 0) fail(E.EINVAL);
    for (let w = 0; w < words; w++) g.mem.setU64(mask + BigInt(8 * w), BigInt.asUintN(64, cpus >> BigInt(64 * w)));
    return 8 * words;
  },
  sched_setaffinity: (g, pid) => (ofRun(g, int(pid)) ? 0 : fail(E.ESRCH)),
  // the default I/O priority of every process (class none, level 0), which none can change
  ioprio_get: (g, which, who) => (ioprioTarget(g, int(which), int(who)), 0),
  ioprio_set: (g, which, who) => (ioprioTarget(g, int(which), int(who)), 0),
  sched_yield: (g) => {
    g.kernel?.yield(g);
    return 0;
  },
  sched_getscheduler: () => 0, // SCHED_OTHER
  sched_setscheduler: () => fail(E.EPERM),
  sched_getparam: (g, _pid, param) => (g.mem.setI32(param, 0), 0),
  sched_setparam: () => 0,
  sched_get_priority_max: (_g, policy) => (int(policy) === 1 || int(policy) === 2 ? 99 : 0),
  sched_get_priority_min: (_g, policy) => (int(policy) === 1 || int(policy) === 2 ? 1 : 0),
  getpriority: () => 20, // the syscall returns 20 - nice
  setpriority: () => 0,
  getcpu: (g, cpu, node) => {
    if (cpu !== 0n) g.mem.setU32(cpu, 0);
    if (node !== 0n) g.mem.setU32(node, 0);
    return 0;
  },
  personality: () => 0, // PER_LINUX
  prctl: (g, optArg, arg2, arg3, arg4, arg5) => {
    switch (int(optArg)) {
      case PR.SET_NAME:
        {
        // 16 bytes, NUL or not (qemu copies the whole comm buffer; Linux keeps at most 15)
        const name = g.mem.read(arg2, 16);
        const nul = name.indexOf(0);
        g.threadName = fromUtf8(name.subarray(0, nul < 0 || nul > 15 ? 15 : nul));
      }
        return 0;
      case PR.GET_NAME: {
        g.mem.check(arg2, 16);
        g.mem.zero(arg2, 16);
        g.mem.writeCString(arg2, utf8(g.threadName).subarray(0, 15));
        return 0;
      }
      case PR.GET_DUMPABLE:
        return 1;
      case PR.SET_DUMPABLE:
      case PR.SET_PDEATHSIG:
      case PR.SET_NO_NEW_PRIVS:
        return 0;
      case PR.GET_PDEATHSIG:
        g.mem.setI32(arg2, 0);
        return 0;
      case PR.GET_NO_NEW_PRIVS:
        return 0;
      case PR.CAPBSET_READ:
        return g.uid === 0 ? 1 : 0;
      case PR.PAC_RESET_KEYS:
        // new keys for the calling thread: all of them (0) or those named. Of ours only the generic
        // key exists (HWCAP_PACG; the address keys are disabled, runtime/hwcap.ts), so naming the
        // others changes nothing that can be seen, as on a Linux without address authentication
        if (arg3 || arg4 || arg5 || arg2 & ~PAC_KEYS) fail(E.EINVAL);
        if (!arg2 || arg2 & PAC_APGAKEY) g.pacKey = randomPacKey();
        return 0;
      default:
        // Includes PR_SET_VMA (naming mappings), SVE/tagged-address controls and PR_PAC_SET/GET_ENABLED_KEYS
        // (address authentication, not advertised: EINVAL as on Linux then): unsupported.
        fail(E.EINVAL);
    }
  },
  capget: (g, _hdr, data) => {
    if (data !== 0n) {
      g.mem.check(data, 24);
      g.mem.zero(data, 24);
    }
    return 0;
  },
  membarrier: (_g, cmd) => (int(cmd) === 0 ? 0 : fail(E.EINVAL)), // QUERY: no commands supported
  sync: () => 0,
  syncfs: () => 0,
};
