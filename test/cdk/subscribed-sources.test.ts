/** cdk synth refuses a deployed function whose `sources` names a source destfn.config.json does not declare. */
import { ALPHA, cleanUp, makeProject, synthProject } from './project';

afterAll(cleanUp);

test('a deployed function naming an undeclared source fails the synth, naming the function, the source and the fix', () => {
  expect(() => synthProject(makeProject([ALPHA], ['dev', 'hooks']), { cfnValidation: false })).toThrow(
    'function "alpha": "sources" names "web", not a source of this project (its sources: dev, hooks; declare sources in destfn.config.json, which the local engine reads when it starts)',
  );
});

test('with the source declared, the same project synthesizes', () => {
  const { stack } = synthProject(makeProject([ALPHA], ['dev', 'web']), { cfnValidation: false });
  expect(stack.functions.map((fn) => fn.name)).toEqual(['alpha']);
}, 60_000);
