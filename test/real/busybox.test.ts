// Debian's busybox-static (arm64, stripped): applets and `sh -c` scripts that need no fork,
// translated vs qemu-aarch64 on the same binary (binaries: node scripts/debian-binaries.mjs).
import { realSuite } from '../helpers/real.ts';
import { cases } from './cases/busybox.ts';

realSuite('busybox-static (Debian arm64)', 'busybox', cases);
