#!/usr/bin/env node
// npx destfn …: loads the TypeScript CLI through tsx, so no build step is needed after `npm ci`.
require('tsx/cjs/api').register();
require('./destfn.ts');
