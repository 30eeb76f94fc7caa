/**
 * defineFunction's typing. The type assertions here are checked by `npx tsc --noEmit`
 * (ts-jest runs isolated, without type checks); jest checks the runtime identity.
 */
import { defineFunction, type SettingsOf } from '../../runtime/api/define-function';
import * as api from '../../runtime/api/index';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- a value only for its literal type (SettingsOf<typeof declared>)
const declared = {
  url: { type: 'string', required: true },
  channel: { type: 'string', default: 'general' },
  verbose: { type: 'boolean' },
  events: { type: 'array' },
  headers: { type: 'map', secret: true },
} as const;

test('settings types follow the declarations (required/default → present; apiKey by default)', () => {
  type S = SettingsOf<typeof declared>;
  assertType<Equals<S['url'], string>>();
  assertType<Equals<S['channel'], string>>();
  assertType<Equals<S['verbose'], boolean | undefined>>();
  assertType<Equals<S['events'], string[] | undefined>>();
  assertType<Equals<S['headers'], Record<string, string> | undefined>>();
  assertType<Equals<S['apiKey'], string | undefined>>();
});

test('handlers get typed events and settings; defineFunction returns its input', () => {
  const definition = defineFunction({
    settings: { url: { type: 'string', required: true }, events: { type: 'array' } },
    async onTrack(event, settings) {
      const name: string = event.event;
      const url: string = settings.url;
      // @ts-expect-error settings are typed (not any): url is a string
      const wrong: number = settings.url;
      // @ts-expect-error optional array setting may be undefined
      settings.events.includes(name);
      return { name, url, wrong };
    },
    onGroup(event) {
      const groupId: string = event.groupId;
      // @ts-expect-error a group event has no `event: string`
      const name: string = event.event;
      return name ?? groupId;
    },
  });
  expect(typeof definition.onTrack).toBe('function');
  expect(defineFunction(definition)).toBe(definition);
});

test("'destfn' exports the error classes and defineFunction", () => {
  expect(Object.keys(api).sort()).toEqual(['EventNotSupported', 'InvalidEventPayload', 'RetryError', 'ValidationError', 'defineFunction']);
  expect(new api.RetryError('x')).toBeInstanceOf(Error);
});
