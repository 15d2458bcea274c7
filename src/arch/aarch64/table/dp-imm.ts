// Data processing — immediate (Arm ARM C4.1.92).
import { row, type Row } from '../decoder.ts';
import {
  addWithFlags, cst, decodeBitMask, i64c, logicFlags, ops, rd, rdsp, tmp, wrt, wrtsp, wtype,
} from '../ops.ts';

export const dpImm: Row[] = [
  row('ADD_SUB_imm', 'sf op S 100010 sh imm12:12 rn:5 rd:5', (f, b) => {
    const imm = f.imm12! << (f.sh ? 12 : 0);
    const o = ops(b, f.sf!);
    if (f.S) {
      const a = tmp(b, wtype(f.sf!), rdsp(b, f.sf!, f.rn!));
      const res = addWithFlags(b, f.sf!, a, () => cst(b, f.sf!, imm), !!f.op);
      wrt(b, f.sf!, f.rd!, res());
    } else {
      const v = f.op ? o.sub(rdsp(b, f.sf!, f.rn!), cst(b, f.sf!, imm)) : o.add(rdsp(b, f.sf!, f.rn!), cst(b, f.sf!, imm));
      wrtsp(b, f.sf!, f.rd!, v);
    }
  }),

  row('LOGIC_imm', 'sf opc:2 100100 N immr:6 imms:6 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf);
    const mask = cst(b, sf, decodeBitMask(sf, f.N!, f.imms!, f.immr!)!);
    const a = rd(b, sf, f.rn!);
    switch (f.opc) {
      case 0: return wrtsp(b, sf, f.rd!, o.and(a, mask));
      case 1: return wrtsp(b, sf, f.rd!, o.or(a, mask));
      case 2: return wrtsp(b, sf, f.rd!, o.xor(a, mask));
      default: {
        const res = tmp(b, wtype(sf), o.and(a, mask));
        logicFlags(b, sf, res);
        wrt(b, sf, f.rd!, res());
      }
    }
  }, { guard: (f) => decodeBitMask(f.sf!, f.N!, f.imms!, f.immr!) !== undefined }),

  row('MOVN', 'sf 00 100101 hw:2 imm16:16 rd:5', (f, b) => {
    wrt(b, f.sf!, f.rd!, cst(b, f.sf!, ~(BigInt(f.imm16!) << BigInt(f.hw! * 16))));
  }, { guard: (f) => !!f.sf || f.hw! < 2 }),
  row('MOVZ', 'sf 10 100101 hw:2 imm16:16 rd:5', (f, b) => {
    wrt(b, f.sf!, f.rd!, cst(b, f.sf!, BigInt(f.imm16!) << BigInt(f.hw! * 16)));
  }, { guard: (f) => !!f.sf || f.hw! < 2 }),
  row('MOVK', 'sf 11 100101 hw:2 imm16:16 rd:5', (f, b) => {
    const sh = BigInt(f.hw! * 16), o = ops(b, f.sf!);
    const keep = cst(b, f.sf!, ~(0xffffn << sh));
    wrt(b, f.sf!, f.rd!, o.or(o.and(rd(b, f.sf!, f.rd!), keep), cst(b, f.sf!, BigInt(f.imm16!) << sh)));
  }, { guard: (f) => !!f.sf || f.hw! < 2 }),

  row('ADR', '0 immlo:2 10000 immhi:s19 rd:5', (f, b, i) => {
    wrt(b, 1, f.rd!, i64c(b, i.pc + f.immhi! * 4 + f.immlo!));
  }),
  row('ADRP', '1 immlo:2 10000 immhi:s19 rd:5', (f, b, i) => {
    wrt(b, 1, f.rd!, i64c(b, adrpTarget(i.pc, f.immhi!, f.immlo!)));
  }),

  row('BITFIELD', 'sf opc:2 100110 N immr:6 imms:6 rn:5 rd:5', (f, b) => bitfield(f.sf!, f.opc!, f.immr!, f.imms!, f.rn!, f.rd!, b),
    { guard: (f) => f.opc !== 3 && f.N === f.sf && (!!f.sf || (f.immr! < 32 && f.imms! < 32)) }),

  row('EXTR', 'sf 00 100111 N 0 rm:5 imms:6 rn:5 rd:5', (f, b) => {
    const sf = f.sf!, o = ops(b, sf), lsb = f.imms!;
    if (lsb === 0) return wrt(b, sf, f.rd!, rd(b, sf, f.rm!));
    const width = sf ? 64 : 32;
    wrt(b, sf, f.rd!, o.or(o.shr_u(rd(b, sf, f.rm!), cst(b, sf, lsb)), o.shl(rd(b, sf, f.rn!), cst(b, sf, width - lsb))));
  }, { guard: (f) => f.N === f.sf && (!!f.sf || f.imms! < 32) }),
];

export function adrpTarget(pc: number, immhi: number, immlo: number): number {
  return Math.floor(pc / 4096) * 4096 + ((immhi * 4) + immlo) * 4096;
}

/** SBFM/BFM/UBFM, written as the shift/mask sequence the aliases (LSL, UBFX, SXTW…) reduce to. */
function bitfield(sf: number, opc: number, immr: number, imms: number, rn: number, rdn: number, b: Parameters<Row['sem']>[1]): void {
  const o = ops(b, sf), width = sf ? 64 : 32;
  const src = rd(b, sf, rn);
  const ones = (k: number) => (k >= 64 ? -1n : (1n << BigInt(k)) - 1n);
  const mask = (k: number) => cst(b, sf, BigInt.asUintN(width, ones(k)));
  let res;
  if (imms >= immr) {
    // extract bits [imms:immr] to the bottom
    const len = imms - immr + 1;
    if (opc === 0) res = o.shr_s(o.shl(src, cst(b, sf, width - 1 - imms)), cst(b, sf, width - len));
    else if (opc === 2) res = len === width ? src : o.and(o.shr_u(src, cst(b, sf, immr)), mask(len));
    else {
      const field = o.and(o.shr_u(src, cst(b, sf, immr)), mask(len));
      res = o.or(o.and(rd(b, sf, rdn), cst(b, sf, BigInt.asUintN(width, ~ones(len)))), field);
    }
  } else {
    // insert bits [imms:0] at position width-immr
    const len = imms + 1, pos = width - immr;
    if (opc === 0) res = o.shl(o.shr_s(o.shl(src, cst(b, sf, width - len)), cst(b, sf, width - len)), cst(b, sf, pos));
    else if (opc === 2) res = o.shl(o.and(src, mask(len)), cst(b, sf, pos));
    else {
      const fieldMask = BigInt.asUintN(width, ones(len) << BigInt(pos));
      const field = o.shl(o.and(src, mask(len)), cst(b, sf, pos));
      res = o.or(o.and(rd(b, sf, rdn), cst(b, sf, BigInt.asUintN(width, ~fieldMask))), field);
    }
  }
  wrt(b, sf, rdn, res);
}

