// The files the CLI keeps in Git beside a configuration are a database: no command writes what the
// next one refuses, drops history without a flag, or takes a file cut at an entry boundary for the
// whole truth; configurations that would share the files are refused, and their writers share a lock.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { dataFileLockPath, withDataFileLock } from "../../config/data-files";
import { recipeLockPath } from "../../config/recipe-lock";
import {
  channelsPath,
  readChannels,
  readRevocations,
  renderChannels,
  renderRevocations,
  Revocation,
  revocationsPath,
  SUPPLY_CHAIN_MAX_BYTES,
  writeRevocations,
} from "../../config/supply-chain";
import { REASON, supplyChainCli } from "../helpers/supply-chain-cli";

jest.setTimeout(60_000);
// The AMIs these tests revoke exist in the shared account (revoke checks).
const { configDir, goldenAmi } = supplyChainCli(4, "data-files-");

const revocation = (i: number, reason = REASON): Revocation => ({
  ami_id: `ami-0fedcba98765432${i % 10}`,
  ami_name: `sample_v${1000 + i}_2026-01-01T00-00-00.000Z`,
  image: "sample",
  reason,
  revoked_at: "2026-11-23T08:00:00Z",
});

describe("a writer never leaves what the next reader refuses", () => {
  it("revoke that would grow the file past its 1 MiB cap: exit 1, the reason, the file unchanged and still readable", async () => {
    const { configPath } = configDir();
    const file = revocationsPath(configPath);
    // Entries of ~630 bytes up to just under the cap, as the issue's reproduction had it (1,048,492 bytes).
    const long = (i: number) => revocation(i, "x".repeat(490));
    const size = (n: number) => Buffer.byteLength(renderRevocations(Array.from({ length: n }, (_, i) => long(i))));
    // Every entry renders to the same size (fixed-width names), so two renders give the most that fit.
    const perEntry = size(1001) - size(1000);
    const fits = Math.floor((SUPPLY_CHAIN_MAX_BYTES - 100 - (size(1000) - 1000 * perEntry)) / perEntry);
    const entries = Array.from({ length: fits }, (_, i) => long(i));
    writeRevocations(file, entries);
    // The precondition of the reproduction: the file fits, one more entry with a 490-character reason does not.
    expect(statSync(file).size).toBeLessThanOrEqual(SUPPLY_CHAIN_MAX_BYTES);
    expect(statSync(file).size + 490).toBeGreaterThan(SUPPLY_CHAIN_MAX_BYTES);
    const before = readFileSync(file);
    const result = await goldenAmi(configPath, "revoke", "ami-0123456789abcdef0", "--image", "sample", "--reason", "y".repeat(490));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /refusing to write .*revocations\.yaml: would have \d+ bytes; expected at most 1048576 \(supply-chain files are capped at 1 MiB\)/,
    );
    expect(result.stderr).toContain("Nothing was written");
    expect(result.stdout).not.toContain("recorded");
    // Buffer.equals: jest compares a 1 MiB Buffer element by element, for seconds.
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readRevocations(file, file).problems).toEqual([]);
    // ... and every command still reads the configuration.
    expect((await goldenAmi(configPath, "stacks")).code).toBe(0);
  });

  it("writeRevocations reads its own text back with the reader: an entry the schema refuses is named, nothing written", () => {
    const { configPath } = configDir();
    const file = revocationsPath(configPath);
    writeRevocations(file, [revocation(0)]);
    const before = readFileSync(file);
    expect(() => writeRevocations(file, [{ ...revocation(1), reason: "short" }])).toThrow(
      /refusing to write .*: \[0\]\.reason \(line \d+\): got "short", expected a reason of at least 10 characters.*Nothing was written/,
    );
    expect(readFileSync(file)).toEqual(before);
  });
});

