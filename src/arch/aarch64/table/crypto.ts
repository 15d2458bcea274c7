// The cryptographic extensions (Arm ARM C4.1.95 "Cryptographic AES / three-register SHA /
// two-register SHA", C4.1.97 SHA512 and SHA3): AESE/AESD/AESMC/AESIMC, SHA1*, SHA256*,
// SHA512*, EOR3/BCAX/RAX1/XAR, and PMULL/PMULL2 Vd.1Q (the 8-bit PMULL is in simd-int.ts).
// The round functions are Wasm helpers (crypto-ops.ts); the message-schedule updates are a few
// lane-wise v128 ops and are inlined. SM3 and SM4 (FEAT_SM3, FEAT_SM4) are helpers of sm-ops.ts.
import { row, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i32c } from '../ops.ts';
import { type G, V128, VR, lane, shuffleElems, vtmp, vzero, writeScalarV } from '../simd-ops.ts';

const call = (b: Builder, name: string, args: Expr[]) => b.m.call(b.helper(name), args, V128);
const get = (b: Builder, n: number) => b.get(VR(n));

/** each i32 lane rotated right by k */
const ror32 = (b: Builder, v: G, k: number) => b.m.v128.or(b.m.i32x4.shr_u(v(), i32c(b, k)), b.m.i32x4.shl(v(), i32c(b, 32 - k)));
/** each i64 lane rotated right by k (0 < k < 64) */
const ror64 = (b: Builder, v: G, k: number) => b.m.v128.or(b.m.i64x2.shr_u(v(), i32c(b, k)), b.m.i64x2.shl(v(), i32c(b, 64 - k)));
/** XOR of the rotations right by k of each lane, and of the logical shift right by `shr` */
function sigma(b: Builder, esize: 32 | 64, v: G, rots: number[], shr: number): Expr {
  const m = b.m, ror = esize === 32 ? ror32 : ror64, o = esize === 32 ? m.i32x4 : m.i64x2;
  return rots.reduce((acc, k) => m.v128.xor(acc, ror(b, v, k)), o.shr_u(v(), i32c(b, shr)));
}

const AES = ['aes_e', 'aes_d', 'aes_mc', 'aes_imc'];
const SHA1 = ['sha1_c', 'sha1_p', 'sha1_m'];
const SM3TT = ['sm3_tt1a', 'sm3_tt1b', 'sm3_tt2a', 'sm3_tt2b'];

