/** Strips the symbol table (SHT_SYMTAB and its .strtab become SHT_NULL, their bytes zeroed). */
export function stripSymbols(input: Uint8Array): { bytes: Uint8Array; removed: string[] };
