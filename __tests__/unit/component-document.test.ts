import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkComponentDocument } from "../../config/component-document";
import { COMPONENTS_DIR } from "../../config/load";

const valid = `
name: demo
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Hello
        action: ExecuteBash
        inputs:
          commands: [echo hello]
`;

describe("component documents", () => {
  it.each(readdirSync(COMPONENTS_DIR))("ships %s as a valid AWSTOE document", (file) => {
    expect(checkComponentDocument(file, readFileSync(join(COMPONENTS_DIR, file), "utf8")).problems).toEqual([]);
  });

  it("passes a minimal valid document", () => {
    expect(checkComponentDocument("demo.yml", valid)).toMatchObject({ problems: [], document: { name: "demo" } });
  });

  it("throws on YAML that does not parse, naming the file", () => {
    const [problem] = checkComponentDocument("broken.yml", "name: [unclosed").problems;
    expect(problem.path).toBe("broken.yml");
    expect(problem.message).toContain("is not valid YAML");
  });

  it("throws on a step without an action, naming the file and the step", () => {
    const [problem] = checkComponentDocument("demo.yml", valid.replace("        action: ExecuteBash\n", "")).problems;
    expect(problem.path).toBe('demo.yml: phases[0].steps[0] (step "Hello").action');
    expect(problem.message).toContain("AWSTOE action");
  });

  it("throws on a phase other than build, validate or test", () => {
    const [problem] = checkComponentDocument("demo.yml", valid.replace("name: build", "name: deploy")).problems;
    expect(problem.path).toBe("demo.yml: phases[0].name");
    expect(problem.message).toContain('got "deploy"');
  });

  it("throws on a missing name or schemaVersion", () => {
    const paths = checkComponentDocument("demo.yml", valid.replace("name: demo\n", "").replace("schemaVersion: 1.0\n", "schemaVersion: 2\n")).problems.map(
      (p) => p.path,
    );
    expect(paths).toEqual(["demo.yml: name", "demo.yml: schemaVersion"]);
  });

  it("throws on two steps with the same name in one phase", () => {
    const twice = valid + "      - name: Hello\n        action: ExecuteBash\n        inputs:\n          commands: [echo again]\n";
    expect(checkComponentDocument("demo.yml", twice).problems).toEqual([
      { path: 'demo.yml: phase "build"', message: expect.stringContaining('step name "Hello" is used twice') },
    ]);
  });
});
