// Pointer authentication's generic code (PACGA): the architected algorithm, QARMA5, with the key
// Linux gives every thread. Linux enables APGAKey for user space whenever the CPU has generic
// authentication (HWCAP_PACG, runtime/hwcap.ts): random at exec, inherited by fork and by new
// threads, replaced by prctl(PR_PAC_RESET_KEYS) (syscalls/misc.ts). The address keys (IA, IB, DA,
// DB) are disabled on the core we present (table/branch.ts), so they have no key here.
//
// ComputePAC is the Arm ARM's pseudocode (aarch64/functions/pac/computepac, QARMA5 — not the
// QARMA3 variant FEAT_PACQARMA3 adds): QARMA-64 [R. Avanzi, The QARMA Block Cipher Family,
// ToSC 2017(1)] with its σ2 S-box and five rounds, w0 = key0 (APGAKeyHi), k0 = key1 (APGAKeyLo).
// The state is 16 four-bit cells, cell i being bits 4i+3:4i; each permutation below is written
// as the Arm ARM writes it (output cell i ← input cell P[i]), the inverses are computed from them.

/** APGAKey_EL1: `hi` is APGAKeyHi_EL1 (key bits 127:64, ComputePAC's key0), `lo` APGAKeyLo_EL1 (key1) */
export interface PacKey { readonly hi: bigint; readonly lo: bigint }

/** a fresh key, as Linux draws one at exec (get_random_bytes) */
export function randomPacKey(): PacKey {
  const w = new BigUint64Array(2);
  crypto.getRandomValues(w);
  return { hi: w[0]!, lo: w[1]! };
}

type Cells = number[];

/** PACCellShuffle */
const CELL_SHUFFLE = [13, 6, 11, 0, 7, 12, 1, 10, 8, 3, 14, 5, 2, 9, 4, 15];
/** TweakShuffle's permutation; the output cells in TWEAK_ROT also go through TweakCellRot */
const TWEAK_SHUFFLE = [4, 5, 6, 7, 11, 2, 3, 8, 12, 13, 14, 15, 0, 1, 10, 9];
const TWEAK_ROT = new Set([2, 4, 7, 11, 12, 14, 15]);
/** PACSub (QARMA's σ2) */
const SUB = [0xb, 0x6, 0x8, 0xf, 0xc, 0x0, 0x9, 0xe, 0x3, 0x7, 0x4, 0x5, 0xd, 0x2, 0x1, 0xa];

const inverse = (p: number[]): number[] => {
  const q = new Array<number>(p.length);
  p.forEach((v, i) => { q[v] = i; });
  return q;
};
/** PACCellInvShuffle, PACInvSub */
const CELL_INV_SHUFFLE = inverse(CELL_SHUFFLE);
const INV_SUB = inverse(SUB);

const cells = (v: bigint): Cells => {
  const lo = Number(v & 0xffffffffn), hi = Number((v >> 32n) & 0xffffffffn);
  return Array.from({ length: 16 }, (_, i) => ((i < 8 ? lo : hi) >>> (4 * (i & 7))) & 0xf);
};
const value = (c: Cells): bigint => {
  let lo = 0, hi = 0;
  for (let i = 0; i < 8; i++) { lo |= c[i]! << (4 * i); hi |= c[i + 8]! << (4 * i); }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
};

const RC = [0n, 0x13198a2e03707344n, 0xa4093822299f31d0n, 0x082efa98ec4e6c89n, 0x452821e638d01377n].map(cells);
const ALPHA = cells(0xc0ac29b7c97c50ddn);

const xor = (a: Cells, b: Cells): Cells => a.map((x, i) => x ^ b[i]!);
const shuffle = (a: Cells, p: number[]): Cells => p.map((j) => a[j]!);
const sub = (a: Cells, s: number[]): Cells => a.map((x) => s[x]!);
/** RotCell: a cell rotated left by `n` */
const rotCell = (c: number, n: number): number => ((c << n) | (c >> (4 - n))) & 0xf;

