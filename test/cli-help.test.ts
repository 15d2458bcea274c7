// Every elf2wasm command answers --help, and every flag a help text names is in the README.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = resolve(ROOT, 'bin/elf2wasm.js');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMMANDS: [string[], RegExp][] = [
  [[], /\$ elf2wasm <file>/],
  [['run'], /^Usage: elf2wasm run /],
  [['cache'], /^Usage: elf2wasm cache ls\|clean/],
];

describe('elf2wasm --help', () => {
  for (const [command, usage] of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      it(`elf2wasm ${[...command, flag].join(' ')} prints its usage and exits with 0`, () => {
        const r = cli([...command, flag]);
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
        expect(r.stdout).toMatch(usage);
      });
    }
  }

  it('the top-level help names every command', () => {
    const r = cli(['--help']);
    for (const c of ['run --help', 'cache --help']) expect(r.stdout).toContain(`$ elf2wasm ${c}`);
  });

  it('the README documents every flag the help texts name', () => {
    const flags = new Set<string>();
    for (const [command] of COMMANDS) {
      for (const m of cli([...command, '--help']).stdout.matchAll(/(?<![\w-])--?[a-zA-Z][\w-]*/g)) flags.add(m[0]);
    }
    expect(flags.size).toBeGreaterThan(15);
    const missing = [...flags].filter((f) => !new RegExp(`\`${f}[\` =\\[]`).test(README));
    expect(missing).toEqual([]);
  });
});
