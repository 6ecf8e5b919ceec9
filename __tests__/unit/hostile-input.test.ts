// Files a pull request can change are untrusted: each broken or hostile one is a named problem,
// nothing is synthesized, and `golden-ami lock` refuses what synth refuses.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { parse, stringify } from "yaml";
import { EXAMPLE_CONFIG, loadConfig, validateConfig } from "../../config/load";
import { ConfigError } from "../../config/problems";
import { recipeLockPath, updateRecipeLock } from "../../config/recipe-lock";
import { boundedName } from "../../constructs/aws-names";
import { checkNameClaims } from "../../stacks/name-claims";
import { exampleRaw, RawConfig, resourcesOf, synthAll } from "../helpers/example";
import { describeRules } from "../helpers/rules";
import { run } from "../../lib/process";

const ROOT = join(__dirname, "..", "..");

/** A directory with the example configuration (as `raw`), its lock and template; returns the config path. */
function scenario(raw: RawConfig = exampleRaw(), lock?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "hostile-"));
  mkdirSync(join(dir, "cloud-init"));
  copyFileSync(join(EXAMPLE_CONFIG, "..", "cloud-init", "web.yaml.tftpl"), join(dir, "cloud-init", "web.yaml.tftpl"));
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, stringify(raw));
  writeFileSync(recipeLockPath(configPath), lock ?? readFileSync(recipeLockPath(EXAMPLE_CONFIG), "utf8"));
  return configPath;
}

function problemsLoading(configPath: string, componentsDir?: string): { source: string; path: string; message: string }[] {
  try {
    loadConfig(configPath, componentsDir ? { componentsDir } : {});
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => ({ source: error.source, ...p }));
  }
}

describe("user-data templates", () => {
  const withTemplate = (template: string) => {
    const raw = exampleRaw();
    raw.workloads[0].user_data.template = template;
    return scenario(raw);
  };

  it("must lie inside the configuration's directory", () => {
    const [problem] = problemsLoading(withTemplate("../../../../../../etc/passwd"));
    expect(problem).toMatchObject({ path: expect.stringMatching(/^workloads\[0\]\.user_data\.template/), message: expect.stringContaining("outside") });
  });

  it("must be a regular file: a directory or a device is refused", () => {
    expect(problemsLoading(withTemplate("cloud-init"))[0].message).toContain("is a directory");
    const configPath = withTemplate("zero.tftpl");
    symlinkSync("/dev/zero", join(configPath, "..", "zero.tftpl"));
    const [problem] = problemsLoading(configPath);
    expect(problem.message).toMatch(/outside|not a regular file/);
  });

  const problemsOfTemplate = (text: string) => {
    const configPath = withTemplate("t.tftpl");
    writeFileSync(join(configPath, "..", "t.tftpl"), text);
    return problemsLoading(configPath).filter((p) => p.path.startsWith("workloads[0].user_data.variables"));
  };

  it.each([
    ['${file("/etc/passwd")}', "is an expression"],
    ["${environment}-${upper(log_level)}", "is an expression"],
    ["${environment.name}", "is an expression"],
    ['%{ if fileexists("/etc/shadow") }x%{ endif }', "is not an allowed directive"],
    ['%{ for f in fileset("/", "*") }${f}%{ endfor }', "is not an allowed directive"],
    ["${ {a = 1} }", "is not a simple reference"],
    ["${environment", "is not a simple reference"],
  ])("refuses %j: templates may only name their declared variables", (template, why) => {
    const problems = problemsOfTemplate(`#cloud-config\nrun: ${template}\n`);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].message).toMatch(new RegExp(`^template t\\.tftpl line 2: .* ${why}`));
  });

  it.each([
    "${environment} ${ log_level }",
    "${~environment~}",
    "%{ if enabled }on%{ else }off%{ endif }",
    "%{~ if !enabled ~}off%{~ endif ~}",
    'literal $${file("/etc/passwd")} and %%{ if x }',
  ])("accepts %j", (template) => {
    const configPath = withTemplate("t.tftpl");
    writeFileSync(join(configPath, "..", "t.tftpl"), template);
    const raw = parse(readFileSync(configPath, "utf8"));
    raw.workloads[0].user_data.variables.enabled = "true";
    writeFileSync(configPath, stringify(raw));
    expect(problemsLoading(configPath).filter((p) => p.path.startsWith("workloads[0].user_data"))).toEqual([]);
  });

  it("names a variable the configuration does not define", () => {
    expect(problemsOfTemplate("${region}")).toEqual([
      expect.objectContaining({ message: "template t.tftpl uses ${region}, expected a value for it in workloads[0].user_data.variables" }),
    ]);
  });

  it("must be at most 16 KB, EC2's user-data limit", () => {
    const configPath = withTemplate("big.tftpl");
    writeFileSync(join(configPath, "..", "big.tftpl"), "#".repeat(16 * 1024 + 1));
    expect(problemsLoading(configPath)[0].message).toContain("expected at most 16384");
  });
});

