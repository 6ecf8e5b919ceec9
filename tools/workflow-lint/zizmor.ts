// npm run lint:workflows: zizmor (https://docs.zizmor.sh), the static security analyser of GitHub
// Actions, on .github/, offline, failing on any finding of medium severity or higher. A finding that is
// deliberate is suppressed where it is, with `# zizmor: ignore[<audit>]` and its reason beside it.
import { join } from "node:path";
import { run } from "../../lib/process";
import { PROJECT_ROOT } from "../../lib/synth";
import { ensurePythonEnv } from "../python-env";

async function main(): Promise<number> {
  const python = await ensurePythonEnv(".venv-zizmor", join(__dirname, "requirements.txt"), (line) => console.error(line));
  const zizmor = join(python, "..", "zizmor");
  const result = await run(zizmor, ["--offline", "--min-severity", "medium", "--format", "plain", join(PROJECT_ROOT, ".github")], { cwd: PROJECT_ROOT });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
