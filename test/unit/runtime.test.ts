// Runtime pieces tested against a hand-made WebAssembly.Memory (no translated module needed).
import { MODULE_ABI } from '../../src/abi.ts';
import { describe, expect, it } from 'vitest';
import { TrapKind, type TranslationMeta } from '../../src/meta.ts';
import { E, Errno, errnoName, wasiToLinuxErrno } from '../../src/runtime/errno.ts';
import { asGuestFault, describePc, GuestExit, GuestFault, GuestKilled, GuestTrap } from '../../src/runtime/errors.ts';
import { LOW_AREA_END, LOW_PAGE_TABLE, STACK_GUARD, STATE } from '../../src/runtime/layout.ts';
import { AddressSpace, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MREMAP_MAYMOVE, PROT_EXEC, PROT_READ } from '../../src/runtime/memory.ts';
import { AT, buildInitialStack, HWCAP, HWCAP2, initCpuState } from '../../src/runtime/stack.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

function meta(over: Partial<TranslationMeta> = {}): TranslationMeta {
  return {
    version: 'test', abi: MODULE_ABI, arch: 'aarch64', insnAlignLog2: 2, code: [], callDepthLimit: 2000, entry: 0x400120, phdrAddr: 0x400040, phent: 56, phnum: 6,
    imageStart: 0x400000, imageEnd: 0x480000, privateEnd: 0x500000, protect: 'none', pageTable: 0, lowEnd: 0x10000, segments: [[0x400000, 0x480000, 7]],
    symbols: [[0x400100, '_start'], [0x401280, 'memcpy'], [0x402000, 'main']],
    stats: { functions: 0, instructions: 0, blocks: 0, wasmBytes: 0 },
    ...over,
  };
}

const memoryFor = (m: TranslationMeta): WebAssembly.Memory => new WebAssembly.Memory({ initial: Math.ceil(m.privateEnd / 65536), maximum: 65536 });

function errnoOf(f: () => unknown): number | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof Errno) return e.errno;
    throw e;
  }
  return undefined;
}

describe('errno mapping', () => {
  it('maps WASI errno numbers to Linux ones', () => {
    expect(wasiToLinuxErrno(0)).toBe(0);
    expect(wasiToLinuxErrno(44)).toBe(E.ENOENT);
    expect(wasiToLinuxErrno(8)).toBe(E.EBADF);
    expect(wasiToLinuxErrno(20)).toBe(E.EEXIST);
    expect(wasiToLinuxErrno(28)).toBe(E.EINVAL);
    expect(wasiToLinuxErrno(31)).toBe(E.EISDIR);
    expect(wasiToLinuxErrno(54)).toBe(E.ENOTDIR);
    expect(wasiToLinuxErrno(55)).toBe(E.ENOTEMPTY);
    expect(wasiToLinuxErrno(58)).toBe(E.EOPNOTSUPP);
    expect(wasiToLinuxErrno(59)).toBe(E.ENOTTY);
    expect(wasiToLinuxErrno(70)).toBe(E.ESPIPE);
    expect(wasiToLinuxErrno(75)).toBe(E.EXDEV);
    expect(wasiToLinuxErrno(76)).toBe(E.EACCES); // ENOTCAPABLE
    expect(wasiToLinuxErrno(999)).toBe(E.EIO);
    expect(errnoName(2)).toBe('ENOENT');
  });
});

