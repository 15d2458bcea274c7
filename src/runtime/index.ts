// Public surface of the host-agnostic runtime.
export { runGuest, linuxImports, exitStatus, EXIT_INTERNAL_ERROR, type RunOptions } from './process.ts';
export { Guest, type GuestOptions } from './guest.ts';
export { GuestExit, GuestKilled, GuestTrap, GuestFault, describePc } from './errors.ts';
export { E, Errno, wasiToLinuxErrno, errnoName } from './errno.ts';
export { AddressSpace, type Vma } from './memory.ts';
export { buildInitialStack, initCpuState, AT, HWCAP } from './stack.ts';
export { WasiFs, type WasiImports } from './wasi.ts';
export { syscallName } from './syscalls/names.ts';
