// The floors rule (eslint.config.mjs): a file imports its own floor and those below, never one above.
// One real ESLint run with the project's own configuration over files placed in each floor of a
// scratch directory (its eslint.config.mjs re-exports the project's), as `npx eslint .` sees them.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { run } from "../../lib/process";

const ROOT = join(__dirname, "..", "..");

const UPWARD: ReadonlyArray<[string, string]> = [
  ["conventions/x.ts", "../config/load"],
  ["config/x.ts", "../constructs/shared-ami-key"],
  ["config/sub/x.ts", "../../stacks"],
  ["constructs/policy/x.ts", "../../lib/process"],
  ["access/x.ts", "../stacks/bootstrap-stack"],
  ["stacks/x.ts", "../lib/synth"],
  ["lib/plan-report/x.ts", "../../cli/program"],
];
const ALLOWED: ReadonlyArray<[string, string]> = [
  ["config/y.ts", "../conventions/names"],
  ["constructs/y.ts", "../config/schema"],
  ["stacks/y.ts", "../access/role-policies"],
  ["lib/plan-report/y.ts", "../../conventions/ami-names"],
  ["lib/plan-report/z.ts", "../process"],
  ["cli/y.ts", "../lib/synth"],
  ["tools/y.ts", "../cli/program"],
];
const PROVIDER_ROOT: [string, string] = ["stacks/z.ts", "@cdktf/provider-aws"];

let messages: Record<string, string[]>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "floors-"));
  writeFileSync(join(dir, "eslint.config.mjs"), `export { default } from ${JSON.stringify(join(ROOT, "eslint.config.mjs"))};\n`);
  for (const [file, specifier] of [...UPWARD, ...ALLOWED, PROVIDER_ROOT]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `import { x } from "${specifier}";\nexport const y = x;\n`);
  }
  const result = await run(process.execPath, [join(ROOT, "node_modules", "eslint", "bin", "eslint.js"), "--format", "json", "."], { cwd: dir });
  const report = JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
  messages = Object.fromEntries(
    report.map((r) => [r.filePath.slice(dir.length + 1), r.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message)]),
  );
}, 60_000);

describe("a floor never imports one above it", () => {
  it.each(UPWARD)("%s importing %s is an error naming the floors", (file) => {
    expect(messages[file]).toHaveLength(1);
    expect(messages[file][0]).toMatch(/^'.*' import is restricted from being used by a pattern\. \w+\/ is below .*: a floor never imports one above it/);
  });

  it.each(ALLOWED)("%s importing %s (its own floor or one below) passes", (file) => {
    expect(messages[file]).toEqual([]);
  });

  it("keeps the provider-root rule inside the floors", () => {
    expect(messages[PROVIDER_ROOT[0]]).toEqual([expect.stringContaining("Import from @cdktf/provider-aws/lib/<resource> instead.")]);
  });
});
