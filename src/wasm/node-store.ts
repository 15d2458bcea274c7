// The expressions a WasmBuilder holds, as columns of typed arrays: a translation builds millions
// of them (busybox: ~6 M, all of its functions lifted before any is added), and a JS object per
// expression cost 1.5 GB and seconds of garbage collection (here: ~26 bytes each). An
// expression is its index (never 0); its operands are a run in `pool`.
import { withRoom } from './byte-writer.ts';

export class NodeStore {
  kind: Uint8Array;
  type: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  /** where the node's operands start in `pool`, and how many */
  kidsAt: Int32Array;
  kidsN: Int32Array;
  pool: Int32Array;
  size = 1;
  poolSize = 0;

  /**
   * `capacity`: the nodes (and operands) expected. Sized up front, the columns are not grown by
   * doubling as a large translation goes: growing them (copies of arrays up to tens of MB, and
   * the garbage they leave) took ~8 % of hello-glibc's translation.
   */
  constructor(capacity = 0) {
    const n = Math.max(capacity, 1 << 14);
    this.kind = new Uint8Array(n); this.type = new Uint8Array(n);
    this.a = new Int32Array(n); this.b = new Int32Array(n); this.c = new Int32Array(n);
    this.kidsAt = new Int32Array(n); this.kidsN = new Int32Array(n);
    this.pool = new Int32Array(Math.max(capacity, 1 << 15));
  }

  private grow(): void {
    const n = this.size, more = <T extends Uint8Array | Int32Array>(x: T): T => withRoom(x, n, 1);
    this.kind = more(this.kind); this.type = more(this.type);
    this.a = more(this.a); this.b = more(this.b); this.c = more(this.c);
    this.kidsAt = more(this.kidsAt); this.kidsN = more(this.kidsN);
  }

  private growPool(n: number): void { this.pool = withRoom(this.pool, this.poolSize, n); }

  /** a node with `n` operands, which the caller writes with `kid` right after */
  add(kind: number, type: number, a: number, b: number, c: number, n: number): number {
    if (this.size === this.kind.length) this.grow();
    const e = this.size++;
    this.kind[e] = kind; this.type[e] = type;
    this.a[e] = a; this.b[e] = b; this.c[e] = c;
    if (this.poolSize + n > this.pool.length) this.growPool(n); // checked inline: the lifter runs mostly in the engine's baseline tier
    this.kidsAt[e] = this.poolSize;
    this.kidsN[e] = n;
    this.poolSize += n;
    return e;
  }

  setKid(e: number, i: number, v: number): void { this.pool[this.kidsAt[e]! + i] = v; }
  kid(e: number, i: number): number { return this.pool[this.kidsAt[e]! + i]!; }
}
