// Cryptographic extensions: AES rounds and mix columns, SHA-1/SHA-256 (three-register and
// two-register forms), SHA-512, SHA-3 (EOR3, RAX1, XAR, BCAX), PMULL/PMULL2 on 64-bit lanes,
// SM3 (SS1, TT1A/1B/2A/2B, PARTW1/2) and SM4 (E, EKEY).
import type { FuzzClass } from '../generate.ts';
import { t } from '../template.ts';

export const cryptoClass: FuzzClass = {
  name: 'crypto',
  templates: [
    t('AES', '01001110 00 10100 001 op:2 10 rn:5 rd:5'), // AESE AESD AESMC AESIMC
    t('SHA_3reg', '01011110 00 0 rm:5 0 opcode:3 00 rn:5 rd:5', { valid: (f) => f.opcode! <= 3 }), // SHA1C SHA1P SHA1M SHA1SU0
    t('SHA1_2reg', '01011110 00 10100 0000 op 10 rn:5 rd:5', {}), // SHA1H SHA1SU1
    t('SHA256_3reg', '01011110 00 0 rm:5 0 1 op:2 00 rn:5 rd:5', { valid: (f) => f.op !== 3 }), // SHA256H H2 SU1
    t('SHA256SU0', '01011110 00 10100 00010 10 rn:5 rd:5', {}),
    t('SHA512_3reg', '11001110 011 rm:5 1 0 00 op:2 rn:5 rd:5', { valid: (f) => f.op !== 3 }), // SHA512H H2 SU1
    t('SHA512SU0', '11001110 110 00000 1000 00 rn:5 rd:5', {}),
    t('EOR3_BCAX', '11001110 00 op rm:5 0 ra:5 rn:5 rd:5', {}),
    t('RAX1', '11001110 011 rm:5 1 0 0011 rn:5 rd:5', {}),
    t('XAR', '11001110 100 rm:5 imm6:6 rn:5 rd:5', {}),
    t('PMULL_1Q', '0 Q 001110 11 1 rm:5 1110 00 rn:5 rd:5', {}),
    t('SM3SS1', '11001110 010 rm:5 0 ra:5 rn:5 rd:5'),
    t('SM3TT', '11001110 010 rm:5 10 imm2:2 opcode:2 rn:5 rd:5'), // SM3TT1A/1B/2A/2B
    t('SM3PARTW_SM4EKEY', '11001110 011 rm:5 1100 opcode:2 rn:5 rd:5', { valid: (f) => f.opcode !== 3 }),
    t('SM4E', '11001110 110 00000 1000 01 rn:5 rd:5'),
  ],
};
