// Policies as AWS receives them, for the independent IAM policy engine (tools/access/policy-engine.ts).

/**
 * A policy string from cdk.tf.json as AWS receives it after Terraform rendered it: the references
 * named in `values` replaced, `$${` and `%%{` unescaped. Any other reference left is an error: the
 * test would otherwise evaluate text AWS never sees.
 */
export function renderedByTerraform(text: string, values: Readonly<Record<string, string>>): string {
  const rendered = text.replace(/(\$\$\{)|\$\{([^}]+)\}/g, (whole, escaped: string | undefined, reference: string | undefined) => {
    if (escaped) return "\uE000{";
    if (reference !== undefined && Object.hasOwn(values, reference)) return values[reference];
    throw new Error(`unresolved Terraform reference ${whole} in a policy under test`);
  });
  return rendered.replace(/\uE000\{/g, "${").replace(/%%\{/g, "%{");
}

export { decide } from "../../tools/access/policy-engine";
export type { Call, Decision, Policies } from "../../tools/access/policy-engine";
