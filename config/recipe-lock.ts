import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { z } from "zod";
import { dataFileStem } from "./data-files";
import { ConfigError, formatPath, Problem, showValue } from "./problems";
import { readTextFile } from "./read-text";
import { assertWritable, writeProjectFile, WriteRefused } from "./write-file";
import type { ImageConfig } from "./schema";

/**
 * Image recipes and components are immutable in AWS: the same name and version with other content
 * fails at apply. The lock file records, per image, the version and a fingerprint of everything the
 * recipe is made of, so a change without a version bump is refused at synth instead.
 */
export interface RecipeLockEntry {
  readonly version: string;
  readonly fingerprint: string;
  /** Versions recorded before this one, newest first: the lifecycle policy still manages their images. */
  readonly previous_versions?: ReadonlyArray<string>;
}
export type RecipeLock = Record<string, RecipeLockEntry>;

const RECIPE_LOCK_COMMAND = "npx golden-ami lock";

/** Versions kept in a lock entry's history: one lifecycle policy selects at most 50 recipes. */
const HISTORY = 49;

/** `config/example.yaml` → `config/example.recipes.lock.json` */
export function recipeLockPath(configPath: string): string {
  return dataFileStem(configPath) + ".recipes.lock.json";
}

/**
 * @param encryptionKey The key of the recipe's volumes and components (an alias or ARN), or null:
 *   switching keys rebuilds both, so it is part of the recipe too.
 */
export function recipeFingerprint(image: ImageConfig, componentText: (file: string) => string, encryptionKey: string | null): string {
  const recipe = {
    encryptionKey,
    description: image.description ?? null,
    parentImage: image.parent_image,
    components: image.components.map((c) => ({ file: c.file, parameters: c.parameters, text: componentText(c.file) })),
    blockDevices: image.block_devices,
  };
  return "sha256:" + createHash("sha256").update(JSON.stringify(recipe)).digest("hex");
}

const RecipeLockSchema = z.record(
  z.string(),
  z.strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    previous_versions: z.array(z.string().regex(/^\d+\.\d+\.\d+$/)).optional(),
  }),
);

/** The largest lock file read (and written): a few lines per image. */
const MAX_LOCK_BYTES = 1024 * 1024;
const LOCK_LIMIT_REASON = "a lock file holds a few lines per image";

/** Reads the lock file (none is an empty lock); anything else unreadable is a ConfigError naming the file. */
export function readRecipeLock(path: string): RecipeLock {
  if (!existsSync(path)) return {};
  const file = displayLockPath(path);
  const read = readTextFile(path, { path: "(file)", maxBytes: MAX_LOCK_BYTES, limitReason: LOCK_LIMIT_REASON });
  if ("problem" in read) throw new ConfigError(file, [{ ...read.problem, message: `${read.problem.message}; ${REPAIR}` }]);
  return parseRecipeLock(read.text, file);
}

const REPAIR = `restore it (git checkout -- <file>), or run ${RECIPE_LOCK_COMMAND} --reset-history to write it anew without the version history`;

/**
 * Parses a lock file's text as every command reads it. JSON is whole or it does not parse: a
 * truncated lock is an error, never an empty one.
 */
function parseRecipeLock(text: string, file: string): RecipeLock {
  const repair = REPAIR.replace("<file>", file);
  if (/^(<{7}|={7}|>{7})( |$)/m.test(text)) throw new ConfigError(file, [{ path: "(file)", message: `has merge conflict markers; ${repair}` }]);
  if (text.trim() === "") throw new ConfigError(file, [{ path: "(file)", message: `is empty, expected the recorded recipe versions; ${repair}` }]);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [{ path: "(file)", message: `is not JSON (${error instanceof Error ? error.message : String(error)}); ${repair}` }]);
  }
  const parsed = RecipeLockSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path) || "(root)",
        message: `got ${showValue(issue.input)}, expected an object of image name to { version, fingerprint }; ${repair}`,
      })),
    );
  }
  return parsed.data;
}

function displayLockPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

type LockStatus = "current" | "changed" | "unrecorded";

function lockStatus(image: ImageConfig, fingerprint: string, lock: RecipeLock): LockStatus {
  const entry = lock[image.name];
  if (entry?.version !== image.version) return "unrecorded";
  return entry.fingerprint === fingerprint ? "current" : "changed";
}

