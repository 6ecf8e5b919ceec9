// Counted nouns and verbs in messages and reports, said once: "1 stack", "3 stacks", "moves"/"move".

/** `3 stacks`, `1 stack`; irregular plurals given. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The verb agreeing with a count: `agrees(1, "moves", "move")` is "moves". */
export function agrees(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
