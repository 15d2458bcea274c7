// Debian's zsh-static (arm64, stripped): `-c` scripts that need no fork, with LANG=C.UTF-8 and without,
// translated vs qemu-aarch64 on the same binary (binaries: node scripts/debian-binaries.mjs).
import { realSuite } from '../helpers/real.ts';
import { cases } from './cases/zsh.ts';

realSuite('zsh-static (Debian arm64): -c scripts', 'zsh-static', cases);