describe("a file cut at an entry boundary is not the whole truth", () => {
  it("what the CLI writes ends with the line `# end: N entries`, and reads back", () => {
    const { configPath } = configDir();
    const file = revocationsPath(configPath);
    writeRevocations(file, [revocation(0), revocation(1)]);
    expect(readFileSync(file, "utf8").trimEnd().split("\n").at(-1)).toBe("# end: 2 entries");
    expect(readRevocations(file, file)).toEqual({ value: [revocation(0), revocation(1)], problems: [] });
  });

  it.each([
    ["revocations", revocationsPath, renderRevocations([revocation(0), revocation(1), revocation(2)])],
    [
      "channels",
      channelsPath,
      renderChannels({
        sample: {
          candidate: {
            ami_id: "ami-0123456789abcdef0",
            ami_name: "sample_v1_2026-01-01T00-00-00.000Z",
            promoted_from: "staging",
            promoted_at: "2026-01-01T00:00:00Z",
          },
          production: {
            ami_id: "ami-0123456789abcdef0",
            ami_name: "sample_v1_2026-01-01T00-00-00.000Z",
            promoted_from: "candidate",
            promoted_at: "2026-01-02T00:00:00Z",
          },
        },
      }),
    ],
  ])("a %s file cut after its first entry still parses, and is refused as incomplete by every command", async (_, pathOf, whole) => {
    const { configPath } = configDir();
    const lines = whole.split("\n");
    // Cut where the second entry starts: valid YAML, one entry fewer, no end marker.
    const second = lines.findIndex((line, i) => i > 2 && (/^- /.test(line) || /^ {2}production:/.test(line)));
    writeFileSync(pathOf(configPath), lines.slice(0, second).join("\n") + "\n");
    const result = await goldenAmi(configPath, "stacks");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /does not end with the line "# end: 1 entry" that golden-ami writes .*a truncated write or a bad merge\? Restore it with `git checkout -- /,
    );
  });

  it("an end marker whose count is not the file's (an entry deleted by hand, or a merge): refused, naming both", () => {
    const { configPath } = configDir();
    const file = revocationsPath(configPath);
    const text = renderRevocations([revocation(0), revocation(1)]);
    writeFileSync(file, text.replace("# end: 2 entries", "# end: 3 entries"));
    expect(readRevocations(file, "x.revocations.yaml").problems).toEqual([
      {
        path: "x.revocations.yaml",
        message: expect.stringMatching(/^ends with "# end: 3 entries" but holds 2 entries: .*end the file with the line "# end: 2 entries"$/),
      },
    ]);
  });

  it("an empty channels file written by the CLI ({} and its marker) reads as no channels", () => {
    const { configPath } = configDir();
    writeFileSync(channelsPath(configPath), renderChannels({}));
    expect(readChannels(channelsPath(configPath), "c")).toEqual({ value: {}, problems: [] });
  });
});

describe("golden-ami lock never drops history silently", () => {
  it.each([
    ["empty", ""],
    ["truncated", '{\n  "sample": {\n    "version": "1.0.0",\n'],
  ])("an %s lock: exit 1 naming --reset-history, the file untouched; with the flag it is written anew", async (_, text) => {
    const { configPath } = configDir();
    const lockFile = recipeLockPath(configPath);
    writeFileSync(lockFile, text);
    const refused = await goldenAmi(configPath, "lock");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("golden-ami: invalid configuration, nothing done.");
    expect(refused.stderr).toMatch(/restore it \(git checkout -- .*recipes\.lock\.json\), or run npx golden-ami lock --reset-history/);
    expect(refused.stdout).toBe("");
    expect(readFileSync(lockFile, "utf8")).toBe(text);
    const reset = await goldenAmi(configPath, "lock", "--reset-history");
    expect(reset.code).toBe(0);
    expect(reset.stderr).toContain("could not be read; wrote it anew (--reset-history: earlier versions are no longer recorded)");
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toEqual({
      sample: { version: expect.stringMatching(/^\d+\.\d+\.\d+$/), fingerprint: expect.any(String) },
    });
  });

  it("a readable lock keeps its history, with or without the flag", async () => {
    const { configPath } = configDir();
    const lockFile = recipeLockPath(configPath);
    const lock = JSON.parse(readFileSync(lockFile, "utf8")) as Record<string, { previous_versions?: string[] }>;
    lock.sample.previous_versions = ["0.9.0"];
    writeFileSync(lockFile, JSON.stringify(lock, null, 2) + "\n");
    const kept = await goldenAmi(configPath, "lock", "--reset-history");
    expect(kept.code).toBe(0);
    expect(kept.stderr).not.toContain("could not be read");
    expect(JSON.parse(readFileSync(lockFile, "utf8")).sample.previous_versions).toEqual(["0.9.0"]);
  });
});

describe("configurations that would share data files", () => {
  it("x.yaml beside x.yml: every command on either is refused, naming both and the shared files; nothing written", async () => {
    const { dir, configPath } = configDir();
    const twin = join(dir, "config.yml");
    copyFileSync(configPath, twin);
    for (const path of [configPath, twin]) {
      const result = await goldenAmi(path, "revoke", "ami-0123456789abcdef0", "--image", "sample", "--reason", REASON);
      expect(result.code).toBe(1);
      const other = path === twin ? "config.yaml" : "config.yml";
      expect(result.stderr).toContain(
        `(file): shares its data files (config.recipes.lock.json, config.channels.yaml, config.revocations.yaml) with ${other} beside it; expected one configuration per name: rename or remove one of them`,
      );
    }
    expect(existsSync(revocationsPath(configPath))).toBe(false);
  });

  it("writers given either name of one stem hold one lock: 12 interleaved read-modify-writes lose nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "data-lock-"));
    const names = [join(dir, "x.yaml"), join(dir, "x.yml")];
    for (const name of names) writeFileSync(name, "");
    const counter = join(dir, "x.counter");
    writeFileSync(counter, "[]");
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        withDataFileLock(names[i % 2], async () => {
          const seen = JSON.parse(readFileSync(counter, "utf8")) as number[];
          await sleep(5); // a window in which an unlocked writer would interleave
          writeFileSync(counter, JSON.stringify([...seen, i]));
        }),
      ),
    );
    expect((JSON.parse(readFileSync(counter, "utf8")) as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(existsSync(dataFileLockPath(names[0]))).toBe(false);
  });
});

describe("the lock's path holds something that is not a lock", () => {
  it("a regular file at <stem>.lock: refused at once (not after 30 s), saying what it is", async () => {
    const { configPath } = configDir();
    writeFileSync(dataFileLockPath(configPath), "left over");
    const started = process.hrtime.bigint();
    const result = await goldenAmi(configPath, "revoke", "ami-0123456789abcdef0", "--image", "sample", "--reason", REASON);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `config.lock is a regular file, not the lock golden-ami makes (a directory, while a promote, revoke or lock runs); remove it`,
    );
    expect(result.stderr).not.toContain("held by another");
    // Not a timing target: the old behaviour retried for 30 s before blaming another process.
    expect(seconds).toBeLessThan(25);
    expect(existsSync(revocationsPath(configPath))).toBe(false);
  });

  it("a lock directory left by a live writer is waited on, then released", async () => {
    const { configPath } = configDir();
    const lockDir = dataFileLockPath(configPath);
    let held = false;
    const holder = withDataFileLock(configPath, async () => {
      held = statSync(lockDir).isDirectory();
      await sleep(300);
    });
    await sleep(50);
    const result = await goldenAmi(configPath, "revoke", "ami-0123456789abcdef0", "--image", "sample", "--reason", REASON);
    await holder;
    expect(held).toBe(true);
    expect(result.code).toBe(0);
    expect(existsSync(lockDir)).toBe(false);
  });
});
