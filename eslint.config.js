// ESLint (flat config) for the site's scripts and their node tests; `make test` runs it.
// The scripts are plain scripts served as they are (no bundler): ES2017, no modules.
"use strict";

const js = require("@eslint/js");

const readonly = (names) => Object.fromEntries(names.map((name) => [name, "readonly"]));

module.exports = [
  { ignores: ["node_modules/", "staticfiles/", ".venv/", "var/"] },
  {
    files: ["fristad/**/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      globals: {
        ...readonly(["window", "document", "location", "navigator", "history", "WebSocket",
          "TextEncoder", "TextDecoder", "btoa", "atob", "globalThis", "fetch", "Event", "CustomEvent",
          "URLSearchParams", "FristadDelivery"]),
        module: "readonly",  // delivery.js is a CommonJS module for node's tests too
      },
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      eqeqeq: "error",
      strict: ["error", "function"],
      "no-implicit-globals": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "commonjs",
      globals: readonly(["require", "module", "process", "Buffer", "setImmediate", "globalThis", "console"]),
    },
    rules: { ...js.configs.recommended.rules, eqeqeq: "error" },
  },
];
