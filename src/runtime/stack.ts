// The initial process stack and CPU state, laid out as Linux's ELF loader (create_elf_tables)
// does: from sp upwards argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL; above them the
// random bytes, the platform string, the argument/environment strings and the exec path.
import type { TranslationMeta } from '../meta.ts';
import { MINSIGSTKSZ, STATE, STATE_BASE } from './layout.ts';
import { utf8 } from './guest-mem.ts';
import { HWCAP, HWCAP2 } from './hwcap.ts';

export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12,
  GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, HWCAP2: 26,
  EXECFN: 31, MINSIGSTKSZ: 51,
} as const;

export { HWCAP, HWCAP2 } from './hwcap.ts';

export interface StackOptions {
  args: string[];
  /** "NAME=value" strings, in order */
  env: string[];
  execPath: string;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  /** 16 bytes for AT_RANDOM; default from crypto.getRandomValues */
  random?: Uint8Array;
}

export interface InitialStack {
  sp: number;
  argv: number[];
  envp: number[];
  auxv: [number, number][];
}


/** Writes the initial stack below `stackTop` (the highest stack address, exclusive); `stackLow`
 *  bounds it. Returns sp (16-byte aligned) and the pointers written, for diagnostics. */
export function buildInitialStack(memory: WebAssembly.Memory, stackLow: number, stackTop: number, meta: TranslationMeta, opts: StackOptions): InitialStack {
  const u8 = new Uint8Array(memory.buffer);
  const dv = new DataView(memory.buffer);
  let p = stackTop - 8; // Linux leaves the top word zero
  const push = (bytes: Uint8Array, nul: boolean): number => {
    p -= bytes.length + (nul ? 1 : 0);
    if (p < stackLow + 4096) throw new RangeError('arguments and environment do not fit on the stack (E2BIG)');
    u8.set(bytes, p);
    if (nul) u8[p + bytes.length] = 0;
    return p;
  };
  u8.fill(0, stackTop - 8, stackTop);
  const execfn = push(utf8(opts.execPath), true);
  // Strings are pushed last-first so that they end up in memory in argv/envp order.
  const envp = opts.env.map((s) => utf8(s)).reverse().map((b) => push(b, true)).reverse();
  const argv = opts.args.map((s) => utf8(s)).reverse().map((b) => push(b, true)).reverse();
  const platform = push(utf8('aarch64'), true);
  p -= p % 16;
  let random = opts.random;
  if (!random) {
    random = new Uint8Array(16);
    crypto.getRandomValues(random);
  }
  const randomAddr = push(random.subarray(0, 16), false);

  const auxv: [number, number][] = [
    [AT.MINSIGSTKSZ, MINSIGSTKSZ],
    [AT.HWCAP, HWCAP],
    [AT.PAGESZ, 4096],
    [AT.CLKTCK, 100],
    [AT.PHDR, meta.phdrAddr],
    [AT.PHENT, meta.phent],
    [AT.PHNUM, meta.phnum],
    [AT.BASE, meta.interp?.base ?? 0],
    [AT.FLAGS, 0],
    [AT.ENTRY, meta.entry],
    [AT.UID, opts.uid],
    [AT.EUID, opts.euid],
    [AT.GID, opts.gid],
    [AT.EGID, opts.egid],
    [AT.SECURE, 0],
    [AT.RANDOM, randomAddr],
    [AT.HWCAP2, HWCAP2],
    [AT.EXECFN, execfn],
    [AT.PLATFORM, platform],
    [AT.NULL, 0],
  ];
  const words = 1 + argv.length + 1 + envp.length + 1 + 2 * auxv.length;
  const sp = p - 8 * words - ((p - 8 * words) % 16);
  if (sp < stackLow + 4096) throw new RangeError('arguments and environment do not fit on the stack (E2BIG)');
  let w = sp;
  const put = (v: number): void => {
    dv.setBigUint64(w, BigInt(v), true);
    w += 8;
  };
  put(argv.length);
  argv.forEach(put);
  put(0);
  envp.forEach(put);
  put(0);
  for (const [k, v] of auxv) {
    put(k);
    put(v);
  }
  return { sp, argv, envp, auxv };
}

/** Resets the CPU state block: all registers and flags zero, sp and pc set. */
export function initCpuState(memory: WebAssembly.Memory, sp: number, pc: number): void {
  new Uint8Array(memory.buffer).fill(0, STATE_BASE, STATE.end);
  const dv = new DataView(memory.buffer);
  dv.setBigUint64(STATE.sp, BigInt(sp), true);
  dv.setBigUint64(STATE.pc, BigInt(pc), true);
}