describe("text encodings", () => {
  it("refuses bytes that are not UTF-8, naming the line", () => {
    const configPath = scenario();
    writeFileSync(configPath, Buffer.concat([readFileSync(configPath), Buffer.from("tags:\n  Team: caf\xe9\n", "latin1")]));
    expect(problemsLoading(configPath)[0].message).toMatch(/is not UTF-8: byte 0xe9 at line \d+/);
  });

  it("refuses UTF-16 with a message that says so", () => {
    const configPath = scenario();
    writeFileSync(configPath, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(configPath, "utf8"), "utf16le")]));
    expect(problemsLoading(configPath)[0].message).toContain("is UTF-16 text; expected UTF-8");
  });
});

describe("YAML limits", () => {
  /** Nine levels of nine aliases each: 9^9 nodes if expanded. */
  const aliasBomb = () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${"abcdefghi"[i]}: &${"abcdefghi"[i]} [${Array(9)
          .fill(`*${"abcdefghi"[i - 1]}`)
          .join(",")}]`,
      );
    return lines.join("\n");
  };

  it("refuses an alias bomb instead of expanding it", () => {
    const configPath = scenario();
    writeFileSync(configPath, aliasBomb());
    expect(problemsLoading(configPath)[0].message).toContain("aliases expand too far");
  });

  it("refuses an alias bomb in a component document as a problem naming the file, never an exception", () => {
    const componentsDir = mkdtempSync(join(tmpdir(), "components-"));
    copyFileSync(join(ROOT, "image-components", "test.yml"), join(componentsDir, "test.yml"));
    writeFileSync(join(componentsDir, "build.yml"), aliasBomb());
    const problems = problemsLoading(scenario(), componentsDir);
    expect(problems).toEqual([
      expect.objectContaining({
        path: "image-components/build.yml",
        message: expect.stringMatching(/^is not valid YAML: aliases expand too far .*expected at most \d+ alias expansions$/),
      }),
    ]);
  });

  it("finds a duplicate key in a large map, with its line", () => {
    const configPath = scenario();
    const tags = Array.from({ length: 20_000 }, (_, i) => `  T${i}: v`).join("\n");
    writeFileSync(configPath, `tags:\n${tags}\n  T7: again\n`);
    const [problem] = problemsLoading(configPath);
    expect(problem.path).toMatch(/^\(yaml\) \(line \d+\)$/);
    expect(problem.message).toBe('key "T7" appears twice in the same map; expected each key once');
  });

  /** The configuration with `lines` added under its top-level tags. */
  const withTagLines = (...lines: string[]) => {
    const configPath = scenario();
    writeFileSync(configPath, readFileSync(configPath, "utf8").replace(/^tags:\n/m, `tags:\n${lines.map((l) => `  ${l}\n`).join("")}`));
    return configPath;
  };

  it.each([
    ["!foo", "Evil: !foo bar"],
    ["!!js/function", 'Evil: !!js/function "function () { return 1 }"'],
  ])("refuses a value with the unknown tag %s, with its line (it was read as a plain string)", (tag, line) => {
    const problems = problemsLoading(withTagLines(line));
    expect(problems).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^\(yaml\) \(line \d+\)$/),
        message: `has the tag ${tag}, which plain YAML data does not know; expected a value without a tag (remove ${tag})`,
      }),
    ]);
  });

  it("refuses a mapping as a key, with its line and without Node's warning on stderr", () => {
    const warn = jest.spyOn(process, "emitWarning");
    try {
      const problems = problemsLoading(withTagLines("? {a: 1}", ": value"));
      expect(problems).toEqual([expect.objectContaining({ message: "has a mapping or sequence as a key; expected a plain key such as a name" })]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses the key "__proto__" (AWS would take it as a tag key; every JavaScript object copy drops it)', () => {
    const configPath = withTagLines("__proto__: x");
    const line = readFileSync(configPath, "utf8").split("\n").indexOf("  __proto__: x") + 1;
    expect(problemsLoading(configPath)).toEqual([
      expect.objectContaining({
        path: `(yaml) (line ${line})`,
        message: 'has the key "__proto__", which JavaScript objects cannot hold as data; expected another name',
      }),
    ]);
  });

  it("caps the configuration at 1 MiB", () => {
    const configPath = scenario();
    writeFileSync(configPath, `${readFileSync(configPath, "utf8")}\n# ${"x".repeat(1024 * 1024)}\n`);
    expect(problemsLoading(configPath)[0].message).toContain("expected at most 1048576");
  });

  it("gives schema problems the line they come from", () => {
    const raw = exampleRaw();
    raw.images[0].version = "1.0";
    const configPath = scenario(raw);
    const [problem] = problemsLoading(configPath);
    const line =
      readFileSync(configPath, "utf8")
        .split("\n")
        .findIndex((l) => l.includes('version: "1.0"')) + 1;
    expect(problem.path).toBe(`images[0].version (line ${line})`);
  });
});

