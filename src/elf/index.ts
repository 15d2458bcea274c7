export { ElfFormatError, machineName } from './errors.ts';
export type { ElfErrorCode } from './errors.ts';
export { parseElf } from './parse.ts';
export type {
  ElfImage,
  ElfProgramHeader,
  ElfSection,
  ElfSegment,
  ElfSymbol,
  ElfSymbolType,
} from './parse.ts';
