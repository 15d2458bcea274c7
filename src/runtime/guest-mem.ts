// Bounds-checked access to guest memory for syscall arguments. Every guest pointer is checked
// against the current memory size (and must not point into the runtime's low 64 KiB), so a bad
// pointer becomes -EFAULT instead of a JS exception or a silent write into the CPU state block.
import { E, fail } from './errno.ts';
import { ADDR_LIMIT, MIN_GUEST_ADDR, PAGE_SIZE as PAGE } from './layout.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export class GuestMem {
  readonly memory: WebAssembly.Memory;
  private buf: ArrayBuffer | undefined;
  private dv!: DataView;
  private u8!: Uint8Array;

  /** addresses below it are the runtime's: a syscall's pointer there is EFAULT (TranslationMeta.lowEnd) */
  lowEnd = MIN_GUEST_ADDR;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** memory.grow detaches the old ArrayBuffer, so views are refreshed lazily. */
  private refresh(): void {
    const b = this.memory.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this.dv = new DataView(b);
      this.u8 = new Uint8Array(b);
    }
  }

  get size(): number {
    return this.memory.buffer.byteLength;
  }

  /** Raw views without checks, for runtime-owned addresses (state block, scratch, mappings). */
  view(): DataView {
    this.refresh();
    return this.dv;
  }
  bytes(): Uint8Array {
    this.refresh();
    return this.u8;
  }

  /** Converts a syscall argument to a guest address, checking [addr, addr+len) lies in memory. */
  check(addr: bigint | number, len: number): number {
    const a = Number(addr);
    if (a < this.lowEnd || a >= ADDR_LIMIT || len < 0 || a + len > this.size) fail(E.EFAULT);
    return a;
  }

  u8At(addr: bigint | number): number {
    return this.view().getUint8(this.check(addr, 1));
  }
  u16(addr: bigint | number): number {
    return this.view().getUint16(this.check(addr, 2), true);
  }
  u32(addr: bigint | number): number {
    return this.view().getUint32(this.check(addr, 4), true);
  }
  i32(addr: bigint | number): number {
    return this.view().getInt32(this.check(addr, 4), true);
  }
  u64(addr: bigint | number): bigint {
    return this.view().getBigUint64(this.check(addr, 8), true);
  }
  i64(addr: bigint | number): bigint {
    return this.view().getBigInt64(this.check(addr, 8), true);
  }
  setU8(addr: bigint | number, v: number): void {
    this.view().setUint8(this.check(addr, 1), v);
  }
  setU16(addr: bigint | number, v: number): void {
    this.view().setUint16(this.check(addr, 2), v, true);
  }
  setU32(addr: bigint | number, v: number): void {
    this.view().setUint32(this.check(addr, 4), v >>> 0, true);
  }
  setI32(addr: bigint | number, v: number): void {
    this.view().setInt32(this.check(addr, 4), v | 0, true);
  }
  setU64(addr: bigint | number, v: bigint | number): void {
    this.view().setBigUint64(this.check(addr, 8), BigInt.asUintN(64, BigInt(v)), true);
  }
  setI64(addr: bigint | number, v: bigint | number): void {
    this.view().setBigInt64(this.check(addr, 8), BigInt.asIntN(64, BigInt(v)), true);
  }

  /** A copy of guest bytes. */
  read(addr: bigint | number, len: number): Uint8Array {
    const a = this.check(addr, len);
    return this.bytes().slice(a, a + len);
  }
  /** A live view of guest bytes (invalidated by memory growth). */
  sub(addr: bigint | number, len: number): Uint8Array {
    const a = this.check(addr, len);
    return this.bytes().subarray(a, a + len);
  }
  write(addr: bigint | number, data: Uint8Array): void {
    const a = this.check(addr, data.length);
    this.bytes().set(data, a);
  }
  /** Zero-fills [addr, addr+len). */
  zero(addr: bigint | number, len: number): void {
    const a = this.check(addr, len);
    this.bytes().fill(0, a, a + len);
  }

  /** Whether the page holding `addr` may be read by the guest (set by the Guest from its address
   *  space); without it, all of memory counts as readable. */
  readablePage?: (addr: number) => boolean;

  /** Reads a NUL-terminated string (a path): EFAULT if unreadable memory comes before the NUL,
   *  else ENAMETOOLONG if it is `max` bytes or longer with the NUL (PATH_MAX semantics). The
   *  scan goes on past `max` as qemu's does, so an unterminated string is EFAULT, not too long. */
  cstringBytes(addr: bigint | number, max = 4096): Uint8Array {
    const a = this.check(addr, 1);
    const u8 = this.bytes();
    for (let page = a - (a % PAGE); page < u8.length; page += PAGE) {
      if (this.readablePage && !this.readablePage(page)) break;
      const n = u8.subarray(Math.max(a, page), Math.min(page + PAGE, u8.length)).indexOf(0);
      if (n < 0) continue;
      const len = Math.max(a, page) + n - a;
      if (len + 1 > max) fail(E.ENAMETOOLONG);
      return u8.slice(a, a + len);
    }
    fail(E.EFAULT);
  }
  cstring(addr: bigint | number, max = 4096): string {
    return decoder.decode(this.cstringBytes(addr, max));
  }

  /** Writes `s` plus a NUL; returns the number of bytes written including the NUL. */
  writeCString(addr: bigint | number, s: string | Uint8Array, capacity?: number): number {
    const b = typeof s === 'string' ? encoder.encode(s) : s;
    if (capacity !== undefined && b.length + 1 > capacity) fail(E.ERANGE);
    const a = this.check(addr, b.length + 1);
    const u8 = this.bytes();
    u8.set(b, a);
    u8[a + b.length] = 0;
    return b.length + 1;
  }
}

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}
