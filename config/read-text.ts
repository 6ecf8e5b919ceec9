import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { Problem } from "./problems";

export interface ReadTextOptions {
  /** Field or file named in problems. */
  readonly path: string;
  /** Largest file accepted, in bytes; the message says why it is the limit. */
  readonly maxBytes: number;
  readonly limitReason: string;
  /** The file must lie inside this directory (symlinks resolved). @default - anywhere */
  readonly within?: string;
}

/**
 * Reads a file that a configuration names, refusing what is not a small regular UTF-8 text file:
 * directories, devices (/dev/zero), files outside the allowed tree, files over the limit, UTF-16,
 * bytes that are not UTF-8. Returns the text, or one problem that says what was expected.
 */
export function readTextFile(file: string, options: ReadTextOptions): { text: string } | { problem: Problem } {
  const fail = (message: string) => ({ problem: { path: options.path, message } });
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return fail(`${file} does not exist`);
  }
  if (options.within !== undefined) {
    const root = realpathSync(options.within);
    const inside = relative(root, real);
    if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || resolve(root, inside) !== real) {
      return fail(`${file} lies outside ${root}; expected a file inside the configuration's directory`);
    }
  }
  const stat = statSync(real);
  if (!stat.isFile()) return fail(`${file} is ${stat.isDirectory() ? "a directory" : "not a regular file"}; expected a regular text file`);
  if (stat.size > options.maxBytes) return fail(`${file} has ${stat.size} bytes; expected at most ${options.maxBytes} (${options.limitReason})`);
  // Read at most one byte past the limit: a file that grows while we read cannot run away with memory.
  const buffer = Buffer.alloc(options.maxBytes + 1);
  const fd = openSync(real, "r");
  let length: number;
  try {
    length = readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  if (length > options.maxBytes) return fail(`${file} has more than ${options.maxBytes} bytes; expected at most ${options.maxBytes} (${options.limitReason})`);
  return decodeUtf8(buffer.subarray(0, length), file, options.path);
}

/** UTF-8 text (a BOM is dropped); UTF-16 and invalid bytes are problems that name the line. */
function decodeUtf8(bytes: Uint8Array, file: string, path: string): { text: string } | { problem: Problem } {
  const fail = (message: string) => ({ problem: { path, message } });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail(`${file} is UTF-16 text; expected UTF-8 (save it as UTF-8)`);
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    if (text.includes("\u0000")) return fail(`${file} contains NUL bytes; expected UTF-8 text`);
    return { text };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, offset).reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 1);
    return fail(`${file} is not UTF-8: byte 0x${bytes[offset].toString(16).padStart(2, "0")} at line ${line}; expected UTF-8 text`);
  }
}

/** Where a UTF-8 decoder first stops (lead byte or continuation out of place); its location is only for the message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    const extra = lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return 0;
}