/** PACMult: each column (cells i, i+4, i+8, i+12) times QARMA's involutory matrix circ(0, ρ, ρ², ρ) */
function mult(s: Cells): Cells {
  const o = new Array<number>(16);
  for (let i = 0; i < 4; i++) {
    const c0 = s[i]!, c4 = s[i + 4]!, c8 = s[i + 8]!, c12 = s[i + 12]!;
    o[i + 12] = rotCell(c8, 1) ^ rotCell(c4, 2) ^ rotCell(c0, 1);
    o[i + 8] = rotCell(c12, 1) ^ rotCell(c4, 1) ^ rotCell(c0, 2);
    o[i + 4] = rotCell(c12, 2) ^ rotCell(c8, 1) ^ rotCell(c0, 1);
    o[i] = rotCell(c12, 1) ^ rotCell(c8, 2) ^ rotCell(c4, 1);
  }
  return o;
}

/** TweakCellRot: bits 2:0 ← bits 3:1, bit 3 ← bit 0 XOR bit 1 (QARMA's LFSR ω) */
const tweakCellRot = (c: number): number => (c >> 1) | (((c ^ (c >> 1)) & 1) << 3);
/** TweakCellInvRot: bits 3:1 ← bits 2:0, bit 0 ← bit 0 XOR bit 3 */
const tweakCellInvRot = (c: number): number => ((c << 1) & 0xf) | ((c ^ (c >> 3)) & 1);
const tweakShuffle = (t: Cells): Cells => TWEAK_SHUFFLE.map((j, i) => (TWEAK_ROT.has(i) ? tweakCellRot(t[j]!) : t[j]!));
function tweakInvShuffle(t: Cells): Cells {
  const o = new Array<number>(16);
  TWEAK_SHUFFLE.forEach((j, i) => { o[j] = TWEAK_ROT.has(i) ? tweakCellInvRot(t[i]!) : t[i]!; });
  return o;
}

/** ComputePAC(data, modifier, key0, key1): the 64-bit QARMA5 ciphertext (all arguments unsigned 64-bit) */
export function computePac(data: bigint, modifier: bigint, key0: bigint, key1: bigint): bigint {
  const k0 = cells(key0), k1 = cells(key1);
  // modk0 = key0<0>:key0<63:2>:(key0<63> EOR key0<1>): QARMA's w1 = o(w0)
  const modk0 = cells(((key0 & 1n) << 63n) | ((key0 >> 2n) << 1n) | (((key0 >> 63n) ^ (key0 >> 1n)) & 1n));
  let runningmod = cells(modifier);
  let w = xor(cells(data), k0);
  for (let i = 0; i <= 4; i++) { // forward rounds
    w = xor(xor(w, xor(k1, runningmod)), RC[i]!);
    if (i > 0) w = mult(shuffle(w, CELL_SHUFFLE));
    w = sub(w, SUB);
    runningmod = tweakShuffle(runningmod);
  }
  w = xor(w, xor(modk0, runningmod)); // the central rounds and reflector
  w = sub(mult(shuffle(w, CELL_SHUFFLE)), SUB);
  w = mult(shuffle(w, CELL_SHUFFLE));
  w = xor(w, k1);
  w = shuffle(w, CELL_INV_SHUFFLE);
  w = mult(sub(w, INV_SUB));
  w = shuffle(w, CELL_INV_SHUFFLE);
  w = xor(xor(w, k0), runningmod);
  for (let i = 0; i <= 4; i++) { // backward rounds
    w = sub(w, INV_SUB);
    if (i < 4) w = shuffle(mult(w), CELL_INV_SHUFFLE);
    runningmod = tweakInvShuffle(runningmod);
    w = xor(xor(xor(w, RC[4 - i]!), xor(k1, runningmod)), ALPHA);
  }
  return value(xor(w, modk0));
}

/** PACGA Xd, Xn, Xm|SP: ComputePAC(X[n], X[m], APGAKeyHi, APGAKeyLo)<63:32>:Zeros(32) */
export function pacga(key: PacKey, x: bigint, modifier: bigint): bigint {
  const pac = computePac(BigInt.asUintN(64, x), BigInt.asUintN(64, modifier), key.hi, key.lo);
  return pac & 0xffffffff00000000n;
}
