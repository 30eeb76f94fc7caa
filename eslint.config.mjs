// npm run lint. A small rule set kept clean (docs/ARCHITECTURE.md, "Checks"): ESLint's and typescript-eslint's
// recommended rules, minus two that fight how this code is written on purpose, plus a few that catch real
// mistakes, two of them type-aware (promises nobody awaits or catches). ~20 s on an idle 2-core machine,
// ~7 s of it without the type-aware rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.destfn/', 'bench/out/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { ignores: ['functions/**/*.js'], languageOptions: { globals: globals.node } },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Lazy require() is deliberate: a Lambda cold start or a CLI command loads a module only when it needs it.
      '@typescript-eslint/no-require-imports': 'off',
      // Dropping the caught error is sometimes the point: a JSON parse error quotes the file (a secret), an SDK
      // error its request. Each `throw new Error(…)` in a catch says what the user needs instead.
      'preserve-caught-error': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
    },
  },
  {
    // Type-aware (the TypeScript program of tsconfig.json): a promise dropped on the floor loses its rejection.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // runtime/ is what runs, locally and in the Lambdas; lib/ is the CDK app that deploys it. What both sides
    // need is in runtime/aws/contract.ts. (test/architecture.test.ts checks the same, transitively.)
    files: ['runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+lib(/|$)', message: 'runtime/ never imports lib/ (the CDK app): share names through runtime/aws/contract.ts.' }] }],
    },
  },
  {
    // Destination functions in Segment's script style: the sandbox's globals (runtime/sandbox/globals.ts), and
    // the top-level handlers (onTrack, onBatch…) are what the runtime calls, never referenced in the file.
    files: ['functions/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        ...globals.es2021,
        fetch: 'readonly', Request: 'readonly', Response: 'readonly', Headers: 'readonly', FormData: 'readonly', Blob: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', performance: 'readonly',
        atob: 'readonly', btoa: 'readonly', crypto: 'readonly', AWS: 'readonly', Buffer: 'readonly', console: 'readonly', _: 'writable',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', clearImmediate: 'readonly',
        EventNotSupported: 'readonly', InvalidEventPayload: 'readonly', ValidationError: 'readonly', RetryError: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { vars: 'local', caughtErrors: 'none' }] },
  },
  {
    // CommonJS entry points (bin/destfn.cjs, the worker bootstrap, the rehearsal's Lambda bootstrap).
    files: ['**/*.cjs', 'test/rehearsal/lambda/bootstrap.js', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
