// Shared Wasm helper functions used by A64 semantics (exact FMA etc.), added once per module.
import type binaryen from 'binaryen';

export const helpers: Record<string, (m: binaryen.Module, name: string) => void> = {};
