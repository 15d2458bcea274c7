// A growable byte buffer with the Wasm binary format's encodings (LEB128, names, sections).

/** `a` if it has room for `used` + `n` elements, else a copy of its first `used` at least twice as large */
export function withRoom<T extends Uint8Array | Int32Array>(a: T, used: number, n: number): T {
  if (used + n <= a.length) return a;
  let size = Math.max(a.length * 2, 64);
  while (size < used + n) size *= 2;
  const next = new (a.constructor as new (size: number) => T)(size);
  next.set(a.subarray(0, used));
  return next;
}

export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  // Each write checks for room inline and calls out only to grow: the encoder writes byte by
  // byte, and the translator runs mostly in the engine's baseline tier, where every call costs.
  private grow(n: number): void { this.buf = withRoom(this.buf, this.length, n); }

  byte(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.length + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** `b`[from, to) */
  range(b: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.length + n > this.buf.length) this.grow(n);
    // short runs (between two relocations) are copied faster by hand than through a subarray
    if (n < 32) for (let i = from; i < to; i++) this.buf[this.length++] = b[i]!;
    else { this.buf.set(b.subarray(from, to), this.length); this.length += n; }
  }

  u32(v: number): void {
    if (this.length + 5 > this.buf.length) this.grow(5);
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
  }

  s32(v: number): void {
    if (this.length + 5 > this.buf.length) this.grow(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { this.buf[this.length++] = b; return; }
      this.buf[this.length++] = b | 0x80;
    }
  }

  s64(v: bigint): void {
    if (v >= -0x40000000n && v < 0x40000000n) { this.s32(Number(v)); return; }
    if (this.length + 10 > this.buf.length) this.grow(10);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { this.buf[this.length++] = b; return; }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** a signed 64-bit LEB128 of the value whose halves are `lo` and `hi` */
  s64pair(lo: number, hi: number): void {
    if ((hi === 0 && lo >= 0) || (hi === -1 && lo < 0)) { this.s32(lo); return; }
    this.s64((BigInt(hi) << 32n) | BigInt(lo >>> 0));
  }

  i32le(v: number): void {
    if (this.length + 4 > this.buf.length) this.grow(4);
    for (let k = 0; k < 4; k++) this.buf[this.length++] = (v >>> (8 * k)) & 0xff;
  }

  i64le(v: bigint): void {
    this.i32le(Number(BigInt.asUintN(32, v)));
    this.i32le(Number(BigInt.asUintN(32, v >> 32n)));
  }

  name(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  /** a section: its id, its size, then what `fill` writes */
  section(id: number, fill: (w: ByteWriter) => void): void {
    const w = new ByteWriter();
    fill(w);
    this.byte(id);
    this.u32(w.length);
    this.bytes(w.view());
  }

  reset(): void { this.length = 0; }

  /** the bytes written so far (a view: valid until the next write) */
  view(): Uint8Array { return this.buf.subarray(0, this.length); }

  /** a copy of the bytes written */
  finish(): Uint8Array { return this.buf.slice(0, this.length); }
}
