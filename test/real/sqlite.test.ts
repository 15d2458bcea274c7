// SQLite 3.40 (Debian's libsqlite3.a, arm64) linked statically into test/real/sqlite-driver.c:
// SQL scripts on an in-memory database, translated vs qemu-aarch64 on the same binary
// (binaries: node scripts/debian-binaries.mjs).
import { realSuite } from '../helpers/real.ts';
import { cases } from './cases/sqlite.ts';

realSuite('SQLite (Debian libsqlite3.a, static driver)', 'sqlite-driver', cases);
