// The one error base: every failure golden-ami explains to a person is a GoldenAmiError, printed by the
// CLI's top level (cli/program.ts runProgram) as `golden-ami: <summary>` with its exit code and no stack
// trace. Code between the thrower and the top level lets it pass; nothing re-wraps it to change the words.

/** Exit codes: 0 done, 1 the work failed, 2 the command line was wrong (as POSIX utilities do). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** The work was interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
export const EXIT_INTERRUPTED = 130;

export class GoldenAmiError extends Error {
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }

  /** What the CLI prints after `golden-ami: `: the message, unless a kind of error words it otherwise. */
  summary(): string {
    return this.message;
  }
}

/** Throws a UsageError naming every asked-for name that is not among the known ones (`what`: "stack", "image", ...). */
export function refuseUnknown(asked: ReadonlyArray<string>, known: ReadonlyArray<string>, what = "stack"): void {
  const unknown = asked.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown ${what} ${unknown.map((s) => `"${s}"`).join(", ")}; ${what}s are ${known.join(", ")}`);
}

/** The command line was wrong (a value no option takes, a missing variable): exit 2, as commander's own. */
export class UsageError extends GoldenAmiError {
  constructor(message: string) {
    super(message, { exitCode: EXIT_USAGE });
  }
}
