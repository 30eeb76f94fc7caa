/** With --aws, `fn` is expanded from the project's functions folder: a folder's deployed instances, else the name as given. */
import { projectTargetNames } from '../../runtime/cli/project-targets';
import { TmpFunctions } from '../runtime/support/tmp-function';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

test('a folder with instances stands for its deployed ones; a plain folder, an instance or an unknown name for itself', () => {
  tmp.folder({ 'index.js': 'async function onTrack() {}', 'function.json': { instances: { eu: {}, us: {}, lab: { deploy: false } } } }, 'shop');
  tmp.folder({ 'index.js': 'async function onTrack() {}' }, 'plain');
  tmp.folder({ 'index.js': 'async function onTrack() {}', 'function.json': { instances: { lab: { deploy: false } } } }, 'lab-only');
  expect(projectTargetNames('shop', tmp.root)).toEqual(['shop:eu', 'shop:us']);
  expect(projectTargetNames('shop:lab', tmp.root)).toEqual(['shop:lab']);
  expect(projectTargetNames('plain', tmp.root)).toEqual(['plain']);
  expect(projectTargetNames('elsewhere', tmp.root)).toEqual(['elsewhere']);
  expect(() => projectTargetNames('lab-only', tmp.root)).toThrow('function "lab-only" deploys none of its instances');
  expect(() => projectTargetNames('shop:', tmp.root)).toThrow('is not a function name');
});
