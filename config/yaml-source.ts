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
  const duplicates = duplicateKeys(document, lineCounter);
  if (duplicates.length > 0) return { problems: duplicates };
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

function duplicateKeys(document: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = [];
  visit(document, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const range = (pair.key as { range?: [number, number, number] } | null)?.range;
        const line = range ? ` (line ${lineCounter.linePos(range[0]).line})` : "";
        problems.push({ path: `(yaml)${line}`, message: `key ${JSON.stringify(key)} appears twice in the same map; expected each key once` });
      }
    },
  });
  return problems;
}
