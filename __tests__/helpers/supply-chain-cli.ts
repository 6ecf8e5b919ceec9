// What the supply-chain CLI tests share: a local endpoint that answers the shared account's AMIs
// (revoke and promote check them), a fresh copy of the example per test, and the CLI run in process.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliResult, goldenAmiInProcess } from "./in-process-cli";
import { writeExampleConfig } from "./example";
import { RecordingAws, startRecordingAws } from "./recording-aws";

export const REASON = "CVE-2026-0001 in openssl";

export interface SupplyChainCli {
  /** The endpoint of the running test (started in beforeAll). */
  aws(): RecordingAws;
  /** A directory with a copy of the example configuration. */
  configDir(): { dir: string; configPath: string };
  /** `golden-ami <args> --config <configPath>` in process, against the endpoint. */
  goldenAmi(configPath: string, ...args: string[]): Promise<CliResult>;
}

/**
 * Registers the endpoint's hooks in the calling test file; before each test the shared account holds
 * `images` AMIs, ami-0123456789abcdef<i> named sample_v<i + 1>_2026-01-01T00-00-00.000Z.
 */
export function supplyChainCli(images: number, prefix: string): SupplyChainCli {
  let aws: RecordingAws | undefined;
  beforeAll(async () => {
    aws = await startRecordingAws();
  });
  beforeEach(() => {
    aws!.images = Array.from({ length: images }, (_, i) => ({ id: `ami-0123456789abcdef${i}`, name: `sample_v${i + 1}_2026-01-01T00-00-00.000Z` }));
  });
  afterAll(() => aws?.stop());
  return {
    aws: () => aws!,
    configDir: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      return { dir, configPath: writeExampleConfig(dir) };
    },
    goldenAmi: (configPath, ...args) => goldenAmiInProcess([...args, "--config", configPath], { env: aws!.env() }),
  };
}
