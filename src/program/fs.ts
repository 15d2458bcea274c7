// The guest's in-memory file system: a browser_wasi_shim tree preopened as "/", built from
// RunOptions.files and read back into a plain record after the run. The runtime resolves every
// guest path to one relative to this preopen, so the fixes below for where the shim differs
// from POSIX (and node:wasi) only need to be made on the root.
import { addDevices } from './devices.ts';
import { Directory, File, type Fd, type Inode, OpenFile, PreopenDirectory, wasi } from '@bjorn3/browser_wasi_shim';

/** An open file that keeps O_APPEND: every write goes to the end (the shim only seeks there
 *  once, at open), and fcntl(F_SETFL) may turn it on or off. */
class MemOpenFile extends OpenFile {
  append: boolean;

  constructor(file: File, append: boolean) {
    super(file);
    this.append = append;
    if (append) this.file_pos = file.size;
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.append) this.file_pos = this.file.size;
    return super.fd_write(data);
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.append = (flags & wasi.FDFLAGS_APPEND) !== 0;
    return wasi.ERRNO_SUCCESS;
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    return { ret: wasi.ERRNO_SUCCESS, fdstat: new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0) };
  }
}

class RootDirectory extends PreopenDirectory {
  override path_open(dirflags: number, path: string, oflags: number, rightsBase: bigint, rightsInheriting: bigint, fdflags: number): { ret: number; fd_obj: Fd | null } {
    const r = super.path_open(dirflags, path, oflags, rightsBase, rightsInheriting, fdflags);
    if (r.fd_obj instanceof OpenFile) return { ret: r.ret, fd_obj: new MemOpenFile(r.fd_obj.file, (fdflags & wasi.FDFLAGS_APPEND) !== 0) };
    // like Linux (and node:wasi): a directory cannot be opened for writing
    if (r.fd_obj && r.fd_obj.fd_fdstat_get().fdstat?.fs_filetype === wasi.FILETYPE_DIRECTORY && (rightsBase & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n) {
      return { ret: wasi.ERRNO_ISDIR, fd_obj: null };
    }
    return r;
  }

  override path_create_directory(path: string): number {
    // the shim's mkdir succeeds on an existing directory
    if (this.path_lookup(path, 0).inode_obj) return wasi.ERRNO_EXIST;
    return super.path_create_directory(path);
  }
}

interface DirNode { dirs: Map<string, DirNode>; files: Map<string, Uint8Array> }

const encoder = new TextEncoder();

function components(path: string, what: string): string[] {
  if (!path.startsWith('/')) throw new TypeError(`${what} must be an absolute path: ${JSON.stringify(path)}`);
  const parts: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return parts;
}

function ensureDir(root: DirNode, parts: string[], path: string): DirNode {
  let node = root;
  for (const name of parts) {
    if (node.files.has(name)) throw new TypeError(`files: ${JSON.stringify(path)} needs ${JSON.stringify(name)} to be a directory, but it is a file`);
    let next = node.dirs.get(name);
    if (!next) {
      next = { dirs: new Map(), files: new Map() };
      node.dirs.set(name, next);
    }
    node = next;
  }
  return node;
}

function toDirectory(node: DirNode): Map<string, Inode> {
  const contents = new Map<string, Inode>();
  // Directory's constructor links child directories to their parent, so build bottom-up.
  for (const [name, child] of node.dirs) contents.set(name, new Directory(toDirectory(child)));
  for (const [name, data] of node.files) contents.set(name, new File(data));
  return contents;
}

/** The preopen for the guest's "/": `files` (copied, so the guest cannot change the caller's
 *  buffers), plus the working directory and /tmp as empty directories if missing, and the
 *  devices of devices.ts in /dev. */
export function buildRoot(files: Record<string, string | Uint8Array> = {}, cwd = '/'): PreopenDirectory {
  const root: DirNode = { dirs: new Map(), files: new Map() };
  for (const [path, content] of Object.entries(files)) {
    const parts = components(path, 'files key');
    if (path.endsWith('/')) {
      ensureDir(root, parts, path);
      continue;
    }
    const name = parts.pop();
    if (name === undefined) throw new TypeError(`files: ${JSON.stringify(path)} is not a file path`);
    const dir = ensureDir(root, parts, path);
    if (dir.dirs.has(name)) throw new TypeError(`files: ${JSON.stringify(path)} is also a directory`);
    dir.files.set(name, typeof content === 'string' ? encoder.encode(content) : new Uint8Array(content));
  }
  ensureDir(root, components(cwd, 'cwd'), cwd);
  ensureDir(root, ['tmp'], '/tmp');
  const contents = toDirectory(root);
  addDevices(contents);
  return new RootDirectory('/', contents);
}

/** Every regular file under `dir`, by absolute path (contents copied). */
export function collectFiles(dir: Directory, prefix = '', out: Record<string, Uint8Array> = {}): Record<string, Uint8Array> {
  for (const [name, inode] of dir.contents) {
    const path = `${prefix}/${name}`;
    if (inode instanceof Directory) collectFiles(inode, path, out);
    else if (inode instanceof File) out[path] = inode.data.slice();
  }
  return out;
}
