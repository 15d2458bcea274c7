// The guest's in-memory file system: a browser_wasi_shim tree preopened as "/", built from
// RunOptions.files and read back into a plain record after the run. The runtime resolves every
// guest path to one relative to this preopen, so the fixes below for where the shim differs
// from POSIX (and node:wasi) only need to be made on the root; so do the updates of the Linux
// metadata the shim does not keep (fs-meta.ts: times, link counts).
import { addDevices } from './devices.ts';
import { Directory, File, type Fd, type Inode, OpenFile, PreopenDirectory, wasi } from '@bjorn3/browser_wasi_shim';
import { MetaTable } from './fs-meta.ts';

/** An open file that keeps O_APPEND: every write goes to the end (the shim only seeks there
 *  once, at open), and fcntl(F_SETFL) may turn it on or off. */
class MemOpenFile extends OpenFile {
  append: boolean;
  private readonly table: MetaTable;

  constructor(file: File, append: boolean, table: MetaTable) {
    super(file);
    this.append = append;
    this.table = table;
    if (append) this.file_pos = file.size;
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.append) this.file_pos = this.file.size;
    return this.modifies(super.fd_write(data));
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    return this.modifies(super.fd_pwrite(data, offset));
  }

  override fd_filestat_set_size(size: bigint): number {
    const ret = super.fd_filestat_set_size(size);
    if (ret === wasi.ERRNO_SUCCESS) this.table.modified(this.file);
    return ret;
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, flags: number): number {
    this.table.setTimes(this.file, atim, mtim, flags);
    return wasi.ERRNO_SUCCESS;
  }

  private modifies<T extends { ret: number; nwritten: number }>(r: T): T {
    if (r.ret === wasi.ERRNO_SUCCESS && r.nwritten > 0) this.table.modified(this.file);
    return r;
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.append = (flags & wasi.FDFLAGS_APPEND) !== 0;
    return wasi.ERRNO_SUCCESS;
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    return { ret: wasi.ERRNO_SUCCESS, fdstat: new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0) };
  }
}

/** The path of the directory holding `path` ("." for the root). */
function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const at = trimmed.lastIndexOf('/');
  return at < 0 ? '.' : trimmed.slice(0, at);
}

class RootDirectory extends PreopenDirectory {
  readonly table: MetaTable;

  constructor(name: string, contents: Map<string, Inode>, table: MetaTable) {
    super(name, contents);
    this.table = table;
  }

  private inode(path: string): Inode | null {
    return this.path_lookup(path, 0).inode_obj;
  }

  /** an entry was added to or removed from the directory holding `path` */
  private entriesChanged(path: string): void {
    const dir = this.inode(parentOf(path));
    if (dir) this.table.modified(dir);
  }

  override path_open(dirflags: number, path: string, oflags: number, rightsBase: bigint, rightsInheriting: bigint, fdflags: number): { ret: number; fd_obj: Fd | null } {
    const existed = this.inode(path);
    const r = super.path_open(dirflags, path, oflags, rightsBase, rightsInheriting, fdflags);
    if (r.fd_obj && !existed) {
      this.table.add(this.inode(path)!);
      this.entriesChanged(path);
    } else if (r.fd_obj && existed && oflags & wasi.OFLAGS_TRUNC) {
      this.table.modified(existed);
    }
    if (r.fd_obj instanceof OpenFile) return { ret: r.ret, fd_obj: new MemOpenFile(r.fd_obj.file, (fdflags & wasi.FDFLAGS_APPEND) !== 0, this.table) };
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

  override path_unlink_file(path: string): number {
    const inode = this.inode(path);
    const ret = super.path_unlink_file(path);
    if (ret === wasi.ERRNO_SUCCESS && inode) this.unlinked(path, inode);
    return ret;
  }

  override path_remove_directory(path: string): number {
    const ret = super.path_remove_directory(path);
    if (ret === wasi.ERRNO_SUCCESS) this.entriesChanged(path);
    return ret;
  }

  /** the first half of the shim's rename (then path_link) */
  override path_unlink(path: string): { ret: number; inode_obj: Inode | null } {
    const r = super.path_unlink(path);
    if (r.inode_obj) this.unlinked(path, r.inode_obj);
    return r;
  }

  override path_link(path: string, inode: Inode, allowDir: boolean): number {
    const replaced = this.inode(path);
    const ret = super.path_link(path, inode, allowDir);
    if (ret !== wasi.ERRNO_SUCCESS) return ret;
    if (replaced && replaced !== inode) this.table.get(replaced).nlink--;
    this.table.get(inode).nlink++;
    this.table.changed(inode);
    this.entriesChanged(path);
    return ret;
  }

  override path_filestat_set_times(_flags: number, path: string, atim: bigint, mtim: bigint, fstFlags: number): number {
    const inode = this.inode(path);
    if (!inode) return wasi.ERRNO_NOENT;
    this.table.setTimes(inode, atim, mtim, fstFlags);
    return wasi.ERRNO_SUCCESS;
  }

  private unlinked(path: string, inode: Inode): void {
    this.table.get(inode).nlink--;
    this.table.changed(inode);
    this.entriesChanged(path);
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

function toDirectory(node: DirNode, table: MetaTable, time: bigint): Map<string, Inode> {
  const contents = new Map<string, Inode>();
  const add = <T extends Inode>(inode: T): T => (table.add(inode, time), inode);
  // Directory's constructor links child directories to their parent, so build bottom-up.
  for (const [name, child] of node.dirs) contents.set(name, add(new Directory(toDirectory(child, table, time))));
  for (const [name, data] of node.files) contents.set(name, add(new File(data)));
  return contents;
}

/** The preopen for the guest's "/": `files` (copied, so the guest cannot change the caller's
 *  buffers; mode 755 for those in `executables`, else 644), plus the working directory and /tmp
 *  (mode 1777, as on Linux) as empty directories if missing, and the devices of devices.ts in
 *  /dev. Everything is created now, owned by `table.owner`. */
export function buildRoot(files: Record<string, string | Uint8Array> = {}, cwd = '/', table = new MetaTable({ uid: 0, gid: 0 }), executables: string[] = []): RootDirectory {
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
  const hadTmp = root.dirs.has('tmp');
  ensureDir(root, ['tmp'], '/tmp');
  const time = table.startTime;
  const contents = toDirectory(root, table, time);
  addDevices(contents);
  const preopen = new RootDirectory('/', contents, table);
  table.add(preopen.dir, time);
  if (!hadTmp) table.get(preopen.dir.contents.get('tmp')!).mode |= 0o1777;
  for (const path of executables) table.get(preopen.path_lookup(components(path, 'files key').join('/'), 0).inode_obj!).mode |= 0o111;
  return preopen;
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
