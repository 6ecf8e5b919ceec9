import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

// The floors, lowest first: a file may import its own floor and those below, never one above, so
// shared vocabulary stays at the bottom and commands at the top (docs/architecture.md).
const FLOORS = ["conventions", "config", "constructs", "access", "stacks", "lib", "cli"];
const PROVIDER_ROOT = { name: "@cdktf/provider-aws", message: "Import from @cdktf/provider-aws/lib/<resource> instead." };
const floorRules = FLOORS.map((floor, rank) => {
  const above = FLOORS.slice(rank + 1);
  return {
    files: [`${floor}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [PROVIDER_ROOT],
          patterns: above.length
            ? [
                {
                  regex: `^(\\.\\./)+(${above.join("|")})(/|$)`,
                  message: `${floor}/ is below ${above.join(", ")}: a floor never imports one above it (docs/architecture.md).`,
                },
              ]
            : [],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".cache/", ".gen/", ".venv/", "coverage/", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Provider classes come from their own module: the package root loads every AWS resource class.
      "no-restricted-imports": ["error", { paths: [PROVIDER_ROOT] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Commands load their heavier dependencies (AWS SDK, cdktf, zod) with require() when they run, so that
    // starting the CLI, --help and `golden-ami plan` do not pay ~0.4 s for modules they never use.
    files: ["cli/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  ...floorRules,
  prettier,
);
