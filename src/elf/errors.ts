export type ElfErrorCode =
  | 'not-elf'
  | 'truncated'
  | 'elfclass32'
  | 'big-endian'
  | 'wrong-machine'
  | 'dynamic'
  | 'no-load'
  | 'not-executable'
  | 'bad-address';

/**
 * Why an input cannot be translated. `code` is for programs (tests, the CLI's exit
 * status); `message` is a single line meant for the person who supplied the file.
 */
export class ElfFormatError extends Error {
  readonly code: ElfErrorCode;

  constructor(code: ElfErrorCode, message: string) {
    super(message);
    this.name = 'ElfFormatError';
    this.code = code;
  }
}

const MACHINE_NAMES: Record<number, string> = {
  3: 'i386',
  8: 'MIPS',
  21: 'PowerPC64',
  22: 's390',
  40: 'ARM',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

/** Human name of an e_machine value, e.g. "x86-64" or "machine 0x1234". */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine 0x${machine.toString(16)}`;
}

/** Lower-case hex with 0x prefix, for addresses and offsets in messages. */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
