import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".gen/", ".venv/", "coverage/", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Provider classes come from their own module: the package root loads every AWS resource class.
      "no-restricted-imports": ["error", { paths: [{ name: "@cdktf/provider-aws", message: "Import from @cdktf/provider-aws/lib/<resource> instead." }] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  prettier,
);