describe('errors', () => {
  const symbols = meta().symbols;
  it('names PCs by the nearest symbol', () => {
    expect(describePc(0x4012a4, symbols)).toBe('0x4012a4 (memcpy+36)');
    expect(describePc(0x402000, symbols)).toBe('0x402000 (main)');
    expect(describePc(0x10, symbols)).toBe('0x10');
  });
  it('formats traps and maps them to signal statuses', () => {
    const t = new GuestTrap(TrapKind.Unimplemented, 0x4012a4, 0x4ea01c00n, symbols);
    expect(t.message).toBe('unimplemented instruction at 0x4012a4 (memcpy+36): encoding 0x4ea01c00');
    expect(128 + t.signal).toBe(132);
    expect(128 + new GuestTrap(TrapKind.Undefined, 0x400100, 0n, symbols).signal).toBe(132);
    expect(128 + new GuestTrap(TrapKind.Breakpoint, 0x400100, 0x3e8n, symbols).signal).toBe(133);
    expect(128 + new GuestTrap(TrapKind.UnknownTarget, 0x400100, 0x123n, symbols).signal).toBe(139);
    expect(128 + new GuestFault('memory access out of bounds').signal).toBe(139);
    expect(new GuestFault('x').message).toBe('guest fault: x');
    expect(128 + asGuestFault(new WebAssembly.RuntimeError('memory access out of bounds'))!.signal).toBe(139);
    expect(128 + new GuestKilled(6).signal).toBe(134);
    expect(new GuestExit(3).status).toBe(3);
    expect(new GuestExit(256 + 7).status).toBe(7);
    expect(new GuestExit(-1).status).toBe(255);
  });
});

describe('initial stack', () => {
  it('lays out argc, argv, envp, auxv and strings like Linux', () => {
    const m = meta();
    const memory = memoryFor(m);
    const vm = new AddressSpace(memory, m.privateEnd);
    const random = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const { sp } = buildInitialStack(memory, vm.stackLow, vm.stackTop, m, {
      args: ['/bin/prog', 'arg one', ''], env: ['A=1', 'PATH=/bin'], execPath: '/bin/prog',
      uid: 1001, euid: 1002, gid: 1003, egid: 1004, random,
    });
    initCpuState(memory, sp, m.entry);
    const dv = new DataView(memory.buffer);
    const u64 = (a: number): number => Number(dv.getBigUint64(a, true));
    const str = (a: number): string => {
      const u8 = new Uint8Array(memory.buffer);
      return new TextDecoder().decode(u8.subarray(a, u8.indexOf(0, a)));
    };
    expect(sp % 16).toBe(0);
    expect(sp).toBeGreaterThan(vm.stackLow);
    expect(sp).toBeLessThan(vm.stackTop);
    let p = sp;
    expect(u64(p)).toBe(3);
    const argv = [u64(p + 8), u64(p + 16), u64(p + 24)];
    expect(argv.map(str)).toEqual(['/bin/prog', 'arg one', '']);
    expect(u64(p + 32)).toBe(0);
    p += 40;
    expect([str(u64(p)), str(u64(p + 8))]).toEqual(['A=1', 'PATH=/bin']);
    expect(u64(p + 16)).toBe(0);
    p += 24;
    const aux = new Map<number, number>();
    for (;;) {
      const k = u64(p);
      aux.set(k, u64(p + 8));
      p += 16;
      if (k === AT.NULL) break;
    }
    expect(aux.get(AT.PHDR)).toBe(0x400040);
    expect(aux.get(AT.PHENT)).toBe(56);
    expect(aux.get(AT.PHNUM)).toBe(6);
    expect(aux.get(AT.PAGESZ)).toBe(4096);
    expect(aux.get(AT.BASE)).toBe(0);
    expect(aux.get(AT.FLAGS)).toBe(0);
    expect(aux.get(AT.ENTRY)).toBe(0x400120);
    expect([aux.get(AT.UID), aux.get(AT.EUID), aux.get(AT.GID), aux.get(AT.EGID)]).toEqual([1001, 1002, 1003, 1004]);
    expect(aux.get(AT.SECURE)).toBe(0);
    expect(aux.get(AT.HWCAP)).toBe(HWCAP);
    expect(HWCAP & 3).toBe(3); // FP, ASIMD; the rest of the list is tested in a64-sysregs.test.ts
    expect(aux.get(AT.HWCAP2)).toBe(HWCAP2);
    expect(aux.get(AT.CLKTCK)).toBe(100);
    expect(aux.get(AT.MINSIGSTKSZ)).toBe(5120);
    expect(str(aux.get(AT.EXECFN)!)).toBe('/bin/prog');
    expect(str(aux.get(AT.PLATFORM)!)).toBe('aarch64');
    const r = aux.get(AT.RANDOM)!;
    expect([...new Uint8Array(memory.buffer, r, 16)]).toEqual([...random]);
    // strings and random bytes lie above the pointer tables, inside the stack
    expect(r).toBeGreaterThanOrEqual(p);
    expect(Math.max(...argv)).toBeLessThan(vm.stackTop);
    // CPU state: x registers zero, sp and pc set
    expect(u64(STATE.sp)).toBe(sp);
    expect(u64(STATE.pc)).toBe(m.entry);
    for (let i = 0; i < 31; i++) expect(u64(STATE.x(i))).toBe(0);
  });
});

