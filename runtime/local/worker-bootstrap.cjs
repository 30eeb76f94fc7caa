// Worker process entry without the bundle: workers start with a bare Node loader (neither ts-jest's nor the CLI's),
// so register tsx here and load the TypeScript worker.
require('tsx/cjs/api').register();
require('./worker-main.ts');
