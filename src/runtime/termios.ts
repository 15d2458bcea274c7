// struct termios as Linux keeps it for a terminal (asm-generic layout, 36 bytes on AArch64): the
// flags the line discipline (terminal.ts) honours, the control characters, and a fresh pty's
// settings (Linux's tty_std_termios as devpts gives it to a pty's slave side).
import type { GuestMem } from './guest-mem.ts';

/** c_iflag bits */
export const I = { IGNBRK: 0x1, BRKINT: 0x2, ISTRIP: 0x20, INLCR: 0x40, IGNCR: 0x80, ICRNL: 0x100, IUCLC: 0x200, IXON: 0x400, IXANY: 0x800, IXOFF: 0x1000, IMAXBEL: 0x2000, IUTF8: 0x4000 } as const;
/** c_oflag bits */
export const OF = { OPOST: 0x1, OLCUC: 0x2, ONLCR: 0x4, OCRNL: 0x8, ONOCR: 0x10, ONLRET: 0x20, TABDLY: 0x1800, XTABS: 0x1800 } as const;
/** c_lflag bits */
export const L = { ISIG: 0x1, ICANON: 0x2, ECHO: 0x8, ECHOE: 0x10, ECHOK: 0x20, ECHONL: 0x40, NOFLSH: 0x80, TOSTOP: 0x100, ECHOCTL: 0x200, ECHOPRT: 0x400, ECHOKE: 0x800, IEXTEN: 0x8000 } as const;
/** indices into c_cc */
export const V = { INTR: 0, QUIT: 1, ERASE: 2, KILL: 3, EOF: 4, TIME: 5, MIN: 6, SWTC: 7, START: 8, STOP: 9, SUSP: 10, EOL: 11, REPRINT: 12, DISCARD: 13, WERASE: 14, LNEXT: 15, EOL2: 16 } as const;
/** c_cc has 19 entries (NCCS) */
const NCCS = 19;
export const TERMIOS_SIZE = 36;

export interface Termios { iflag: number; oflag: number; cflag: number; lflag: number; line: number; cc: Uint8Array }

/** a fresh pty: ICRNL IXON, OPOST ONLCR, B38400 CS8 CREAD, ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN;
 *  ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V */
export function freshTermios(): Termios {
  return { iflag: 0x0500, oflag: 0x0005, cflag: 0x00bf, lflag: 0x8a3b, line: 0, cc: Uint8Array.from([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0]) };
}

export function readTermios(mem: GuestMem, addr: bigint): Termios {
  mem.check(addr, TERMIOS_SIZE);
  return { iflag: mem.u32(addr), oflag: mem.u32(addr + 4n), cflag: mem.u32(addr + 8n), lflag: mem.u32(addr + 12n), line: mem.u8At(addr + 16n), cc: mem.read(addr + 17n, NCCS) };
}

export function writeTermios(mem: GuestMem, addr: bigint, t: Termios): void {
  mem.check(addr, TERMIOS_SIZE);
  mem.setU32(addr, t.iflag);
  mem.setU32(addr + 4n, t.oflag);
  mem.setU32(addr + 8n, t.cflag);
  mem.setU32(addr + 12n, t.lflag);
  mem.setU8(addr + 16n, t.line);
  mem.write(addr + 17n, t.cc);
}
