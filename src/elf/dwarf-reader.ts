// A cursor over bytes that live at a guest address, reading the DWARF/LSB encodings that
// .eh_frame, .debug_frame and .gcc_except_table use (LEB128, DW_EH_PE_* pointer encodings).
// Every read is bounds-checked: a damaged table throws DwarfRangeError, which the table
// parsers turn into "stop reading this table", never a failed translation.

export class DwarfRangeError extends Error {}

/** DW_EH_PE_omit: the field is absent */
export const PE_OMIT = 0xff;

export class DwarfReader {
  pos = 0;
  private readonly view: DataView;

  /** `base` is the guest address of bytes[0] (pc-relative pointers are relative to it) */
  constructor(readonly bytes: Uint8Array, readonly base: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get end(): boolean { return this.pos >= this.bytes.length; }
  /** the guest address of the next byte */
  get addr(): number { return this.base + this.pos; }

  private need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.bytes.length) throw new DwarfRangeError(`read past the end of a table at ${at}`);
    this.pos += n;
    return at;
  }

  u8(): number { return this.bytes[this.need(1)]!; }
  u16(): number { return this.view.getUint16(this.need(2), true); }
  u32(): number { return this.view.getUint32(this.need(4), true); }
  s16(): number { return this.view.getInt16(this.need(2), true); }
  s32(): number { return this.view.getInt32(this.need(4), true); }
  /** 64-bit values as numbers: guest addresses are below 2^32, larger values only need to be recognisably out of range */
  u64(): number { return Number(this.view.getBigUint64(this.need(8), true)); }
  s64(): number { return Number(this.view.getBigInt64(this.need(8), true)); }

  uleb(): number {
    let v = 0, mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return v;
    }
  }

  sleb(): number {
    let v = 0, mul = 1, b: number;
    do {
      b = this.u8();
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return b & 0x40 ? v - mul : v;
  }

  cstring(): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw new DwarfRangeError('unterminated string');
    const s = String.fromCharCode(...this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  skip(n: number): void { this.need(n); }

  /** the value of a DW_EH_PE_* format (the low nibble), without applying the base */
  value(enc: number): number {
    switch (enc & 0x0f) {
      case 0x00: return this.u64(); // absptr (8-byte addresses)
      case 0x01: return this.uleb();
      case 0x02: return this.u16();
      case 0x03: return this.u32();
      case 0x04: return this.u64();
      case 0x09: return this.sleb();
      case 0x0a: return this.s16();
      case 0x0b: return this.s32();
      case 0x0c: return this.s64();
      default: throw new DwarfRangeError(`unknown pointer encoding 0x${enc.toString(16)}`);
    }
  }

  /**
   * A pointer in encoding `enc`; undefined for DW_EH_PE_omit, for indirect pointers (the value
   * is the address of a pointer, not the target) and for bases we do not know (textrel, datarel).
   * `funcStart` is the base of DW_EH_PE_funcrel.
   */
  pointer(enc: number, funcStart = 0): number | undefined {
    if (enc === PE_OMIT) return undefined;
    if ((enc & 0x70) === 0x50) this.pos = (this.pos + 7) & ~7; // DW_EH_PE_aligned
    const at = this.addr;
    const v = this.value(enc);
    if (v === 0 && (enc & 0x70) !== 0x40) return undefined; // a null pointer stays null whatever the base
    let p: number;
    switch (enc & 0x70) {
      case 0x00: case 0x50: p = v; break;
      case 0x10: p = at + v; break; // pcrel
      case 0x40: p = funcStart + v; break; // funcrel
      default: return undefined;
    }
    if (enc & 0x80) return undefined;
    return p;
  }
}
