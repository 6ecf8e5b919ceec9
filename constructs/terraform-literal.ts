// Terraform evaluates "${…}" and "%{…}" inside every string of cdk.tf.json (JSON syntax strings are
// templates). Text from configuration files and documents is data: it reaches Terraform escaped.

/** `${` → `$${`, `%{` → `%%{`: Terraform reads the result back as the original text. */
export function terraformLiteral(text: string): string {
  // A function replacer: in a replacement string "$$" would mean one "$".
  return text.replace(/\$\{|%\{/g, (opening) => opening[0] + opening);
}

/** Every string in a value (map keys included), escaped; numbers, booleans and null unchanged. */
export function terraformLiterals<T>(value: T): T {
  if (typeof value === "string") return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => terraformLiterals(item)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [terraformLiteral(key), terraformLiterals(item)])) as T;
  }
  return value;
}
