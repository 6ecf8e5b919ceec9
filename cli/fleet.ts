// golden-ami fleet: which workload runs which AMI, and how far behind the newest build it is.
import { Command } from "@commander-js/extra-typings";
import type { FleetRow } from "../lib/fleet";
import { GoldenAmiError } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, withExample, environment } from "./program";
import { library } from "./library";

const COLUMNS: ReadonlyArray<[string, (r: FleetRow) => string]> = [
  ["workload", (r) => r.workload],
  ["environment", (r) => r.environment],
  ["account", (r) => r.account],
  ["running AMI", (r) => r.runningAmi ?? "-"],
  ["build", (r) => (r.runningBuild === undefined ? "-" : `v${r.runningBuild}`)],
  ["newest", (r) => (r.newestBuild === undefined ? "-" : `v${r.newestBuild}`)],
  ["behind", (r) => (r.buildsBehind === undefined ? "-" : String(r.buildsBehind))],
  ["age", (r) => (r.ageDays === undefined ? "-" : `${r.ageDays} d`)],
  ["note", (r) => [r.stateError && `STATE UNREADABLE: ${r.stateError}`, r.revoked && `REVOKED: ${r.revoked}`, r.note].filter(Boolean).join("; ")],
];

function fleetTable(rows: ReadonlyArray<FleetRow>): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  return cells
    .map((line) =>
      line
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function registerFleet(program: Command): void {
  const command = program
    .command("fleet")
    .description("which workload runs which AMI, and how many builds behind the newest it is (no Terraform)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option("--state-dir <dir>", "local state directory (default: $AMI_PIPELINE_STATE_DIR, else the working directory)")
    .option("--json", "print a JSON array (workload, environment, account, runningAmi, runningBuild, newestBuild, buildsBehind, ageDays, stateError)")
    .action(async (options) => {
      const { loadConfig } = library.configuration();
      const { fleetStatus } = library.fleet();
      const { config, revocations } = loadConfig(configPathOf(options.config), { enforceSupplyChain: false });
      const rows = await fleetStatus(config, { stateDir: options.stateDir ?? environment().stateDir }, revocations);
      console.log(options.json ? JSON.stringify(rows) : fleetTable(rows));
      const unreadable = rows.filter((r) => r.stateError);
      if (unreadable.length > 0)
        throw new GoldenAmiError(`the state of ${unreadable.map((r) => r.workload).join(", ")} could not be read (see the rows above)`);
    });
  withExample(command, "npx golden-ami fleet", "npx golden-ami fleet --json | jq '.[] | select(.buildsBehind > 0)'");
}