describe("recipe lock files", () => {
  it.each([
    ["garbage", "not JSON", "is not JSON"],
    ["empty", "", "is empty"],
    ["null", "null", "got null"],
    ["conflict markers", '<<<<<<< HEAD\n{}\n=======\n{"a":1}\n>>>>>>> branch\n', "merge conflict markers"],
  ])("names the file and what to do when it is %s", (_, content, expected) => {
    const configPath = scenario(exampleRaw(), content);
    const [problem] = problemsLoading(configPath);
    expect(problem.source).toContain("config.recipes.lock.json");
    expect(problem.message).toContain(expected);
    expect(problem.message).toContain("npx golden-ami lock");
  });

  it.each([
    ["a symbolic link to /dev/zero", (file: string) => symlinkSync("/dev/zero", file), "is a symbolic link"],
    ["a symbolic link to another file", (file: string) => symlinkSync(join(ROOT, "package.json"), file), "is a symbolic link"],
    ["a directory", (file: string) => mkdirSync(file), "is a directory"],
  ])("`golden-ami lock` refuses to write when the lock's path is %s: one problem, exit 1, nothing written through it", async (_, make, found) => {
    const configPath = scenario();
    const lockFile = recipeLockPath(configPath);
    rmSync(lockFile);
    make(lockFile);
    const packageJson = readFileSync(join(ROOT, "package.json"));
    const result = await run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "lock", "--config", configPath], { cwd: ROOT });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("Recorded");
    expect(result.stderr).toContain(`${lockFile} ${found}; expected a regular file (or none) to write. Nothing was written`);
    expect(result.stderr).not.toContain("EISDIR");
    expect(readFileSync(join(ROOT, "package.json"))).toEqual(packageJson);
  });

  it("is not recorded over without resetHistory (its history guards versions AWS holds), and is repaired with it", () => {
    const configPath = scenario(exampleRaw(), "garbage");
    const loaded = loadConfig(configPath, { enforceRecipeLock: false });
    const images = loaded.config.images;
    const fingerprints = images.map((i) => loaded.recipeFingerprints.get(i.name)!);
    expect(updateRecipeLock(images, fingerprints, recipeLockPath(configPath))).toEqual([
      {
        path: "(file)",
        message: expect.stringMatching(/^is not JSON .*run npx golden-ami lock --reset-history to write it anew without the version history$/),
      },
    ]);
    expect(readFileSync(recipeLockPath(configPath), "utf8")).toBe("garbage");
    const resets: string[] = [];
    expect(updateRecipeLock(images, fingerprints, recipeLockPath(configPath), { resetHistory: true, onReset: () => resets.push("reset") })).toEqual([]);
    expect(resets).toEqual(["reset"]);
    // Readable now: recording again keeps it, and says nothing was reset.
    expect(updateRecipeLock(images, fingerprints, recipeLockPath(configPath), { resetHistory: true, onReset: () => resets.push("again") })).toEqual([]);
    expect(resets).toEqual(["reset"]);
    expect(problemsLoading(configPath)).toEqual([]);
  });
});

