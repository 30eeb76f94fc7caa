/** `destfn dev` reads its flags with the shared parser (runtime/cli/args.ts): bad flags print why and the usage, exit 1. */
import { main } from '../../runtime/cli/dev';
import { cli, destfn } from './support';

const USAGE = 'usage: destfn dev [--dir functionsDir] [--port 3000] [--data dataDir] [--host 127.0.0.1] [--token t] [--quiet] [--no-reload]\n';

test.each([
  [['--bogus'], "destfn dev: Unknown option '--bogus'\n"],
  [['extra'], "destfn dev: Unexpected argument 'extra'. This command does not take positional arguments\n"],
  [['--port'], "destfn dev: Option '--port <value>' argument missing\n"],
  [['--port', 'x'], 'destfn dev: --port must be a port number\n'],
  [['--port', '70000'], 'destfn dev: --port must be a port number\n'],
])('destfn dev %j', async (argv, message) => {
  expect(await cli(main, argv)).toEqual({ code: 1, out: '', err: `${message}${USAGE}` });
});

test.each([['dev', '--help'], ['deliveries', '-h'], ['pause', '--help']])('destfn %s %s prints the usage and exits 0', async (...args) => {
  const { code, stdout, stderr } = await destfn(args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(new RegExp(`^usage: destfn ${args[0]} `));
}, 60_000);
