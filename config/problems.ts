import { GoldenAmiError } from "../conventions/errors";
import { counted } from "./wording";

/** One thing wrong with the input: where, what was found, what was expected. */
export interface Problem {
  /** Field path such as `images[0].version`, or a file name for documents. */
  readonly path: string;
  readonly message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "");
}

export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Raised when the configuration or a document it names is invalid; lists every problem at once. */
export class ConfigError extends GoldenAmiError {
  constructor(
    readonly source: string,
    readonly problems: ReadonlyArray<Problem>,
  ) {
    super(`${source}: ${counted(problems.length, "problem")}\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`);
  }

  override summary(): string {
    return `invalid configuration, nothing done.\n${this.message}`;
  }
}

/** Words zod's type errors the way every other message reads: what was expected, and whether it was missing. */
export const zodMessages = (issue: { code?: string; expected?: string; input?: unknown; issues?: ReadonlyArray<{ message?: string }> }): string | undefined => {
  // A map key that fails its own rule: say which rule (zod's own text is "Invalid key in record").
  if (issue.code === "invalid_key") return issue.issues?.map((inner) => inner.message).join("; ") || undefined;
  if (issue.code !== "invalid_type") return undefined;
  return issue.input === undefined ? `expected ${issue.expected ?? "a value"} (required)` : `expected ${issue.expected}`;
};
