// ESLint for every TypeScript workspace (sdk, app, cli, indexer, subgraph, scripts, tests).
// `npm run lint` runs it with --max-warnings 0, so a warning fails like an error.
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Casts that switch the type checker off. The source of app, cli, sdk and indexer may use them only with an
// `eslint-disable-next-line` that says why (a library's types that force one); tests may use them freely.
const castBans = [
  {
    selector: "TSAsExpression > TSNeverKeyword.typeAnnotation",
    message: "`as never` switches the type checker off: type the value instead.",
  },
  {
    selector: "TSAsExpression > TSAnyKeyword.typeAnnotation",
    message: "`as any` switches the type checker off: type the value instead.",
  },
  {
    selector:
      "TSAsExpression[expression.type='TSAsExpression'][expression.typeAnnotation.type='TSUnknownKeyword']",
    message: "`as unknown as` switches the type checker off: type the value instead.",
  },
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "artifacts/**",
      "cache/**",
      "coverage/**",
      "types/**",
      "bench/**",
      "app/dist/**",
      "indexer/.ponder/**",
      "indexer/generated/**",
      "indexer/ponder-env.d.ts",
      "subgraph/build/**",
      "subgraph/generated/**",
      // AssemblyScript, compiled by graph-cli: its types (i32, BigInt from graph-ts) are not TypeScript's.
      "subgraph/src/**",
      "sdk/src/generated/**",
      "ignition/deployments/**",
      "test/indexer/fixtures/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": ["error", ...castBans],
    },
  },
  {
    // Plain JavaScript run by Node (hooks, manifest rendering): Node's globals.
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["app/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    // Tests, benchmarks and scripts build odd values on purpose (malformed input, partial mocks).
    files: [
      "test/**/*.{ts,tsx}",
      "**/*.test.{ts,tsx}",
      "**/__tests__/**",
      "**/test/**",
      "scripts/**/*.ts",
      "app/src/test/**",
    ],
    rules: {
      "no-restricted-syntax": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
