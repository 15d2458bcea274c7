#!/usr/bin/env node
// Before `npm run playground`: the page's shell is Debian's arm64 busybox, which is never committed;
// scripts/debian-binaries.mjs fetches it into test/.debian/bin (as for the real-binary tests). When it
// cannot (no apt-get, no network), this says why and the playground starts without its shell.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUSYBOX = 'test/.debian/bin/busybox';

if (!existsSync(`${ROOT}/${BUSYBOX}`)) {
  console.log(`playground: fetching Debian's arm64 busybox for the shell (node scripts/debian-binaries.mjs --only busybox)…`);
  const r = spawnSync(process.execPath, ['scripts/debian-binaries.mjs', '--only', 'busybox'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(`${ROOT}/${BUSYBOX}`)) {
    console.error(`\nplayground: WITHOUT THE SHELL: ${BUSYBOX} could not be fetched (above: why). It needs Debian's apt-get ` +
      '(busybox-static:arm64) and the network; on another system copy an AArch64 busybox there. The other demos work.\n');
  }
}
