// The test program around random instruction sequences: per sequence, a prologue loading every
// register from an initial-state block, the sequence, and an epilogue storing X0–X30, SP, NZCV,
// FPSR and V0–V31 to a dump block and writing the dump and the scratch areas to stdout; the last
// one exits. Several sequences share one program (one translation, one qemu run), each in a data
// block of its own (`slot`). Everything is machine words encoded here; the ELF comes from
// test/helpers/elf-writer.ts.
import { writeElf } from '../../helpers/elf-writer.ts';
import { asm } from './template.ts';

export const TEXT = 0x400000;
export const DATA = 0x500000;
/** the register dump (written out first) */
export const DUMP = DATA;
export const DUMP_SIZE = 0x400;
/** loads and stores of the sequence address these two areas (written out after the dump) */
export const SCRATCH = DATA + DUMP_SIZE, SCRATCH_SIZE = 0x2000;
export const STACK = SCRATCH + SCRATCH_SIZE, STACK_SIZE = 0x2000;
export const OUT_SIZE = DUMP_SIZE + SCRATCH_SIZE + STACK_SIZE;
/** the initial register values, in the dump's layout */
const INIT = DATA + OUT_SIZE;
/** the data of one sequence (dump, scratch, stack, initial state); slot k's addresses are slot 0's plus k·BLOCK */
export const BLOCK = 0x5000;

// dump/initial-state layout: x0..x30, sp, nzcv, fpsr (8 bytes each), v0..v31 (16 bytes each)
export const OFF_SP = 31 * 8, OFF_NZCV = 32 * 8, OFF_FPSR = 33 * 8, OFF_V = 34 * 8;

export interface MachineState {
  x: bigint[];
  sp: number;
  /** NZCV in bits 31..28, as MRS reads it */
  nzcv: number;
  v: bigint[];
  /** initial contents of the scratch and stack areas */
  memory: Uint8Array;
  /** write FPSR before the sequence: the translator then keeps FPSR exactly (see src/arch/aarch64/fp-strict.ts) */
  strictFp: boolean;
  /** FPCR for the sequence (rounding mode, FZ, DN; implies strictFp), default 0 */
  fpcr?: number;
  /** the general registers holding addresses in the data block (moved with it to another slot) */
  addrRegs: number[];
}

/** A sequence and the state it starts from, as slot 0 sees them. */
export interface Placed { words: number[]; state: MachineState }

const movz = (rd: number, imm: number, hw = 0) => asm('1 10 100101 hw:2 imm16:16 rd:5', { hw, imm16: imm, rd });
const movk = (rd: number, imm: number, hw: number) => asm('1 11 100101 hw:2 imm16:16 rd:5', { hw, imm16: imm, rd });
const mov32 = (rd: number, v: number) => [movz(rd, v & 0xffff), movk(rd, v >>> 16, 1)];
// LDP/STP, 64-bit or Q: mode 1 post-index, 2 signed offset, 3 pre-index; imm7 in units of the element
const pair = (q: boolean, load: boolean, mode: number, rt: number, rt2: number, rn: number, imm7: number) =>
  asm('opc:2 101 V 0 mode:2 L imm7:7 rt2:5 rn:5 rt:5', { opc: 2, V: q ? 1 : 0, mode, L: load ? 1 : 0, imm7, rt2, rn, rt });
const ldstX = (load: boolean, rt: number, rn: number, byteOff: number) =>
  asm('11 111 0 01 opc:2 imm12:12 rn:5 rt:5', { opc: load ? 1 : 0, imm12: byteOff / 8, rn, rt });
const addImm0 = (rd: number, rn: number) => asm('1 0 0 100010 0 000000000000 rn:5 rd:5', { rn, rd }); // mov to/from sp
const sysreg = (read: boolean, crm: number, op2: number, rt: number) =>
  asm('1101010100 L 1 1 011 0100 crm:4 op2:3 rt:5', { L: read ? 1 : 0, crm, op2, rt });
const NZCV_REG = [2, 0] as const, FPSR_REG = [4, 1] as const, FPCR_REG = [4, 0] as const;
const SVC0 = asm('11010100 000 0000000000000000 000 01');

function prologue(s: MachineState, shift: number): number[] {
  const w = [...mov32(0, INIT + shift)];
  for (let k = 0; k < 32; k += 2) w.push(pair(true, true, 2, k, k + 1, 0, (OFF_V + 16 * k) / 16));
  w.push(ldstX(true, 1, 0, OFF_NZCV), sysreg(false, ...NZCV_REG, 1));
  w.push(ldstX(true, 1, 0, OFF_SP), addImm0(31, 1));
  if (s.strictFp) w.push(sysreg(false, ...FPSR_REG, 31)); // msr fpsr, xzr
  if (s.fpcr) w.push(ldstX(true, 1, 0, OFF_FPSR), sysreg(false, ...FPCR_REG, 1)); // FPCR from the FPSR slot of the initial state
  for (let k = 1; k < 31; k += 2) w.push(pair(false, true, 2, k, k + 1, 0, k));
  w.push(ldstX(true, 0, 0, 0));
  return w;
}