export const cryptoRows: Row[] = [
  // AESE/AESD Vd.16B, Vn.16B (AddRoundKey, (Inv)ShiftRows, (Inv)SubBytes); AESMC/AESIMC
  row('AES', '01001110 00 10100 001 op:2 10 rn:5 rd:5', (f, b) => {
    const name = AES[f.op!]!;
    b.set(VR(f.rd!), call(b, name, f.op! < 2 ? [get(b, f.rd!), get(b, f.rn!)] : [get(b, f.rn!)]));
  }),
  // SHA1C/P/M Qd, Sn, Vm.4S (4 rounds); SHA1SU0; SHA256H/H2 Qd, Qn, Vm.4S; SHA256SU1
  row('SHA_3reg', '01011110 00 0 rm:5 0 opcode:3 00 rn:5 rd:5', (f, b) => {
    const m = b.m, d = f.rd!, n = f.rn!, mm = f.rm!, op = f.opcode!;
    if (op < 3) return b.set(VR(d), call(b, SHA1[op]!, [get(b, d), m.i32x4.extract_lane(get(b, n), 0 as never), get(b, mm)]));
    if (op === 4 || op === 5) return b.set(VR(d), call(b, op === 4 ? 'sha256_h' : 'sha256_h2', op === 4 ? [get(b, d), get(b, n), get(b, mm)] : [get(b, n), get(b, d), get(b, mm)]));
    if (op === 3) { // SHA1SU0: (Vn<63:0> : Vd<127:64>) ⊕ Vd ⊕ Vm
      return b.set(VR(d), m.v128.xor(m.v128.xor(shuffleElems(b, get(b, d), get(b, n), 64, [1, 2]), get(b, d)), get(b, mm)));
    }
    // SHA256SU1: σ1 of Vm's upper words feeds words 0-1, σ1 of those results words 2-3
    const base = vtmp(b, m.i32x4.add(get(b, d), shuffleElems(b, get(b, n), get(b, mm), 32, [1, 2, 3, 4])));
    const s1 = (v: G) => sigma(b, 32, v, [17, 19], 10);
    const w = vtmp(b, shuffleElems(b, get(b, mm), get(b, mm), 32, [2, 3, 2, 3]));
    const lo = vtmp(b, m.i32x4.add(base(), s1(w)));
    const lo2 = vtmp(b, shuffleElems(b, lo(), lo(), 32, [0, 1, 0, 1]));
    b.set(VR(d), shuffleElems(b, lo(), m.i32x4.add(base(), s1(lo2)), 32, [0, 1, 6, 7]));
  }, { guard: (f) => f.opcode !== 7 }),
  // SHA1H Sd, Sn; SHA1SU1; SHA256SU0
  row('SHA_2reg', '01011110 00 10100 000 op:2 10 rn:5 rd:5', (f, b) => {
    const m = b.m, d = f.rd!, n = f.rn!;
    if (f.op === 0) return writeScalarV(b, d, m.i32x4.splat(m.i32.rotl(m.i32x4.extract_lane(get(b, n), 0 as never), i32c(b, 30))), 32);
    if (f.op === 1) { // T = Vd ⊕ (Vn >> 32); each word rotated left by 1; word 3 also takes ROL(T<31:0>, 2)
      const t = vtmp(b, m.v128.xor(get(b, d), shuffleElems(b, get(b, n), vzero(b), 32, [1, 2, 3, 4])));
      const r = vtmp(b, ror32(b, t, 31));
      return b.set(VR(d), m.v128.xor(r(), shuffleElems(b, ror32(b, r, 31), vzero(b), 32, [4, 4, 4, 0])));
    }
    // SHA256SU0: Vd + σ0(Vn<31:0> : Vd<127:32>)
    const t = vtmp(b, shuffleElems(b, get(b, d), get(b, n), 32, [1, 2, 3, 4]));
    b.set(VR(d), m.i32x4.add(get(b, d), sigma(b, 32, t, [7, 18], 3)));
  }, { guard: (f) => f.op !== 3 }),
  // SHA512H/H2 Qd, Qn, Vm.2D; SHA512SU1 Vd.2D, Vn.2D, Vm.2D; RAX1 Vd.2D, Vn.2D, Vm.2D
  row('SHA512_3reg', '11001110 011 rm:5 1 0 00 op:2 rn:5 rd:5', (f, b) => {
    const m = b.m, d = f.rd!, n = f.rn!, mm = f.rm!;
    switch (f.op) {
      case 0: return b.set(VR(d), call(b, 'sha512_h', [get(b, d), get(b, n), get(b, mm)]));
      case 1: return b.set(VR(d), call(b, 'sha512_h2', [get(b, d), get(b, n), get(b, mm)]));
      case 2: return b.set(VR(d), m.i64x2.add(m.i64x2.add(get(b, d), sigma(b, 64, () => get(b, n), [19, 61], 6)), get(b, mm)));
      default: return b.set(VR(d), m.v128.xor(get(b, n), ror64(b, () => get(b, mm), 63)));
    }
  }),
  // SHA512SU0 Vd.2D, Vn.2D: Vd + σ0(Vn<63:0> : Vd<127:64>)
  row('SHA512SU0', '11001110 110000001000 00 rn:5 rd:5', (f, b) => {
    const t = vtmp(b, shuffleElems(b, get(b, f.rd!), get(b, f.rn!), 64, [1, 2]));
    b.set(VR(f.rd!), b.m.i64x2.add(get(b, f.rd!), sigma(b, 64, t, [1, 8], 7)));
  }),
  // EOR3 Vd = Vn ⊕ Vm ⊕ Va; BCAX Vd = Vn ⊕ (Vm ∧ ¬Va)
  row('EOR3_BCAX', '11001110 0 0 op rm:5 0 ra:5 rn:5 rd:5', (f, b) => {
    const m = b.m, n = get(b, f.rn!), mm = get(b, f.rm!), a = get(b, f.ra!);
    b.set(VR(f.rd!), m.v128.xor(n, f.op ? m.v128.andnot(mm, a) : m.v128.xor(mm, a)));
  }),
  // XAR Vd.2D = ROR(Vn ⊕ Vm, imm6) per lane
  row('XAR', '11001110 100 rm:5 imm6:6 rn:5 rd:5', (f, b) => {
    const x = vtmp(b, b.m.v128.xor(get(b, f.rn!), get(b, f.rm!)));
    b.set(VR(f.rd!), f.imm6 ? ror64(b, x, f.imm6) : x());
  }),
  // SM3SS1 Vd.4S, Vn.4S, Vm.4S, Va.4S
  row('SM3SS1', '11001110 010 rm:5 0 ra:5 rn:5 rd:5', (f, b) => b.set(VR(f.rd!), call(b, 'sm3_ss1', [get(b, f.rn!), get(b, f.rm!), get(b, f.ra!)]))),
  // SM3TT1A/1B/2A/2B Vd.4S, Vn.4S, Vm.S[imm2]
  row('SM3TT', '11001110 010 rm:5 10 imm2:2 op:2 rn:5 rd:5', (f, b) => {
    const w = b.m.i32x4.extract_lane(get(b, f.rm!), f.imm2! as never);
    b.set(VR(f.rd!), call(b, SM3TT[f.op!]!, [get(b, f.rd!), get(b, f.rn!), w]));
  }),
  // SM3PARTW1/2 Vd.4S, Vn.4S, Vm.4S; SM4EKEY Vd.4S, Vn.4S, Vm.4S
  row('SM3PARTW_SM4EKEY', '11001110 011 rm:5 1100 op:2 rn:5 rd:5', (f, b) => {
    const d = get(b, f.rd!), n = get(b, f.rn!), mm = get(b, f.rm!);
    b.set(VR(f.rd!), f.op === 2 ? call(b, 'sm4_ekey', [n, mm]) : call(b, f.op ? 'sm3_partw2' : 'sm3_partw1', [d, n, mm]));
  }, { guard: (f) => f.op !== 3 }),
  // SM4E Vd.4S, Vn.4S
  row('SM4E', '11001110 110 00000 1000 01 rn:5 rd:5', (f, b) => b.set(VR(f.rd!), call(b, 'sm4_e', [get(b, f.rd!), get(b, f.rn!)]))),
  // PMULL/PMULL2 Vd.1Q, Vn.1D/2D, Vm.1D/2D: 64 × 64 → 128 carry-less
  row('PMULL_1Q', '0 Q 0 01110 11 1 rm:5 1110 00 rn:5 rd:5', (f, b) => {
    b.set(VR(f.rd!), call(b, 'clmul64', [lane(b, get(b, f.rn!), 64, f.Q!), lane(b, get(b, f.rm!), 64, f.Q!)]));
  }),
];
