import { join } from "node:path";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { run } from "../../lib/process";
import { ensurePythonEnv } from "../python-env";

export interface Skip {
  readonly id: string;
  readonly resource?: string;
  readonly reason: string;
}

export const SKIPS_FILE = join(__dirname, "checkov-skips.yaml");

export function readSkips(): Skip[] {
  return parse(readFileSync(SKIPS_FILE, "utf8")) as Skip[];
}

export interface CheckovResult {
  readonly passed: number;
  readonly failed: ReadonlyArray<{ readonly id: string; readonly resource: string; readonly name: string }>;
}

/** Runs the pinned checkov on one plan JSON, with the project's skips. */
export async function checkovPlan(planJson: string): Promise<CheckovResult> {
  const python = await ensurePythonEnv(".venv-checkov", join(__dirname, "requirements.txt"));
  const checkov = join(python, "..", "checkov");
  const skips = readSkips().map((s) => s.id);
  const result = await run(
    checkov,
    ["-f", planJson, "--framework", "terraform_plan", "--quiet", "--compact", "-o", "json", ...(skips.length ? ["--skip-check", skips.join(",")] : [])],
    {
      env: { ...process.env, BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
    },
  );
  const output = JSON.parse(result.stdout) as
    { summary: { passed: number }; results: { failed_checks: { check_id: string; resource: string; check_name: string }[] } } | [];
  if (Array.isArray(output)) throw new Error(`checkov found nothing to check in ${planJson}: ${result.stderr}`);
  return { passed: output.summary.passed, failed: output.results.failed_checks.map((c) => ({ id: c.check_id, resource: c.resource, name: c.check_name })) };
}