/** `strictFp`: read FPSR (a read makes the translator keep FPSR from then on, so not otherwise) */
function epilogue(s: MachineState, shift: number, last: boolean): number[] {
  const w = [pair(false, false, 3, 0, 1, 31, -2)]; // stp x0, x1, [sp, #-16]!
  w.push(...mov32(0, DUMP + shift));
  for (let k = 2; k < 30; k += 2) w.push(pair(false, false, 2, k, k + 1, 0, k));
  w.push(ldstX(false, 30, 0, 240));
  w.push(pair(false, true, 1, 2, 3, 31, 2), pair(false, false, 2, 2, 3, 0, 0)); // ldp x2, x3, [sp], #16; stp x2, x3, [x0]
  w.push(addImm0(1, 31), ldstX(false, 1, 0, OFF_SP));
  w.push(sysreg(true, ...NZCV_REG, 1), ldstX(false, 1, 0, OFF_NZCV));
  if (s.strictFp) w.push(sysreg(true, ...FPSR_REG, 1), ldstX(false, 1, 0, OFF_FPSR));
  if (s.fpcr) w.push(sysreg(false, ...FPCR_REG, 31)); // back to the default for the next sequence
  for (let k = 0; k < 32; k += 2) w.push(pair(true, false, 2, k, k + 1, 0, (OFF_V + 16 * k) / 16));
  w.push(addImm0(1, 0), movz(0, 1), movz(2, OUT_SIZE), movz(8, 64), SVC0); // write(1, DUMP, OUT_SIZE)
  if (last) w.push(movz(0, 0), movz(8, 94), SVC0); // exit_group(0)
  return w;
}

/** The program running `seqs` one after the other (sequence k in slot k), and each sequence's first word's address. */
export function buildElf(seqs: Placed[]): { elf: Uint8Array; starts: number[] } {
  const words: number[] = [], starts: number[] = [];
  const data = new Uint8Array(BLOCK * seqs.length);
  seqs.forEach(({ words: seq, state }, k) => {
    const shift = k * BLOCK;
    words.push(...prologue(state, shift));
    starts.push(TEXT + 4 * words.length);
    words.push(...seq, ...epilogue(state, shift, k === seqs.length - 1));
    writeState(new DataView(data.buffer, shift, BLOCK), state, shift);
  });
  const text = new Uint8Array(words.length * 4);
  const tv = new DataView(text.buffer);
  words.forEach((w, i) => tv.setUint32(4 * i, w, true));
  return { elf: writeElf(TEXT, [{ vaddr: TEXT, bytes: text, flags: 5 }, { vaddr: DATA, bytes: data, flags: 6 }]), starts };
}

/** The initial memory and register block of a sequence in slot `shift / BLOCK`. */
function writeState(block: DataView, s: MachineState, shift: number): void {
  new Uint8Array(block.buffer, block.byteOffset + SCRATCH - DATA, s.memory.length).set(s.memory);
  const init = new DataView(block.buffer, block.byteOffset + INIT - DATA);
  const moved = new Set(s.addrRegs);
  s.x.forEach((x, k) => init.setBigUint64(8 * k, BigInt.asUintN(64, x + (moved.has(k) ? BigInt(shift) : 0n)), true));
  init.setBigUint64(OFF_SP, BigInt(s.sp + shift), true);
  init.setBigUint64(OFF_NZCV, BigInt(s.nzcv >>> 0), true);
  init.setBigUint64(OFF_FPSR, BigInt(s.fpcr ?? 0), true);
  s.v.forEach((v, k) => {
    init.setBigUint64(OFF_V + 16 * k, BigInt.asUintN(64, v), true);
    init.setBigUint64(OFF_V + 16 * k + 8, BigInt.asUintN(64, v >> 64n), true);
  });
}

/** One register or memory byte range of a dump, named as the report shows it. */
export interface DumpDiff { what: string; reference: string; translated: string }

const hex = (b: Uint8Array) => [...b].reverse().map((x) => x.toString(16).padStart(2, '0')).join('');

/** The differences between two dumps, registers first (empty when equal); `ignoreFpsr` for runs whose FPSR is not kept exactly. */
export function differences(ref: Uint8Array, got: Uint8Array, ignoreFpsr: boolean): DumpDiff[] {
  if (ref.length !== OUT_SIZE || got.length !== OUT_SIZE)
    return [{ what: 'output length', reference: String(ref.length), translated: String(got.length) }];
  const field = (off: number, size: number, what: string): DumpDiff | undefined => {
    const a = ref.subarray(off, off + size), b = got.subarray(off, off + size);
    return a.every((x, i) => x === b[i]) ? undefined : { what, reference: hex(a), translated: hex(b) };
  };
  const fields: [number, number, string][] = [
    ...Array.from({ length: 31 }, (_, k): [number, number, string] => [8 * k, 8, `x${k}`]),
    [OFF_SP, 8, 'sp'], [OFF_NZCV, 8, 'nzcv'], ...(ignoreFpsr ? [] : [[OFF_FPSR, 8, 'fpsr'] as [number, number, string]]),
    ...Array.from({ length: 32 }, (_, k): [number, number, string] => [OFF_V + 16 * k, 16, `v${k}`]),
  ];
  for (let off = DUMP_SIZE; off < OUT_SIZE; off += 8) fields.push([off, 8, `memory 0x${(DATA + off).toString(16)}`]);
  return fields.flatMap(([off, size, what]) => field(off, size, what) ?? []);
}
