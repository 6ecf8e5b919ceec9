import { Document, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { Problem } from "./problems";

/** Aliases a configuration may expand; a "billion laughs" file needs thousands. */
const MAX_ALIAS_EXPANSIONS = 100;

export interface YamlSource {
  readonly value: unknown;
  /** The line of a field path such as ["images", 0, "version"] (or of its nearest existing parent). */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

/**
 * Parses YAML text with the limits a file from a pull request needs: duplicate keys found in linear
 * time (the library's own check is quadratic in the size of a map), alias expansion bounded.
 */
export function parseYaml(text: string): { source: YamlSource } | { problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter });
  if (document.errors.length > 0) return { problems: document.errors.map((e) => ({ path: "(yaml)", message: e.message })) };
  const notData = [...unresolvedTags(document), ...keyProblems(document, lineCounter)];
  if (notData.length > 0) return { problems: notData };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    return {
      problems: [
        {
          path: "(yaml)",
          message: `aliases expand too far (${error instanceof Error ? error.message : String(error)}); expected at most ${MAX_ALIAS_EXPANSIONS} alias expansions`,
        },
      ],
    };
  }
  return {
    source: {
      value,
      lineOf: (path) => {
        for (let length = path.length; length >= 1; length--) {
          const node = document.getIn(path.slice(0, length) as unknown[], true) as { range?: [number, number, number] } | undefined;
          if (node && typeof node === "object" && node.range) return lineCounter.linePos(node.range[0]).line;
        }
        return undefined;
      },
    },
  };
}

/**
 * Tags YAML's core schema does not know (`!foo`, `!!js/function`): the library reads the value as a
 * plain string with a warning. A configuration is data; a tag that means something elsewhere is refused.
 */
function unresolvedTags(document: Document): Problem[] {
  return document.warnings
    .filter((warning) => warning.code === "TAG_RESOLVE_FAILED")
    .map((warning) => {
      const tag = (/Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? "?").replace(/^tag:yaml\.org,2002:/, "!!");
      const line = warning.linePos ? ` (line ${warning.linePos[0].line})` : "";
      return { path: `(yaml)${line}`, message: `has the tag ${tag}, which plain YAML data does not know; expected a value without a tag (remove ${tag})` };
    });
}

/**
 * Keys must be plain, unique and keep their name: a duplicate key is found in linear time (the
 * library's own check is quadratic in the size of a map); a mapping or sequence as a key would be
 * stringified; "__proto__" would be dropped by every JavaScript object it is copied into.
 */
function keyProblems(document: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = [];
  visit(document, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const range = (pair.key as { range?: [number, number, number] } | null)?.range;
        const at = `(yaml)${range ? ` (line ${lineCounter.linePos(range[0]).line})` : ""}`;
        if (pair.key !== null && !isScalar(pair.key)) {
          problems.push({ path: at, message: "has a mapping or sequence as a key; expected a plain key such as a name" });
          continue;
        }
        const key = String(isScalar(pair.key) ? pair.key.value : null);
        if (key === "__proto__") {
          problems.push({ path: at, message: 'has the key "__proto__", which JavaScript objects cannot hold as data; expected another name' });
          continue;
        }
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        problems.push({ path: at, message: `key ${JSON.stringify(key)} appears twice in the same map; expected each key once` });
      }
    },
  });
  return problems;
}
