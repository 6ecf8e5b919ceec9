import { createHash } from "node:crypto";

/**
 * `name` if it fits AWS's length limit, else its beginning and a hash of the whole name, so two long
 * names that share a beginning never become the same AWS name.
 */
export function boundedName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
