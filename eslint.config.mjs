import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".cache/", ".gen/", ".venv/", "coverage/", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Provider classes come from their own module: the package root loads every AWS resource class.
      "no-restricted-imports": ["error", { paths: [{ name: "@cdktf/provider-aws", message: "Import from @cdktf/provider-aws/lib/<resource> instead." }] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Commands load their heavier dependencies (AWS SDK, cdktf, zod) with require() when they run, so that
    // starting the CLI, --help and `golden-ami plan` do not pay ~0.4 s for modules they never use.
    files: ["cli/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  prettier,
);
