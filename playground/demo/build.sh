#!/bin/sh
# Rebuilds the playground's demo executables: static Linux/AArch64 (musl), as the plugin needs.
# Debian: apt-get install gcc-aarch64-linux-gnu musl-dev:arm64 (provides aarch64-linux-musl-gcc)
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-musl-gcc}
$CC -static -O2 -o nn.elf nn.c -lm
$CC -static -O2 -o calc.elf calc.c -lm
ls -l nn.elf calc.elf