describe('address space', () => {
  const m = meta({ privateEnd: 0x10000 });
  const fresh = (gap?: number): { memory: WebAssembly.Memory; vm: AddressSpace } => {
    const memory = memoryFor(m);
    return { memory, vm: new AddressSpace(memory, m.privateEnd, { mmapGap: gap }) };
  };
  const anon = MAP_PRIVATE | MAP_ANONYMOUS;
  /** the memory's size after growing from `cur` to reach `end`: a quarter more at least, at most 64 MiB more than asked, in Wasm pages */
  const grownFrom = (cur: number, end: number): number => cur + Math.ceil(Math.max(end - cur, Math.min(cur / 4, 64 * MiB)) / (64 * KiB)) * 64 * KiB;

  it('the low area is the runtime\'s room for grown dispatch tables, up to a page table placed there (protect \'pages\')', () => {
    const image = { segments: [[0x400000, 0x480000, PROT_READ | PROT_EXEC]] as [number, number, number][], privateStart: 0x480000 };
    const space = (pageTable: number) => new AddressSpace(new WebAssembly.Memory({ initial: 128, maximum: 65536 }), 0x480000, { image, lowEnd: LOW_AREA_END, pageTable });
    // no page table ('null'), or one after the image: the whole low area
    expect(space(0).lowRoom).toBe(LOW_AREA_END);
    expect(space(0x480000).lowRoom).toBe(LOW_AREA_END);
    const vm = space(LOW_PAGE_TABLE);
    expect(vm.lowRoom).toBe(LOW_PAGE_TABLE);
    // which a fork copies whole, while the room above the used part of the low area stays zero
    expect(vm.usedRanges()).toContainEqual([LOW_PAGE_TABLE, LOW_AREA_END]);
  });
  it('starts small: image, guard, 8 MiB stack, the signal trampoline\'s page, nothing more', () => {
    const { memory, vm } = fresh();
    expect(vm.stackTop - vm.stackLow).toBe(8 * MiB);
    expect(vm.sigtramp).toBe(vm.stackTop);
    expect(vm.protectionAt(vm.sigtramp)).toBe(PROT_READ | PROT_EXEC);
    expect(vm.protectionAt(vm.sigtramp + 4096)).toBeUndefined();
    expect(vm.brkStart).toBe(vm.stackTop + 64 * KiB);
    expect(memory.buffer.byteLength).toBe(vm.brkStart);
    expect(vm.stackLow).toBe(m.privateEnd + STACK_GUARD);
  });

  it('lists the ranges that hold anything (mappings and the heap), sorted, not the holes a fork need not copy', () => {
    const { vm } = fresh();
    vm.setBrk(vm.brkStart + 3 * 4096);
    const far = vm.mmap(0x10000000, 2 * 4096, 3, anon | MAP_FIXED);
    const used = vm.usedRanges();
    expect(used).toContainEqual([vm.brkStart, vm.brkStart + 3 * 4096]);
    expect(used).toContainEqual([far, far + 2 * 4096]);
    expect(used.map((r) => r[0])).toEqual([...used.map((r) => r[0])].sort((a, b) => a - b));
    // nothing between the heap and the far mapping
    expect(used.some(([s, e]) => s < far && e > vm.brkStart + 3 * 4096)).toBe(false);
  });

  it('brk grows, shrinks, and re-grows with zeroed pages', () => {
    const { memory, vm } = fresh();
    const start = vm.setBrk(0);
    expect(start).toBe(vm.brkStart);
    const before = memory.buffer.byteLength;
    expect(vm.setBrk(start + 100 * KiB + 3)).toBe(start + 100 * KiB + 3);
    expect(memory.buffer.byteLength).toBe(grownFrom(before, start + 100 * KiB + 3));
    new Uint8Array(memory.buffer).fill(0xaa, start, start + 100 * KiB);
    expect(vm.setBrk(start + 8 * KiB)).toBe(start + 8 * KiB);
    expect(vm.setBrk(start + 100 * KiB)).toBe(start + 100 * KiB);
    const u8 = new Uint8Array(memory.buffer);
    expect(u8[start + 8 * KiB - 1]).toBe(0xaa); // still mapped: kept
    expect(u8.subarray(start + 8 * KiB, start + 100 * KiB).every((b) => b === 0)).toBe(true);
    expect(vm.setBrk(start - 1)).toBe(start + 100 * KiB); // below the start: refused
  });

  it('places mmap regions above the heap, reuses freed ranges zeroed, grows by a quarter at least', () => {
    const { memory, vm } = fresh(0);
    const before = memory.buffer.byteLength;
    const a = vm.mmap(0, 64 * KiB, 3, anon);
    expect(a).toBeGreaterThanOrEqual(vm.brk);
    expect(memory.buffer.byteLength).toBe(grownFrom(before, a + 64 * KiB));
    const b = vm.mmap(0, 4096, 3, anon);
    expect(b).toBe(a + 64 * KiB);
    new Uint8Array(memory.buffer).fill(0x55, a, a + 64 * KiB);
    vm.munmap(a, 64 * KiB);
    const c = vm.mmap(0, 16 * KiB, 3, anon);
    expect(c).toBe(a);
    const u8 = new Uint8Array(memory.buffer);
    expect(u8.subarray(c, c + 16 * KiB).every((x) => x === 0)).toBe(true);
    expect(memory.buffer.byteLength).toBe(grownFrom(before, a + 64 * KiB)); // b fitted in the slack
  });

  it('grows by at most 64 MiB more than asked, and places a large mapping in memory never used rather than a hole it must zero', () => {
    const { memory, vm } = fresh(0);
    const big = vm.mmap(0, 512 * MiB, 3, anon);
    expect(memory.buffer.byteLength).toBe(big + 512 * MiB); // a quarter is more than asked: exactly
    const next = vm.mmap(0, 4096, 3, anon);
    expect(memory.buffer.byteLength).toBe(big + 512 * MiB + 64 * MiB);
    new Uint8Array(memory.buffer).fill(9, big, big + 32 * MiB);
    vm.munmap(big, 512 * MiB);
    // 32 MiB would fit the hole at `big`, but zeroing it costs: it goes above `next`
    const large = vm.mmap(0, 32 * MiB, 3, anon);
    expect(large).toBeGreaterThan(next);
    expect(new Uint8Array(memory.buffer).subarray(large, large + 32 * MiB).every((x) => x === 0)).toBe(true);
    // a small one takes the first hole, zeroed
    const small = vm.mmap(0, 64 * KiB, 3, anon);
    expect(small).toBe(big);
    expect(new Uint8Array(memory.buffer).subarray(small, small + 64 * KiB).every((x) => x === 0)).toBe(true);
  });

  it('refuses brk growth into a mapping (glibc then falls back to mmap)', () => {
    const { vm } = fresh(64 * KiB);
    const start = vm.setBrk(0);
    const a = vm.mmap(0, 4096, 3, anon);
    expect(a).toBe(start + 64 * KiB);
    expect(vm.setBrk(start + 32 * KiB)).toBe(start + 32 * KiB);
    expect(vm.setBrk(start + 64 * KiB + 1)).toBe(start + 32 * KiB);
    vm.munmap(a, 4096);
    expect(vm.setBrk(start + 128 * KiB)).toBe(start + 128 * KiB);
  });

  it('supports MAP_FIXED, MAP_FIXED_NOREPLACE and validates arguments', () => {
    const { memory, vm } = fresh(0);
    const a = vm.mmap(0, 3 * 4096, 3, anon);
    new Uint8Array(memory.buffer).fill(7, a, a + 3 * 4096);
    expect(vm.mmap(a + 4096, 4096, 1, anon | MAP_FIXED)).toBe(a + 4096);
    const u8 = new Uint8Array(memory.buffer);
    expect([u8[a], u8[a + 4096], u8[a + 8192]]).toEqual([7, 0, 7]);
    expect(errnoOf(() => vm.mmap(a, 4096, 3, anon | MAP_FIXED_NOREPLACE))).toBe(E.EEXIST);
    expect(errnoOf(() => vm.mmap(0, 0, 3, anon))).toBe(E.EINVAL);
    expect(errnoOf(() => vm.munmap(a + 1, 4096))).toBe(E.EINVAL);
    expect(errnoOf(() => vm.mmap(0xfffff000, 8192, 3, anon | MAP_FIXED))).toBe(E.ENOMEM);
    expect(errnoOf(() => vm.mmap(0x1000, 4096, 3, anon | MAP_FIXED))).toBe(E.EPERM); // CPU state lives there
    // a far MAP_FIXED grows memory to cover it
    const far = vm.stackTop + 64 * MiB;
    expect(vm.mmap(far, 4096, 3, anon | MAP_FIXED)).toBe(far);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(far + 4096);
  });

  it('mremap grows in place, moves when blocked, and shrinks', () => {
    const { memory, vm } = fresh(0);
    const a = vm.mmap(0, 8192, 3, anon);
    new Uint8Array(memory.buffer).fill(9, a, a + 8192);
    expect(vm.mremap(a, 8192, 16384, 0, 0)).toBe(a);
    let u8 = new Uint8Array(memory.buffer);
    expect([u8[a + 8191], u8[a + 8192]]).toEqual([9, 0]);
    const blocker = vm.mmap(0, 4096, 3, anon);
    expect(blocker).toBe(a + 16384);
    expect(errnoOf(() => vm.mremap(a, 16384, 32768, 0, 0))).toBe(E.ENOMEM);
    const moved = vm.mremap(a, 16384, 32768, MREMAP_MAYMOVE, 0);
    expect(moved).not.toBe(a);
    u8 = new Uint8Array(memory.buffer);
    expect([u8[moved], u8[moved + 8191], u8[moved + 8192], u8[moved + 32767]]).toEqual([9, 9, 0, 0]);
    expect(vm.mremap(moved, 32768, 4096, 0, 0)).toBe(moved);
    expect(errnoOf(() => vm.mremap(a, 4096, 8192, MREMAP_MAYMOVE, 0))).toBe(E.EFAULT); // a was unmapped by the move
    // the freed range is reused
    expect(vm.mmap(0, 16384, 3, anon)).toBe(a);
  });

  it('madvise(MADV_DONTNEED) zero-fills, mprotect records', () => {
    const { memory, vm } = fresh(0);
    const a = vm.mmap(0, 8192, 3, anon);
    new Uint8Array(memory.buffer).fill(1, a, a + 8192);
    vm.madvise(a, 4096, 4);
    const u8 = new Uint8Array(memory.buffer);
    expect([u8[a], u8[a + 4095], u8[a + 4096]]).toEqual([0, 0, 1]);
    vm.mprotect(a, 4096, 1);
    const maps = vm.mappings().filter((v) => v.start >= a && v.end <= a + 8192);
    expect(maps.map((v) => [v.start - a, v.end - a, v.prot])).toEqual([[0, 4096, 1], [4096, 8192, 3]]);
  });
});