describe("component documents", () => {
  const componentsDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "components-"));
    for (const file of ["build.yml", "test.yml"]) copyFileSync(join(EXAMPLE_CONFIG, "..", "..", "image-components", file), join(dir, file));
    return dir;
  };

  it("refuses the same component twice in one image", () => {
    const raw = exampleRaw();
    raw.images[0].components.push({ file: "build.yml" });
    expect(() => validateConfig(raw, EXAMPLE_CONFIG, { enforceRecipeLock: false })).toThrow(
      /images\[0\]\.components\[2\]\.file: got "build.yml", which this image already uses/,
    );
  });

  it("refuses two documents with the same name in one image", () => {
    const dir = componentsDir();
    writeFileSync(join(dir, "copy.yml"), readFileSync(join(dir, "build.yml")));
    const raw = exampleRaw();
    raw.images[0].components.push({ file: "copy.yml" });
    expect(() => validateConfig(raw, EXAMPLE_CONFIG, { enforceRecipeLock: false, componentsDir: dir })).toThrow(
      /images\[0\]\.components\[2\]\.file: got "copy.yml", whose document is named "build" like build.yml/,
    );
  });

  it.each([
    ["an unknown action", "action: ExecuteBashTypo\n        inputs: { commands: [ls] }", 'got "ExecuteBashTypo", expected an AWSTOE action'],
    ["inputs that are not a map", "action: ExecuteBash\n        inputs: ls", 'got "ls", expected inputs as a map with commands'],
    ["an unknown input", "action: ExecuteBash\n        inputs: { commands: [ls], shell: zsh }", 'unknown input "shell"'],
  ])("refuses %s, naming the step", (_, step, expected) => {
    const dir = componentsDir();
    writeFileSync(join(dir, "build.yml"), `name: build\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Broken\n        ${step}\n`);
    expect(() => validateConfig(exampleRaw(), EXAMPLE_CONFIG, { enforceRecipeLock: false, componentsDir: dir })).toThrow(expected);
    expect(() => validateConfig(exampleRaw(), EXAMPLE_CONFIG, { enforceRecipeLock: false, componentsDir: dir })).toThrow('step "Broken"');
  });

  it("refuses a document over Image Builder's 16,000-character limit", () => {
    const dir = componentsDir();
    writeFileSync(join(dir, "build.yml"), `${readFileSync(join(dir, "build.yml"), "utf8")}\n# ${"x".repeat(16_000)}\n`);
    expect(() => validateConfig(exampleRaw(), EXAMPLE_CONFIG, { enforceRecipeLock: false, componentsDir: dir })).toThrow("expected at most 16000");
  });
});

