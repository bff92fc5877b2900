/**
 * Replaces a file atomically: readers (and a crash) see either the old content or the new,
 * never half of it. The data goes to a temporary file in the same directory (rename is only
 * atomic within one file system), is flushed to disk, then renamed over the target; the
 * directory is then flushed so that the rename itself survives a power cut.
 *
 * A process killed mid-write (kill -9, power cut) leaves its temporary file behind:
 * `.<name>.<pid>.<12 hex digits>.tmp` next to the target. removeStaleTemporaryFiles() takes
 * those away, and only those that cannot be a write in progress: files of that exact pattern
 * whose pid belongs to no running process, or is ours without being one of our writes in
 * progress (a process that had our pid before us: pid 1 in a restarted container). A file of another running process is left alone: it may be writing right now
 * (two servers on one config file), and, should that pid only have been reused, the file
 * goes at a later start.
 */
import {randomBytes} from 'node:crypto';
import {open, readdir, realpath, rename, rm, stat} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

/** The temporary files this process is writing now. */
const writing = new Set<string>();

/** The temporary file's name: the target's, the writer's pid and 6 random bytes. */
function temporaryName(target: string): string {
  return `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** True when a process with this pid runs (ours or another user's). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the stale temporary files of `path` (see above); resolves with the paths removed. */
export async function removeStaleTemporaryFiles(path: string, running: (pid: number) => boolean = isRunning): Promise<string[]> {
  const target = await realpath(path).catch(() => path);
  const directory = dirname(target);
  const name = basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${name}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  const entries = await readdir(directory).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry)?.[1] ?? Number.NaN);
    const stale = join(directory, entry);
    if (!Number.isSafeInteger(pid) || writing.has(stale) || (pid !== process.pid && running(pid))) continue;
    await rm(stale, {force: true});
    removed.push(stale);
  }
  return removed;
}

export interface AtomicWriteOptions {
  /** Permissions of a file that does not exist yet (an existing file keeps its own). */
  mode?: number;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  // Through a symlink, replace the file it points to rather than the link itself.
  const target = await realpath(path).catch(() => path);
  const existingMode = await stat(target).then(
    (stats) => stats.mode & 0o7777,
    () => undefined,
  );
  const directory = dirname(target);
  const temporary = join(directory, temporaryName(target));

  writing.add(temporary);
  try {
    await writeAndRename(temporary, target, data, existingMode ?? options.mode ?? 0o666, existingMode !== undefined);
  } finally {
    writing.delete(temporary);
  }
  await syncDirectory(directory);
}

async function writeAndRename(temporary: string, target: string, data: string | Uint8Array, mode: number, keepMode: boolean): Promise<void> {
  // 'wx': never reuse or follow something already at the temporary name.
  const handle = await open(temporary, 'wx', mode);
  try {
    try {
      // open() applies the umask; chmod gives an existing file its permissions back exactly.
      if (keepMode) await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, {force: true});
    throw error;
  }
}

/** fsync of a directory; not possible everywhere (Windows), where the rename has to do. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // EISDIR / EPERM / EINVAL on platforms that cannot open or flush a directory.
  } finally {
    await handle?.close();
  }
}
