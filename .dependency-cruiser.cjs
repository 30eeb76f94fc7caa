// The dependency rules of docs/ARCHITECTURE.md ("Dependency rules"), checked by test/architecture.test.ts
// (part of npm test). Run by hand: npx depcruise runtime lib bin --output-type err
//
// Type-only imports are edges (tsPreCompilationDeps): a type names the module that owns the concept, so a cycle
// through a type is still two modules that cannot be read, moved or tested one without the other, even though
// esbuild and tsc erase it from the JavaScript.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles in runtime/, lib/, bin/ (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'runtime-not-to-lib',
      comment: 'runtime/ is what runs (locally and in the Lambdas); lib/ is the CDK app that deploys it. Shared names live in runtime/aws/contract.ts.',
      severity: 'error',
      from: { path: '^runtime/' },
      to: { path: '^lib/' },
    },
    {
      name: 'handlers-not-to-local-or-cli',
      comment: 'The Lambda handlers (and what they import, directly or not) stay out of the local engine and the CLI.',
      severity: 'error',
      from: { path: '^runtime/aws/[^/]+-handler\\.ts$' },
      to: { path: '^runtime/(local|cli)/', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(runtime|lib|bin)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
