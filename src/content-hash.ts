// FNV-1a over bytes: cheap, deterministic, isomorphic. Picks a library's base from its content
// (elf/load-plan.ts) and checks at run time that the file ld.so mapped holds the code a library's
// translation was made from (runtime/libraries.ts). Not a cryptographic hash: cache keys use sha256.
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
