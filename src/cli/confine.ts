// `elf2wasm run`'s file system options: by default the guest sees the host's file system, as
// under qemu-user; --root DIR (DIR is the guest's "/"), --mount GUEST=HOST[:ro] (repeatable) and
// --no-host-fs (an empty private "/", removed after the run) confine it (src/node/namespace.ts).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Namespace, parseMount, type Mount } from '../node/namespace.ts';

export class UsageError extends Error {}

export const FS_USAGE = '[--root DIR] [--mount GUEST=HOST[:ro]]... [--no-host-fs]';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export class FsOptions {
  private root?: string;
  private noHostFs = false;
  private readonly mounts: Mount[] = [];

  /** Takes argv[k] if it is a file system option; returns the index of its last word, else undefined. */
  parse(argv: readonly string[], k: number): number | undefined {
    const a = argv[k]!;
    const value = (name: string): [string, number] => {
      if (a.startsWith(`${name}=`)) return [a.slice(name.length + 1), k];
      const v = argv[k + 1];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return [v, k + 1];
    };
    if (a === '--no-host-fs') {
      this.noHostFs = true;
      return k;
    }
    if (a === '--root' || a.startsWith('--root=')) {
      const [dir, end] = value('--root');
      if (!isDirectory(dir)) throw new UsageError(`--root: ${dir} is not a directory`);
      this.root = resolve(dir);
      return end;
    }
    if (a === '--mount' || a.startsWith('--mount=')) {
      const [spec, end] = value('--mount');
      let mount: Mount;
      try {
        mount = parseMount(spec);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      try {
        statSync(mount.host);
      } catch {
        throw new UsageError(`--mount: ${mount.host} does not exist`);
      }
      this.mounts.push(mount);
      return end;
    }
    return undefined;
  }

  /** The guest's view: no namespace (the host's file system), or a confined one; the initial
   *  working directory and executable path as the guest sees them. An empty root made for
   *  --no-host-fs is removed when the process exits. */
  setup(program: string): { namespace?: Namespace; cwd: string; execPath: string } {
    const cwd = removed ?? process.cwd(), execPath = resolve(cwd, program);
    if (this.root === undefined && !this.noHostFs && this.mounts.length === 0) return { cwd, execPath };
    if (this.root !== undefined && this.noHostFs) throw new UsageError('--root and --no-host-fs exclude each other');
    let root = this.root ?? '/';
    if (this.noHostFs) {
      const dir = mkdtempSync(join(tmpdir(), 'elf2wasm-root-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      // mount points appear in their directories, and /tmp exists, as in a minimal Linux root
      mkdirSync(join(dir, 'tmp'));
      chmodSync(join(dir, 'tmp'), 0o1777);
      for (const m of this.mounts) {
        const point = join(dir, m.guest);
        mkdirSync(isDirectory(m.host) ? point : dirname(point), { recursive: true });
        if (!isDirectory(m.host)) writeFileSync(point, '');
      }
      root = dir;
    }
    const namespace = new Namespace([{ guest: '/', host: root }, ...this.mounts]);
    return {
      namespace,
      cwd: namespace.guestPathOf(cwd) ?? '/',
      execPath: namespace.guestPathOf(execPath) ?? `/${basename(execPath)}`,
    };
  }
}

/**
 * The working directory the host process started in, when it had been removed since (uv_cwd
 * fails): bin/elf2wasm.js moves to / then, as Node's workers cannot start without one. The guest
 * starts there still, where its lookups fail as Linux's do.
 */
let removed: string | undefined;
export function cwdRemoved(path: string): void {
  removed = path;
}
