// tools/python-env.ts: callers that want one virtual environment at once (one emulator per end-to-end
// worker, started together) install it once, under a lock; CI failed when two pip installs shared one
// .venv. The python here is a stand-in that records what it is asked to do, so the test takes no
// network and a fraction of a second; the real install runs in every end-to-end setup.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePythonEnv } from "../../../tools/python-env";

/** A `python3` whose `-m venv DIR` makes DIR/bin/python, which records each pip install after a pause. */
function fakePython(dir: string): { calls: () => string[] } {
  const calls = join(dir, "calls.log");
  const python = join(dir, "python3");
  writeFileSync(
    python,
    `#!/bin/sh
echo "$*" >> ${calls}
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  cp "$0" "$3/bin/python"
  echo leftover-of-the-old > "$3/stale"
fi
if [ "$1 $2" = "-m pip" ]; then sleep 0.3; fi
`,
  );
  chmodSync(python, 0o755);
  return { calls: () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []) };
}

describe("ensurePythonEnv", () => {
  const saved = process.env.PYTHON;
  afterEach(() => {
    if (saved === undefined) delete process.env.PYTHON;
    else process.env.PYTHON = saved;
  });

  const setUp = () => {
    const dir = mkdtempSync(join(tmpdir(), "python-env-"));
    const python = fakePython(dir);
    process.env.PYTHON = join(dir, "python3");
    const requirements = join(dir, "requirements.txt");
    writeFileSync(requirements, "moto[server]==5.2.6\n");
    return { dir, python, requirements, venv: join(dir, ".venv") };
  };

  it("installs once when three callers want the environment at the same time, and every caller gets its python", async () => {
    const { python, requirements, venv } = setUp();
    const logged: string[] = [];
    const pythons = await Promise.all([1, 2, 3].map(() => ensurePythonEnv(venv, requirements, (line) => logged.push(line))));
    expect(pythons).toEqual([1, 2, 3].map(() => join(venv, "bin", "python")));
    expect(python.calls().filter((call) => call.startsWith("-m venv"))).toHaveLength(1);
    expect(python.calls().filter((call) => call.startsWith("-m pip install"))).toHaveLength(1);
    expect(logged).toHaveLength(1);
    expect(existsSync(`${venv}.install.lock`)).toBe(false);
  });

  it("does nothing when the installed requirements are the wanted ones, and installs anew from nothing when they changed", async () => {
    const { python, requirements, venv } = setUp();
    await ensurePythonEnv(venv, requirements);
    await ensurePythonEnv(venv, requirements);
    expect(python.calls()).toHaveLength(2);
    writeFileSync(requirements, "moto[server]==5.2.7\n");
    writeFileSync(join(venv, "stale"), "from the first install");
    await ensurePythonEnv(venv, requirements);
    expect(python.calls()).toHaveLength(4);
    expect(readFileSync(join(venv, "stale"), "utf8")).toBe("leftover-of-the-old\n");
  });

  it("takes an environment whose install died before its marker for unfinished, and makes it again", async () => {
    const { python, requirements, venv } = setUp();
    await ensurePythonEnv(venv, requirements);
    const marker = join(venv, ".requirements.sha256");
    writeFileSync(marker, "");
    await ensurePythonEnv(venv, requirements);
    expect(python.calls().filter((call) => call.startsWith("-m venv"))).toHaveLength(2);
    expect(readFileSync(marker, "utf8")).toMatch(/^[0-9a-f]{64}$/);
  });
});
