import { atob, btoa } from '../../runtime/sandbox/base64';
import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';

describe('btoa (Segment-compatible)', () => {
  test('ASCII, and the Basic auth form used by Segment functions', () => {
    expect(btoa('hello')).toBe('aGVsbG8=');
    expect(btoa('sk_live_123:')).toBe(Buffer.from('sk_live_123:').toString('base64'));
  });

  test('non-string input is converted with String() like a browser', () => {
    expect(btoa(undefined)).toBe('dW5kZWZpbmVk'); // btoa('undefined')
    expect(btoa()).toBe('dW5kZWZpbmVk');
    expect(btoa(null)).toBe('bnVsbA==');
    expect(btoa(123)).toBe('MTIz');
    expect(btoa({})).toBe(btoa('[object Object]'));
  });

  test('binary (Latin-1) strings encode one byte per character, like a browser', () => {
    expect(btoa('\xff\xfe\x00\x80')).toBe('//4AgA==');
    expect(btoa('é')).toBe('6Q=='); // 0xE9, not UTF-8 (w6k=)
    expect(atob(btoa('\x00\x01\xfe\xff'))).toBe('\x00\x01\xfe\xff');
  });

  test('characters above 0xFF are encoded as UTF-8 instead of throwing', () => {
    expect(btoa('€uro')).toBe(Buffer.from('€uro', 'utf8').toString('base64'));
    expect(() => btoa('🔑:')).not.toThrow();
  });

  test('bytes (Buffer, Uint8Array) are encoded as bytes', () => {
    expect(btoa(Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe('3q2+7w==');
    expect(btoa(new Uint8Array([104, 105]))).toBe('aGk=');
  });

  test('atob returns a binary string and is lenient with whitespace', () => {
    expect(atob('aGVs bG8=\n')).toBe('hello');
    expect(atob('6Q==')).toBe('\xe9');
  });
});

describe('btoa/atob from function code', () => {
  const tmp = new TmpFunctions();
  afterAll(() => tmp.cleanup());

  test('same results inside the sandbox, incl. typed arrays of the function realm', async () => {
    const instance = tmp.instance({
      'index.js': `async function onTrack() {
        return [btoa(undefined), btoa('\\xff'), btoa('€'), btoa(new Uint8Array([104, 105])), atob(btoa('a:b'))];
      }`,
    });
    expect((await instance.invoke(track())).result).toEqual(['dW5kZWZpbmVk', '/w==', '4oKs', 'aGk=', 'a:b']);
  });
});
