// Files the CLI writes beside the configuration (recipe lock, channels, revocations) are replaced whole:
// a temporary file, fsync, rename. A crash leaves the old file or the new one, never a partial one.
import { lstatSync } from "node:fs";
import writeFileAtomic from "write-file-atomic";
import { GoldenAmiError } from "../conventions/errors";

/** Thrown when the path to write is not a regular file (or absent): nothing was written. */
export class WriteRefused extends GoldenAmiError {}

/**
 * Writes `text` to `file` atomically. Refuses a symbolic link (it would write through it, to
 * /dev/zero or another repository's file), a directory, a device: the problem names what it found.
 */
export function writeProjectFile(file: string, text: string): void {
  assertWritable(file);
  writeFileAtomic.sync(file, text, { fsync: true });
}

/** Throws WriteRefused unless `file` is a regular file or absent: a writer checks before it reads, too. */
export function assertWritable(file: string): void {
  const found = lstatSync(file, { throwIfNoEntry: false });
  if (found && !found.isFile()) {
    const what = found.isSymbolicLink() ? "a symbolic link" : found.isDirectory() ? "a directory" : "not a regular file";
    throw new WriteRefused(`${file} is ${what}; expected a regular file (or none) to write. Nothing was written`);
  }
}
