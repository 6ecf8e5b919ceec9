import { Problem } from "./problems";

// Terraform template interpolations `${name}`; `$${` is an escaped literal.
const INTERPOLATION = /(?<!\$)\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

/** Variables a template uses that the configuration does not define (Terraform would fail at plan). */
export function checkTemplateVariables(path: string, template: string, variables: Readonly<Record<string, string>>, templateFile: string): Problem[] {
  const used = new Set([...template.matchAll(INTERPOLATION)].map((match) => match[1]));
  return [...used]
    .filter((name) => !(name in variables))
    .map((name) => ({ path, message: `template ${templateFile} uses \${${name}}, expected a value for it in ${path}` }));
}
