export interface Variant { name: string; bytes: Uint8Array }
export function elfVariants(base: Uint8Array): Variant[];
