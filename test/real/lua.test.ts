// Lua 5.4 (Debian's liblua5.4.a, arm64) linked statically into test/real/lua-driver.c: scripts
// translated vs qemu-aarch64 on the same binary (binaries: node scripts/debian-binaries.mjs).
import { realSuite } from '../helpers/real.ts';
import { cases } from './cases/lua.ts';

realSuite('Lua 5.4 (Debian liblua5.4.a, static driver)', 'lua-driver', cases);
