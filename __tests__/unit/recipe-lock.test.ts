import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkRecipeLock, recipeFingerprint, recipeLockPath, recipeVersions, updateRecipeLock } from "../../config/recipe-lock";
import { exampleRaw, load, problemsOf } from "../helpers/example";

describe("recipe lock (recipes are immutable in AWS)", () => {
  const loaded = load(exampleRaw());
  const images = loaded.config.images;
  const fingerprints = images.map((image) => loaded.recipeFingerprints.get(image.name) ?? "");

  it("puts the lock next to the configuration", () => {
    expect(recipeLockPath("/x/config/example.yaml")).toBe("/x/config/example.recipes.lock.json");
  });

  it("passes when version and content are as recorded", () => {
    expect(problemsOf(exampleRaw(), { enforceRecipeLock: true })).toEqual([]);
  });

  it("throws when the recipe changes without a version bump, asking for the next version", () => {
    const raw = exampleRaw();
    raw.images[0].block_devices[0].volume_size_gib = 200;
    const [problem] = problemsOf(raw, { enforceRecipeLock: true });
    expect(problem.path).toBe("images[0].version");
    expect(problem.message).toContain('got "1.0.1"');
    expect(problem.message).toContain("expected a new version such as 1.0.2");
    expect(problem.message).toContain("npx golden-ami lock");
  });

  it("throws when the encryption key of the recipe changes without a version bump", () => {
    const raw = exampleRaw();
    raw.ami_encryption.enabled = false;
    raw.images[0].distribution.kms_key_arn = "arn:aws:kms:ap-northeast-1:111122223333:key/other"; // volumes need a customer key
    expect(problemsOf(raw, { enforceRecipeLock: true })).toEqual([
      { path: "images[0].version", message: expect.stringContaining("expected a new version such as 1.0.2") },
    ]);
  });

  it("throws when a bumped version is not recorded yet", () => {
    const raw = exampleRaw();
    raw.images[0].block_devices[0].volume_size_gib = 200;
    raw.images[0].version = "1.0.2";
    expect(problemsOf(raw, { enforceRecipeLock: true })).toEqual([{ path: "images[0].version", message: expect.stringContaining("not recorded") }]);
  });

  it("changes the fingerprint when a component document changes, and only then", () => {
    const image = images[0];
    const text = (file: string) => loaded.components.get(file)?.text ?? "";
    const before = recipeFingerprint(image, text, "alias/golden-ami");
    expect(before).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(recipeFingerprint(image, text, "alias/golden-ami")).toBe(before);
    expect(recipeFingerprint(image, (file) => text(file) + "# one more line\n", "alias/golden-ami")).not.toBe(before);
    expect(checkRecipeLock([image], ["sha256:other"], { sample: { version: "1.0.1", fingerprint: before } }, "lock.json")).toHaveLength(1);
  });

  it("records new versions and refuses to record changed content under a recorded version", () => {
    const lockFile = join(mkdtempSync(join(tmpdir(), "lock-")), "c.recipes.lock.json");
    expect(updateRecipeLock(images, fingerprints, lockFile)).toEqual([]);
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toEqual({ sample: { version: "1.0.1", fingerprint: fingerprints[0] } });
    const refused = updateRecipeLock(images, ["sha256:other"], lockFile);
    expect(refused).toEqual([{ path: "images[0].version", message: expect.stringContaining("changed since 1.0.1") }]);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).sample.fingerprint).toBe(fingerprints[0]);
  });

  const SECOND = `sha256:${"2".repeat(64)}`;
  const THIRD = `sha256:${"3".repeat(64)}`;

  it("keeps the versions recorded before, newest first, so the lifecycle policy still manages their images", () => {
    const lockFile = join(mkdtempSync(join(tmpdir(), "lock-")), "c.recipes.lock.json");
    expect(updateRecipeLock(images, fingerprints, lockFile)).toEqual([]);
    const bumped = [{ ...images[0], version: "1.0.2" }];
    expect(updateRecipeLock(bumped, [SECOND], lockFile)).toEqual([]);
    const twice = [{ ...images[0], version: "1.1.0" }];
    expect(updateRecipeLock(twice, [THIRD], lockFile)).toEqual([]);
    const lock = JSON.parse(readFileSync(lockFile, "utf8"));
    expect(lock.sample).toEqual({ version: "1.1.0", fingerprint: THIRD, previous_versions: ["1.0.2", "1.0.1"] });
    expect(recipeVersions(twice[0], lock)).toEqual(["1.1.0", "1.0.2", "1.0.1"]);
    // Recording the same version again changes nothing in the history.
    expect(updateRecipeLock(twice, [THIRD], lockFile)).toEqual([]);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).sample.previous_versions).toEqual(["1.0.2", "1.0.1"]);
  });
});
