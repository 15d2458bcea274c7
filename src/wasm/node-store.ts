// The expressions a WasmBuilder holds, as columns of typed arrays: a translation builds millions
// of them (busybox: ~6 M, all of its functions lifted before any is added), and a JS object per
// expression cost 1.5 GB and seconds of garbage collection (here: ~26 bytes each). An
// expression is its index (never 0); its operands are a run in `pool`.
import { withRoom } from './byte-writer.ts';

export class NodeStore {
  kind = new Uint8Array(1 << 14);
  type = new Uint8Array(1 << 14);
  a = new Int32Array(1 << 14);
  b = new Int32Array(1 << 14);
  c = new Int32Array(1 << 14);
  /** where the node's operands start in `pool`, and how many */
  kidsAt = new Int32Array(1 << 14);
  kidsN = new Int32Array(1 << 14);
  pool = new Int32Array(1 << 15);
  size = 1;
  poolSize = 0;

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