describe("limits and hints", () => {
  describeRules([
    {
      rule: "a workload's resources carry at most 50 tags",
      bad: (c) => (c.workloads[0].tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`T${i}`, "v"]))),
      good: (c) => (c.workloads[0].tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`T${i}`, "v"]))),
      path: "workloads[0].tags",
      mentions: ["53 tags", "at most 50"],
    },
    {
      rule: "every AMI carries at most 50 tags",
      bad: (c) => (c.images[0].distribution.ami_tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`T${i}`, "v"]))),
      good: (c) => (c.images[0].distribution.ami_tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`T${i}`, "v"]))),
      path: "images[0].distribution.ami_tags",
      mentions: ["at most 50"],
    },
    {
      rule: "an unquoted account id with a leading zero keeps the quoting hint",
      bad: (c) => (c.workloads[0].account_id = 12345678901),
      good: (c) => c.workloads.forEach((w: RawConfig) => (w.account_id = "012345678901")),
      path: "workloads[0].account_id",
      mentions: ["12345678901", "dropping leading zeros", '"012345678901"', "quotes"],
    },
  ]);
});

describe("names two stacks could share", () => {
  it("keeps truncated target group names distinct with a hash of the whole name", () => {
    const a = boundedName("checkout-service-production-a-prod", 32);
    const b = boundedName("checkout-service-production-b-prod", 32);
    expect(a).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(boundedName("short-prod", 32)).toBe("short-prod");
  });

  it("gives blue/green workloads whose names share 30 characters their own target groups", () => {
    const raw = exampleRaw();
    const colour = { ami: { source: "latest" }, serves: ["production"], min_size: 1, max_size: 1 };
    for (const [i, name] of ["checkout-service-production-a", "checkout-service-production-b"].entries()) {
      Object.assign(raw.workloads[i], { name, publish_ami_parameter: false, ami: { source: "latest" }, blue_green: { blue: colour } });
    }
    const stacks = synthAll(raw);
    const names = (stack: string) => resourcesOf(stacks[stack], "aws_lb_target_group").map((g) => g.name as string);
    expect(names("checkout-service-production-a")).not.toEqual(expect.arrayContaining(names("checkout-service-production-b")));
    for (const name of [...names("checkout-service-production-a"), ...names("checkout-service-production-b")]) expect(name.length).toBeLessThanOrEqual(32);
  });

  it("refuses two workloads publishing one image's environment parameter in one account and region", () => {
    const raw = exampleRaw();
    raw.workloads[1] = { ...raw.workloads[1], environment: "staging", ami: { source: "latest" }, publish_ami_parameter: true };
    expect(() => validateConfig(raw, EXAMPLE_CONFIG, { enforceRecipeLock: false })).toThrow(
      /workloads\[1\]\.publish_ami_parameter: got true, but workloads\[0\] \(web-staging\) already publishes \/golden-ami\/sample\/staging/,
    );
  });

  it("checks every stack for AWS names claimed twice in one account and region, before synthesis", () => {
    const app = Testing.app();
    const stack = (id: string) => {
      const s = new TerraformStack(app, id);
      new AwsProvider(s, "aws", { region: "eu-west-1" });
      new SsmParameter(s, "p", { name: "/same/name", type: "String", value: "x" });
      return s;
    };
    const [a, b] = [stack("a"), stack("b")];
    expect(() => checkNameClaims([{ stack: a, accountId: "111122223333", region: "eu-west-1" }])).not.toThrow();
    expect(() =>
      checkNameClaims([
        { stack: a, accountId: "111122223333", region: "eu-west-1" },
        { stack: b, accountId: "111122223333", region: "eu-west-1" },
      ]),
    ).toThrow(/aws_ssm_parameter "\/same\/name": claimed by a \(a\/p\) and by b \(b\/p\) in account 111122223333, eu-west-1/);
    // Another account or region is another namespace.
    expect(() =>
      checkNameClaims([
        { stack: a, accountId: "111122223333", region: "eu-west-1" },
        { stack: b, accountId: "444455556666", region: "eu-west-1" },
      ]),
    ).not.toThrow();
  });
});