/** Compares each image with the lock; returns one problem per image that is not recorded as it is. */
export function checkRecipeLock(images: ReadonlyArray<ImageConfig>, fingerprints: ReadonlyArray<string>, lock: RecipeLock, lockFile: string): Problem[] {
  return images.flatMap((image, index) => {
    const path = `images[${index}].version`;
    switch (lockStatus(image, fingerprints[index], lock)) {
      case "current":
        return [];
      case "changed":
        return [
          {
            path,
            message: `got ${showValue(image.version)}, but the recipe of image "${image.name}" (components, block devices, parent image, description or encryption key) changed since ${image.version} was recorded in ${lockFile}; recipes are immutable in AWS, so expected a new version such as ${nextPatch(image.version)}, then run ${RECIPE_LOCK_COMMAND}`,
          },
        ];
      case "unrecorded":
        return [{ path, message: `got ${showValue(image.version)}, which is not recorded in ${lockFile}; run ${RECIPE_LOCK_COMMAND} to record it` }];
    }
  });
}

export interface UpdateLockOptions {
  /** Write the lock anew when the file cannot be read, dropping its version history. @default false */
  readonly resetHistory?: boolean;
  /** Called when the file could not be read and, with resetHistory, is written anew without its history. */
  readonly onReset?: () => void;
}

/**
 * Records the current versions; refuses (returns problems) where content changed under a recorded
 * version, and where the file cannot be read (its history is what guards versions AWS already holds)
 * unless `resetHistory` is set. The new text is read back as the next command reads it before it
 * replaces the file.
 */
export function updateRecipeLock(
  images: ReadonlyArray<ImageConfig>,
  fingerprints: ReadonlyArray<string>,
  lockFile: string,
  options: UpdateLockOptions = {},
): Problem[] {
  let lock: RecipeLock;
  try {
    assertWritable(lockFile);
    lock = readRecipeLock(lockFile);
  } catch (error) {
    if (error instanceof WriteRefused) return [{ path: "(file)", message: error.message }];
    if (!(error instanceof ConfigError)) throw error;
    if (!options.resetHistory) return [...error.problems];
    options.onReset?.();
    lock = {};
  }
  // Unrecorded versions are what this command records; only content changed under a recorded version is refused.
  const recordable = images.filter((image, i) => lockStatus(image, fingerprints[i], lock) === "unrecorded");
  const asIfRecorded = {
    ...lock,
    ...Object.fromEntries(recordable.map((image) => [image.name, { version: image.version, fingerprint: fingerprints[images.indexOf(image)] }])),
  };
  const refused = checkRecipeLock(images, fingerprints, asIfRecorded, lockFile);
  if (refused.length > 0) return refused;
  const next: RecipeLock = Object.fromEntries(
    images.map((image, i) => [image.name, { version: image.version, fingerprint: fingerprints[i], ...history(lock[image.name], image.version) }]),
  );
  const text = JSON.stringify(next, null, 2) + "\n";
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_LOCK_BYTES) {
    return [{ path: "(file)", message: `would have ${bytes} bytes; expected at most ${MAX_LOCK_BYTES} (${LOCK_LIMIT_REASON}). Nothing was written` }];
  }
  try {
    parseRecipeLock(text, lockFile);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((p) => ({ ...p, message: `${p.message} (the new lock would not read back; nothing was written)` }));
    throw error;
  }
  try {
    writeProjectFile(lockFile, text);
  } catch (error) {
    if (error instanceof WriteRefused) return [{ path: "(file)", message: error.message }];
    throw error;
  }
  return [];
}

function history(entry: RecipeLockEntry | undefined, version: string): { previous_versions?: string[] } {
  if (!entry) return {};
  const previous = entry.version === version ? [...(entry.previous_versions ?? [])] : [entry.version, ...(entry.previous_versions ?? [])];
  const kept = [...new Set(previous.filter((v) => v !== version))].slice(0, HISTORY);
  return kept.length > 0 ? { previous_versions: kept } : {};
}

/** The lock, or undefined when the file exists but cannot be read as one. */
export function readableRecipeLock(path: string): RecipeLock | undefined {
  try {
    return readRecipeLock(path);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** The versions whose images an image's lifecycle policy manages: the current one, then the recorded history. */
export function recipeVersions(image: ImageConfig, lock: RecipeLock): string[] {
  const entry = lock[image.name];
  return [image.version, ...(entry?.version === image.version ? (entry.previous_versions ?? []) : [])];
}

function nextPatch(version: string): string {
  const [major, minor, patch] = version.split(".").map(Number);
  return `${major}.${minor}.${patch + 1}`;
}
