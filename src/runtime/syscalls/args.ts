// Conversions of raw 64-bit syscall arguments, following how the kernel reads them.
import { MAX_RW } from '../vfs.ts';

/** An `int` argument (fd, flags, signal...): the kernel uses the low 32 bits, signed. */
export const int = (a: bigint): number => Number(BigInt.asIntN(32, a));
/** An `unsigned int` argument. */
export const uint = (a: bigint): number => Number(BigInt.asUintN(32, a));
/** A `size_t` byte count for a transfer, capped like the kernel's MAX_RW_COUNT. */
export const count = (a: bigint): number => (a > BigInt(MAX_RW) ? MAX_RW : Number(a));
/** A signed 64-bit value (offsets). */
export const i64 = (a: bigint): bigint => BigInt.asIntN(64, a);
/** An address-sized value that is not dereferenced (mmap hints, brk): may exceed 4 GiB. */
export const num = (a: bigint): number => Number(a);
