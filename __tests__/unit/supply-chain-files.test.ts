// The channels and revocations files are a database kept in Git: validated before they are written,
// replaced whole (never partial), written by one promote or revoke at a time, and an empty file is an
// error, never "nothing". Real CLI processes; AWS answered by a local endpoint where a command asks it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { channelsPath, revocationsPath, writeChannels } from "../../config/supply-chain";
import { goldenAmiInProcess } from "../helpers/in-process-cli";
import { REASON, supplyChainCli } from "../helpers/supply-chain-cli";

// Real CLI processes (synth, terraform init for orphans): slower than 5 s on a loaded runner.
jest.setTimeout(60_000);
// The AMIs these tests revoke exist in the shared account (revoke checks).
const { aws, configDir, goldenAmi } = supplyChainCli(6, "supply-files-");

const snapshot = (file: string) => (existsSync(file) ? readFileSync(file) : null);

describe("promote and revoke refuse bad input before writing anything", () => {
  it.each(["Production", "-dash", "two words", "a".repeat(33), "constructor!"])("promote --to %j: exit 2, one line, no file written", async (to) => {
    const { configPath } = configDir();
    const result = await goldenAmi(configPath, "promote", "--image", "sample", "--from", "staging", "--to", to);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      `golden-ami: option '--to <channel>' argument '${to}' is invalid. expected a channel name: a lowercase letter, then up to 31 lowercase letters, digits or dashes`,
    ]);
    expect(existsSync(channelsPath(configPath))).toBe(false);
  });

  it.each(["constructor", "toString", "hasOwnProperty"])(
    "promote --from %s (an Object.prototype member) is not a channel: refused, no file written",
    async (from) => {
      const { configPath } = configDir();
      writeChannels(channelsPath(configPath), {});
      const before = snapshot(channelsPath(configPath));
      const result = await goldenAmi(configPath, "promote", "--image", "sample", "--from", from, "--to", "production");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`"${from}" is neither a channel of sample nor an environment with a rolling workload of sample`);
      expect(snapshot(channelsPath(configPath))).toEqual(before);
    },
  );

  it("writeChannels validates what it writes with the schema it is read with: a bad entry is refused, the file unchanged", () => {
    const { configPath } = configDir();
    const file = channelsPath(configPath);
    writeChannels(file, {});
    const before = snapshot(file);
    const bad = { sample: { production: { ami_name: "x" } } } as unknown as Parameters<typeof writeChannels>[1];
    expect(() => writeChannels(file, bad)).toThrow(/refusing to write .*: sample\.production\.ami_id \(line \d+\): got nothing.*Nothing was written/);
    expect(snapshot(file)).toEqual(before);
  });
});

describe("an empty or truncated file is an error, never 'nothing'", () => {
  it.each([
    ["channels", channelsPath, ""],
    ["revocations", revocationsPath, "\n# only a comment\n"],
  ])("an empty %s file fails every command that reads it, naming the file", async (_, pathOf, text) => {
    const { configPath } = configDir();
    writeFileSync(pathOf(configPath), text);
    const result = await goldenAmi(configPath, "stacks");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is empty \(\d+ bytes, no (\{\}|\[\])\): a truncated write\? Restore it with `git checkout -- .*`/);
  });

  it("a truncated revocations file is named with its line, and revoke does not overwrite it", async () => {
    const { configPath } = configDir();
    const file = revocationsPath(configPath);
    writeFileSync(
      file,
      `- ami_id: ami-0123456789abcdef0\n  ami_name: sample_v1_2026-01-01T00-00-00.000Z\n  image: sample\n  reason: "${REASON}"\n  revoked_at: 2026-11`,
    );
    const before = snapshot(file);
    const result = await goldenAmi(configPath, "revoke", "ami-0123456789abcdef1", "--image", "sample", "--reason", REASON);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/revocations\.yaml: \[0\]\.revoked_at \(line 5\)/);
    expect(snapshot(file)).toEqual(before);
  });
});

