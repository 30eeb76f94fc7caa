/**
 * The `_` global is built on first use (lodash costs ~20 ms of a cold start): a function that never touches
 * `_` never builds one, and one that does sees an ordinary global.
 */
import lodash from 'lodash';
import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';

const tmp = new TmpFunctions();
const runInContext = jest.spyOn(lodash, 'runInContext');
afterAll(() => { runInContext.mockRestore(); tmp.cleanup(); });
beforeEach(() => runInContext.mockClear());

async function result(code: string): Promise<unknown> {
  const outcome = await tmp.instance({ 'index.js': code }).invoke(track());
  if (outcome.status !== 'delivered') throw new Error(`${outcome.error?.name}: ${outcome.error?.message}`);
  return outcome.result;
}

describe('the lazy `_` global', () => {
  test('a function that never touches `_` never builds a lodash', async () => {
    expect(await result('async function onTrack(event) { return Object.keys(globalThis).includes("_"); }')).toBe(true);
    expect(runInContext).not.toHaveBeenCalled();
  });

  test('first use builds one private lodash, kept for later calls', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onTrack() { return [typeof _, _.chunk([1, 2, 3], 2), _ === globalThis._]; }' });
    expect((await instance.invoke(track())).result).toEqual(['function', [[1, 2], [3]], true]);
    expect((await instance.invoke(track())).result).toEqual(['function', [[1, 2], [3]], true]);
    expect(runInContext).toHaveBeenCalledTimes(1);
    // Once used, `_` is a plain data property of the function's global object.
    expect(await result('async function onTrack() { _.noop(); return Object.getOwnPropertyDescriptor(globalThis, "_").writable; }')).toBe(true);
  });

  test.each([
    ['assignment', '_ = 5;', '_', 5],
    ['var with a value', 'var _ = "mine";', '_', 'mine'],
    ['function declaration', 'function _() { return 1; }', '[typeof _, _()]', ['function', 1]],
    ['let declaration', 'let _ = 7;', '_', 7],
    ['delete', 'delete globalThis._;', 'typeof _', 'undefined'],
    ['var without a value keeps lodash', 'var _;', 'typeof _.map', 'function'],
  ])('a global like any other: %s', async (_name, prelude, expr, expected) => {
    expect(await result(`${prelude}\nasync function onTrack() { return (${expr}); }`)).toEqual(expected);
  });
});
