// The files the CLI keeps beside a configuration (recipe lock, channels, revocations) are named by the
// configuration's stem: `config/x.yaml` → `config/x.recipes.lock.json`, `config/x.channels.yaml`, ...
// Two configurations with one stem (x.yaml and x.yml) would share them, so such a pair is refused, and
// every writer of a stem's files holds one lock, whichever configuration file it was given.
import { lstatSync, readdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import { lock } from "proper-lockfile";

const CONFIG_EXTENSION = /\.(ya?ml|json)$/i;

/** `config/example.yaml` → `config/example`: the name every data file of the configuration starts with. */
export function dataFileStem(configPath: string): string {
  return configPath.replace(CONFIG_EXTENSION, "");
}

/** The other configuration files that share `configPath`'s stem (x.yml beside x.yaml), by file name. */
export function configurationsSharingStem(configPath: string): string[] {
  const stem = basename(dataFileStem(configPath));
  const own = basename(configPath);
  let names: string[];
  try {
    names = readdirSync(dirname(configPath));
  } catch {
    return [];
  }
  return names.filter((name) => name !== own && CONFIG_EXTENSION.test(name) && name.replace(CONFIG_EXTENSION, "") === stem).sort();
}

/** The one lock of a stem's data files: `config/example.lock` (a directory while held). */
export function dataFileLockPath(configPath: string): string {
  return dataFileStem(configPath) + ".lock";
}

/**
 * Runs `work` (read the files, decide, write) while holding the lock of the configuration's data
 * files: promote, revoke and lock of one configuration run one after the other, never interleaved.
 * The lock is a directory (proper-lockfile); anything else at its path is refused at once, not
 * waited on as if another process held it.
 */
export async function withDataFileLock<T>(configPath: string, work: () => Promise<T>): Promise<T> {
  const lockPath = dataFileLockPath(configPath);
  const found = lstatSync(lockPath, { throwIfNoEntry: false });
  if (found && !found.isDirectory()) {
    const what = found.isSymbolicLink() ? "a symbolic link" : found.isFile() ? "a regular file" : "not a directory";
    throw new Error(
      `${lockPath} is ${what}, not the lock golden-ami makes (a directory, while a promote, revoke or lock runs); remove it and run the command again. Nothing was written`,
    );
  }
  let release: () => Promise<void>;
  try {
    release = await lock(configPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: 60_000,
      retries: { retries: 150, factor: 1, minTimeout: 200, maxTimeout: 200 },
    });
  } catch (error) {
    throw new Error(
      `${lockPath} is held by another promote, revoke or lock (waited 30 s); try again, or remove ${lockPath} if no such process runs (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    return await work();
  } finally {
    await release();
  }
}
