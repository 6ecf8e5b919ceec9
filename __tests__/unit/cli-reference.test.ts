import { readFileSync } from "node:fs";
import { CLI_REFERENCE, cliReference } from "../../tools/cli-reference";

describe("docs/cli.md", () => {
  it("is every command's --help as the program gives it (npm run docs:cli after changing a command)", () => {
    expect(readFileSync(CLI_REFERENCE, "utf8")).toBe(cliReference());
  });

  it("documents the build command with its options", () => {
    const reference = cliReference();
    expect(reference).toContain("## golden-ami build");
    for (const option of ["--wait", "--attach", "--force", "--timeout <duration>", "--region <region>", "--json"]) expect(reference).toContain(option);
  });
});
