// The plan manifest is the only thing the apply job receives: it is read as untrusted input.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planStore, readManifest } from "../../lib/plan-store";
import { SavedPlanRefused } from "../../lib/saved-plan";
import { exampleRaw, load } from "../helpers/example";

const SHA = "a".repeat(64);
const config = () => {
  const raw = exampleRaw();
  raw.state = { bucket: "golden-ami-state", region: "ap-northeast-1" };
  return load(raw).config;
};
const summary = {
  stack: "web-staging",
  status: "unchanged",
  counts: { import: 0, add: 0, change: 0, destroy: 0, forget: 0, replace: 0, move: 0 },
  resources: [],
  drift: [],
  amiUpdates: [],
  outputs: [],
  dangers: [],
  detailed: true,
};
const manifest = (overrides: Record<string, unknown> = {}, plan: Record<string, unknown> = {}) => ({
  version: 1,
  bucket: "golden-ami-state",
  region: "ap-northeast-1",
  plans: [{ stack: "web-staging", key: `golden-ami/plans/web-staging/${SHA}.tfplan`, sha256: SHA, summary, ...plan }],
  ...overrides,
});
function write(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "manifest-")), "saved-plans.json");
  writeFileSync(file, content);
  return file;
}
const refusal = (content: string) => {
  try {
    readManifest(write(content), config());
  } catch (error) {
    if (error instanceof SavedPlanRefused) return error.message;
    throw error;
  }
  return "accepted";
};

describe("reading the plan manifest", () => {
  it("accepts the manifest plan --store-plans writes", () => {
    expect(readManifest(write(JSON.stringify(manifest())), config()).plans).toEqual([expect.objectContaining({ stack: "web-staging", sha256: SHA })]);
  });

  it("refuses an empty or truncated file instead of reading it as no plans", () => {
    expect(refusal("")).toMatch(/is not a plan manifest \(Unexpected end of JSON input\)/);
    expect(refusal(JSON.stringify(manifest()).slice(0, 40))).toMatch(/is not a plan manifest/);
  });

  it("refuses a manifest for another bucket, naming both", () => {
    expect(refusal(JSON.stringify(manifest({ bucket: "someone-elses" })))).toContain(
      "names bucket someone-elses, not this configuration's state bucket golden-ami-state",
    );
  });

  it("refuses a key outside <prefix>/plans/<stack>/<sha256>.tfplan, so a manifest cannot point apply at any object", () => {
    expect(refusal(JSON.stringify(manifest({}, { key: "golden-ami/web-production.tfstate" })))).toContain(
      `web-staging's key golden-ami/web-production.tfstate is not golden-ami/plans/web-staging/${SHA}.tfplan`,
    );
  });

  it("refuses a malformed hash or summary, naming the field", () => {
    expect(refusal(JSON.stringify(manifest({}, { sha256: "abc" })))).toMatch(
      /plans\.0\.sha256: .*expected a manifest written by `golden-ami plan --store-plans`/,
    );
    expect(refusal(JSON.stringify(manifest({}, { summary: { stack: "web-staging", status: "changed" } })))).toContain(
      "web-staging's summary is not a plan summary",
    );
  });

  it("needs S3 state: plans are never kept anywhere else", () => {
    expect(() => planStore(load(exampleRaw()).config)).toThrow("plans are stored in the state bucket: the configuration has no `state` (S3) section");
  });
});