describe("revoke checks the AMI before recording it", () => {
  it("a mistyped id (no such AMI in the shared account): exit 1, named, nothing recorded", async () => {
    const { configPath } = configDir();
    const result = await goldenAmi(configPath, "revoke", "ami-0123456789abcdeff", "--image", "sample", "--reason", REASON);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("golden-ami: ami-0123456789abcdeff is not an AMI of the shared account 111122223333 in ap-northeast-1; check the id");
    expect(existsSync(revocationsPath(configPath))).toBe(false);
  });

  it("when the shared account cannot be read: refused without --ami-name, recorded with a warning with it", async () => {
    const { configPath } = configDir();
    const unreachable = { ...aws().env(), AWS_ENDPOINT_URL: "http://127.0.0.1:9" };
    const revoke = (...extra: string[]) =>
      goldenAmiInProcess(["revoke", "ami-0123456789abcdef0", "--reason", REASON, ...extra, "--config", configPath], { env: unreachable });
    const without = await revoke("--image", "sample");
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/cannot read ami-0123456789abcdef0 in the shared account .*pass --ami-name <its AMI name> to record it unchecked/);
    expect(existsSync(revocationsPath(configPath))).toBe(false);
    // A name that is not the image's is refused even unchecked: every region's lookup filters on it.
    const wrongName = await revoke("--ami-name", "other_v1_2026-01-01T00-00-00.000Z");
    expect(wrongName.code).toBe(1);
    expect(wrongName.stderr).toContain(`cannot tell which image "other_v1_2026-01-01T00-00-00.000Z" belongs to (it matches no image's AMI name)`);
    const withName = await revoke("--ami-name", "sample_v1_2026-01-01T00-00-00.000Z");
    expect(withName.code).toBe(0);
    expect(withName.stderr).toMatch(
      /^warning: could not read ami-0123456789abcdef0 in the shared account .*recorded build sample_v1_2026-01-01T00-00-00.000Z as given/m,
    );
    expect(parse(readFileSync(revocationsPath(configPath), "utf8"))).toEqual([
      expect.objectContaining({ ami_id: "ami-0123456789abcdef0", ami_name: "sample_v1_2026-01-01T00-00-00.000Z", image: "sample" }),
    ]);
    // Deprecating needs AWS: refused, whatever the name.
    const deprecate = await revoke("--ami-name", "sample_v2_2026-01-01T00-00-00.000Z", "--deprecate");
    expect(deprecate.code).toBe(1);
    expect(deprecate.stderr).toContain("so it cannot be deprecated or disabled");
  }, 30_000);
});

describe("concurrent writers serialize", () => {
  it("six revokes at once: every one is recorded, the file is whole", async () => {
    const { configPath } = configDir();
    const ids = Array.from({ length: 6 }, (_, i) => `ami-0123456789abcdef${i}`);
    const results = await Promise.all(ids.map((id) => goldenAmi(configPath, "revoke", id, "--image", "sample", "--reason", REASON)));
    expect(results.map((r) => r.code)).toEqual(ids.map(() => 0));
    const recorded = parse(readFileSync(revocationsPath(configPath), "utf8")) as { ami_id: string; ami_name: string }[];
    expect(recorded.map((r) => r.ami_id).sort()).toEqual(ids);
    expect(recorded.map((r) => r.ami_name).sort()).toEqual(aws().images.map((i) => i.name));
  }, 60_000);

  it("promote and revoke of the same AMI at once: one comes first, and the other sees it", async () => {
    const { dir, configPath } = configDir();
    const ami = "ami-0123456789abcdef0";
    aws().images = [{ id: ami, name: "sample_v1_2026-01-01T00-00-00.000Z" }];
    writeChannels(channelsPath(configPath), {
      sample: { candidate: { ami_id: ami, ami_name: "sample_v1_2026-01-01T00-00-00.000Z", promoted_from: "staging", promoted_at: "2026-01-01T00:00:00Z" } },
    });
    const [promoted, revoked] = await Promise.all([
      goldenAmi(configPath, "promote", "--image", "sample", "--from", "candidate", "--to", "production", "--soak-hours", "0", "--state-dir", dir),
      goldenAmi(configPath, "revoke", ami, "--image", "sample", "--reason", REASON),
    ]);
    expect(revoked.code).toBe(0);
    const channels = parse(readFileSync(channelsPath(configPath), "utf8")) as Record<string, Record<string, { ami_id: string }>>;
    if (promoted.code === 0) {
      // Promote came first: revoke saw the channel and says its workloads' plans now fail.
      expect(channels.sample.production.ami_id).toBe(ami);
    } else {
      // Revoke came first: promote refused the revoked AMI, and production was never written.
      expect(promoted.stderr).toContain(`which is revoked: ${REASON}`);
      expect(channels.sample.production).toBeUndefined();
    }
  }, 30_000);
});
