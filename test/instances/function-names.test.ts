/** `fn` addresses a folder's every instance, `fn:eu` one; names and record key prefixes never overlap. */
import { isAddressedBy, parseFunctionName, resolveFunctionTarget } from '../../runtime/function/names';
import { recordKeyPrefix } from '../../runtime/aws/contract';

test('parseFunctionName splits <folder>:<instance> and refuses anything else', () => {
  expect(parseFunctionName('shop')).toEqual({ folder: 'shop', instance: null });
  expect(parseFunctionName('shop:eu')).toEqual({ folder: 'shop', instance: 'eu' });
  for (const bad of ['shop:', ':eu', 'shop:eu:x', 'shop#1', 'sh op', '']) {
    expect(() => parseFunctionName(bad)).toThrow(/is not a function name/);
  }
});

test('a folder name addresses itself and its instances; an instance name only itself', () => {
  const running = ['fn', 'fn2', 'fn:eu', 'fn:eu2', 'fn-x:eu', 'other:eu'];
  expect(running.filter((n) => isAddressedBy('fn', n))).toEqual(['fn', 'fn:eu', 'fn:eu2']);
  expect(running.filter((n) => isAddressedBy('fn:eu', n))).toEqual(['fn:eu']);
  expect(running.filter((n) => isAddressedBy('fn2', n))).toEqual(['fn2']);
});

test('resolveFunctionTarget lists the known functions when none matches', () => {
  expect(resolveFunctionTarget('fn', ['fn:eu', 'fn:us', 'x'], 'in .destfn')).toEqual(['fn:eu', 'fn:us']);
  expect(() => resolveFunctionTarget('fn:asia', ['fn:eu', 'fn:us'], 'in .destfn'))
    .toThrow('no function "fn:asia" in .destfn; the functions are: fn:eu, fn:us');
});

test('record key prefixes (IAM LeadingKeys) of different functions never match each other\'s keys', () => {
  const names = ['fn', 'fn2', 'fn:eu', 'fn:eu2', 'fn-eu'];
  for (const a of names) {
    for (const b of names) {
      if (a !== b) expect(`${recordKeyPrefix(b)}msg-1`.startsWith(recordKeyPrefix(a))).toBe(false);
    }
  }
});
