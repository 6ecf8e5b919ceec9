import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

function runApp(configText: string) {
  const dir = mkdtempSync(join(tmpdir(), "main-"));
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, configText);
  const outdir = join(dir, "out");
  const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: ROOT,
    env: { ...process.env, AMI_PIPELINE_CONFIG: configPath, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

describe("main.ts", () => {
  const example = readFileSync(join(ROOT, "config/example.yaml"), "utf8");

  it("exits non-zero on bad input, names field and value, and synthesizes nothing", () => {
    const result = runApp(example.replace('account_id: "111122223333"', 'account_id: "1111"'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('shared.account_id (line 8): got "1111", expected a 12-digit AWS account id');
    expect(existsSync(result.outdir)).toBe(false);
  });

  it("exits non-zero on a missing configuration file", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: ROOT,
      env: { ...process.env, AMI_PIPELINE_CONFIG: "/nonexistent/config.yaml" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("does not exist");
  });

  it("refuses local state in CI, naming the state setting, unless the harness opts out", () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd: ROOT,
        env: { ...process.env, AMI_PIPELINE_CONFIG: join(ROOT, "config/example.yaml"), CDKTF_OUTDIR: join(mkdtempSync(join(tmpdir(), "ci-")), "out"), ...env },
        encoding: "utf8",
      });
    // The CI variables of the machine running the tests are set aside: only GITHUB_ACTIONS counts here.
    const refused = run({ CI: "", GITLAB_CI: "", GITHUB_ACTIONS: "true", AMI_PIPELINE_ALLOW_LOCAL_STATE: "" });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("state: got nothing (local state), but this runs in CI (GITHUB_ACTIONS set)");
    expect(run({ CI: "", GITHUB_ACTIONS: "", GITLAB_CI: "true", AMI_PIPELINE_ALLOW_LOCAL_STATE: "1" }).status).toBe(0);
    expect(run({ CI: "", GITHUB_ACTIONS: "", GITLAB_CI: "", AMI_PIPELINE_ALLOW_LOCAL_STATE: "" }).status).toBe(0);
  });
});
