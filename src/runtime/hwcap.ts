// The CPU features the translator implements, as Linux tells user space about them: AT_HWCAP and
// AT_HWCAP2 (arch/arm64/include/uapi/asm/hwcap.h) and the ID register fields that Linux's MRS
// emulation shows at EL0 (Documentation/arch/arm64/cpu-feature-registers.rst). Linux derives each
// HWCAP bit from an ID register field (arm64_elf_hwcaps: field >= value), so one line per feature
// names both and the two views cannot disagree (arch/aarch64/sysregs.ts builds the registers).
//
// Add a feature here only once every instruction it names is implemented: static glibc's IFUNC
// resolvers and libraries such as zlib-ng and OpenSSL pick code paths from these bits.

/** an AArch64 ID register as Linux lets EL0 read it */
export type IdReg = 'PFR0' | 'ISAR0' | 'ISAR1';

export interface Feature {
  /** AT_HWCAP (1) or AT_HWCAP2 (2) */
  word: 1 | 2;
  /** bit number in that word */
  bit: number;
  /** the ID register field that reports it (4 bits at lsb) and the value Linux requires */
  id?: { reg: IdReg; lsb: number; value: number };
}

export const FEATURES: Record<string, Feature> = {
  FP: { word: 1, bit: 0 }, // ID_AA64PFR0.FP = 0 means implemented
  ASIMD: { word: 1, bit: 1 }, // ID_AA64PFR0.AdvSIMD = 0 likewise
  FPHP: { word: 1, bit: 9, id: { reg: 'PFR0', lsb: 16, value: 1 } }, // scalar half-precision arithmetic (FEAT_FP16)
  ASIMDHP: { word: 1, bit: 10, id: { reg: 'PFR0', lsb: 20, value: 1 } }, // Advanced SIMD half precision (FEAT_FP16: table/simd-fp16*.ts)
  AES: { word: 1, bit: 3, id: { reg: 'ISAR0', lsb: 4, value: 1 } },
  PMULL: { word: 1, bit: 4, id: { reg: 'ISAR0', lsb: 4, value: 2 } }, // the same field: 2 = AES and PMULL
  SHA1: { word: 1, bit: 5, id: { reg: 'ISAR0', lsb: 8, value: 1 } },
  SHA2: { word: 1, bit: 6, id: { reg: 'ISAR0', lsb: 12, value: 1 } },
  CRC32: { word: 1, bit: 7, id: { reg: 'ISAR0', lsb: 16, value: 1 } },
  ATOMICS: { word: 1, bit: 8, id: { reg: 'ISAR0', lsb: 20, value: 2 } }, // LSE: CAS, CASP, LD<op>, ST<op>, SWP
  JSCVT: { word: 1, bit: 13, id: { reg: 'ISAR1', lsb: 12, value: 1 } },
  FCMA: { word: 1, bit: 14, id: { reg: 'ISAR1', lsb: 16, value: 1 } }, // FCADD, FCMLA (table/simd-complex.ts)
  LRCPC: { word: 1, bit: 15, id: { reg: 'ISAR1', lsb: 20, value: 1 } }, // LDAPR
  ILRCPC: { word: 1, bit: 26, id: { reg: 'ISAR1', lsb: 20, value: 2 } }, // the same field: 2 = LDAPUR/STLUR too
  FLAGM: { word: 1, bit: 27, id: { reg: 'ISAR0', lsb: 52, value: 1 } }, // CFINV, RMIF, SETF8/16
  FLAGM2: { word: 2, bit: 7, id: { reg: 'ISAR0', lsb: 52, value: 2 } }, // the same field: 2 = AXFLAG, XAFLAG too
  SHA3: { word: 1, bit: 17, id: { reg: 'ISAR0', lsb: 32, value: 1 } },
  SM3: { word: 1, bit: 18, id: { reg: 'ISAR0', lsb: 36, value: 1 } },
  SM4: { word: 1, bit: 19, id: { reg: 'ISAR0', lsb: 40, value: 1 } },
  ASIMDDP: { word: 1, bit: 20, id: { reg: 'ISAR0', lsb: 44, value: 1 } },
  ASIMDFHM: { word: 1, bit: 23, id: { reg: 'ISAR0', lsb: 48, value: 1 } }, // FMLAL/FMLSL (table/simd-fhm.ts)
  SHA512: { word: 1, bit: 21, id: { reg: 'ISAR0', lsb: 12, value: 2 } }, // the same field: 2 = SHA256 and SHA512
  FRINT: { word: 2, bit: 8, id: { reg: 'ISAR1', lsb: 32, value: 1 } },
  I8MM: { word: 2, bit: 13, id: { reg: 'ISAR1', lsb: 52, value: 1 } },
  BF16: { word: 2, bit: 14, id: { reg: 'ISAR1', lsb: 44, value: 1 } }, // BFCVT, BFCVTN, BFDOT, BFMLALB/T, BFMMLA (table/bf16.ts); 2 would be EBF16
  // Pointer authentication (FEAT_PAuth, the architected QARMA5) has two halves that Linux
  // advertises apart (system_supports_address_auth, system_supports_generic_auth). Address
  // authentication runs as on a core whose keys are disabled (table/branch.ts, table/dp-reg.ts:
  // PACIA… leave the pointer as it is, AUTIA… and LDRAA never fail): that is not what HWCAP_PACA
  // (ID_AA64ISAR1.APA/API) promises — Linux then enables the IA, IB, DA and DB keys of every
  // process, so a signed pointer differs from the original, a forged one fails to authenticate
  // and prctl(PR_PAC_SET_ENABLED_KEYS) works — so it stays off, APA = API = 0. The generic half
  // is all there: PACGA computes the architected MAC with a random per-thread key, drawn at exec,
  // kept by fork, replaced by prctl(PR_PAC_RESET_KEYS) (runtime/pac.ts), as Linux does for
  // HWCAP_PACG; so PACG is advertised, with ID_AA64ISAR1.GPA = 1 (QARMA5, as qemu -cpu max).
  PACG: { word: 1, bit: 31, id: { reg: 'ISAR1', lsb: 24, value: 1 } },
  CPUID: { word: 1, bit: 11 }, // MRS of MIDR_EL1 and the ID registers works (arch/aarch64/sysregs.ts)
};

const word = (w: 1 | 2): number => Object.values(FEATURES).reduce((acc, f) => (f.word === w ? acc | (1 << f.bit) : acc), 0) >>> 0;

export const HWCAP = word(1);
export const HWCAP2 = word(2);
