import { Problem } from "./problems";

// Terraform's templatefile() evaluates every `${…}` and `%{…}` in a template as an expression, with
// Terraform's functions: `${file("/etc/passwd")}` would read the CI runner's files into user_data (and
// the plan). A template is data from the configuration's owners, so it may only name its declared
// variables: `${name}`, and the directives `%{ if name }` (a "true"/"false" value), `%{ else }`,
// `%{ endif }`, with or without `~` strip markers. `$${` and `%%{` are literal text. https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates

const IDENT = "[A-Za-z_][A-Za-z0-9_-]*";
const INTERPOLATION = new RegExp(`^~?\\s*(${IDENT})\\s*~?$`);
const IF = new RegExp(`^~?\\s*if\\s+!?\\s*(${IDENT})\\s*~?$`);
const ELSE_ENDIF = /^~?\s*(else|endif)\s*~?$/;

/**
 * Problems with a user-data template: any expression that is not a declared variable (functions,
 * operators, attribute access), and any variable the configuration does not define.
 */
export function checkTemplateVariables(path: string, template: string, variables: Readonly<Record<string, string>>, templateFile: string): Problem[] {
  const problems: Problem[] = [];
  const used = new Set<string>();
  const lineOf = (offset: number) => template.slice(0, offset).split("\n").length;
  // `$${` and `%%{` are escapes for literal text; anything else that opens `${` or `%{` is evaluated.
  const opener = /(\$\$|%%)\{|([$%])\{/g;
  for (let match = opener.exec(template); match; match = opener.exec(template)) {
    if (match[1]) continue;
    const start = match.index;
    const close = template.indexOf("}", start + 2);
    const body = close < 0 ? template.slice(start + 2) : template.slice(start + 2, close);
    const shown = close < 0 ? `${template.slice(start, start + 40)}…` : template.slice(start, close + 1);
    const refuse = (why: string) =>
      problems.push({
        path,
        message: `template ${templateFile} line ${lineOf(start)}: ${JSON.stringify(shown)} ${why}; write $${"{"} or %%{ for literal text`,
      });
    if (close < 0 || body.includes("{") || body.includes("\n")) {
      refuse("is not a simple reference (unclosed or nested); templates may only name their declared variables");
      continue;
    }
    if (match[2] === "$") {
      const name = INTERPOLATION.exec(body)?.[1];
      if (name === undefined) refuse("is an expression; templates may only name their declared variables, as ${name}");
      else used.add(name);
    } else {
      const condition = IF.exec(body)?.[1];
      if (condition !== undefined) used.add(condition);
      else if (!ELSE_ENDIF.test(body)) refuse("is not an allowed directive (if, else, endif on a declared variable)");
    }
    opener.lastIndex = close < 0 ? template.length : close + 1;
  }
  for (const name of used) {
    if (!Object.hasOwn(variables, name)) problems.push({ path, message: `template ${templateFile} uses \${${name}}, expected a value for it in ${path}` });
  }
  return problems;
}
