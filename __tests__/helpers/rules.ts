import { exampleRaw, problemsOf, RawConfig } from "./example";

export interface Rule {
  readonly rule: string;
  readonly bad: (c: RawConfig) => void;
  readonly good: (c: RawConfig) => void;
  /** Field path the problem must name. */
  readonly path: string;
  /** Text the message must contain: the bad value and what is expected. */
  readonly mentions: ReadonlyArray<string>;
}

/** One failing and one passing case per validation rule, each on a fresh copy of the example. */
export function describeRules(rules: ReadonlyArray<Rule>): void {
  describe.each(rules)("$rule", ({ bad, good, path, mentions }) => {
    it("throws naming the field, the value and what is expected", () => {
      const config = exampleRaw();
      bad(config);
      const problem = problemsOf(config).find((p) => p.path === path);
      expect(problem).toBeDefined();
      for (const text of mentions) expect(problem?.message).toContain(text);
    });

    it("passes with a valid value", () => {
      const config = exampleRaw();
      good(config);
      expect(problemsOf(config)).toEqual([]);
    });
  });
}
