/**
 * Replaces a file atomically: readers (and a crash) see either the old content or the new,
 * never half of it. The data goes to a temporary file in the same directory (rename is only
 * atomic within one file system), is flushed to disk, then renamed over the target; the
 * directory is then flushed so that the rename itself survives a power cut.
 */
import {randomBytes} from 'node:crypto';
import {open, realpath, rename, rm, stat} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

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
  const temporary = join(directory, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

  // 'wx': never reuse or follow something already at the temporary name.
  const handle = await open(temporary, 'wx', existingMode ?? options.mode ?? 0o666);
  try {
    try {
      // open() applies the umask; chmod gives an existing file its permissions back exactly.
      if (existingMode !== undefined) await handle.chmod(existingMode);
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
  await syncDirectory(directory);
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
