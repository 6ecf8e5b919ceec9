// The one path every value takes into the pull-request comment. Values come from plans, state and
// configuration that a pull request can change: none may add markup, close a fence, a table cell or
// a <details>, mention a person or team, or reorder text with direction controls.
import { SENSITIVE, UNKNOWN } from "./values";

/** Bidirectional and invisible formatting controls: shown as \u escapes, never applied (CVE-2021-42574). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** What the summarizer writes for a value it will not show: passed through as plain words. */
const DIGEST = /^\(\d+ bytes, sha256 [0-9a-f]{12}\)$/;

const showControls = (value: string) => value.replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Our own placeholders ("(sensitive)", "(known after apply)", a digest), which are shown as words. */
export function isPlaceholder(value: string): boolean {
  return value === SENSITIVE || value === UNKNOWN || DIGEST.test(value);
}

/**
 * A value as a code span: no backtick can end it, no pipe can split a table cell (GFM reads `\|` as
 * a pipe inside code), one line, at most `max` characters. Mentions and HTML are inert in code.
 */
export function inlineCode(value: string, max = Number.POSITIVE_INFINITY): string {
  const text = showControls(value.length > max ? `${value.slice(0, Math.max(0, max - 1))}…` : value)
    .replace(/`/g, "ˋ")
    .replace(/[\r\n]+/g, " ")
    .replace(/\|/g, "\\|");
  return `\`${text}\``;
}

/** A value as prose, mid-line: inline Markdown escaped, HTML as entities, mentions broken, one line. */
export function prose(value: string): string {
  return (
    showControls(value)
      .replace(/[\r\n]+/g, " ")
      .replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"))
      // Prose is always mid-line, so line-start markers (#, -, 1.) cannot start a block: only inline markup is escaped.
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/@(?=\w)/g, "@\u200b")
  );
}

/** Text in a fenced block whose fence is longer than any run of its character inside: it cannot be closed early. */
export function fenced(text: string, info = "text"): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/~+/g)].map((m) => m[0].length));
  const fence = "~".repeat(Math.max(4, longest + 1));
  return [`${fence}${info}`, showControls(text), fence];
}
