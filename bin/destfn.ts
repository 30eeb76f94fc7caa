/** The destfn CLI: `npx destfn <command> …`. Each command lives in runtime/cli/<command>.ts. */
type Command = { main(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Command> = {
  run: () => require('../runtime/cli/run'),
  new: () => require('../runtime/cli/new'),
  dev: () => require('../runtime/cli/dev'),
  deliveries: () => require('../runtime/cli/deliveries'),
  logs: () => require('../runtime/cli/logs'),
  replay: () => require('../runtime/cli/replay'),
  pause: () => require('../runtime/cli/pause'),
  resume: () => require('../runtime/cli/resume'),
  status: () => require('../runtime/cli/status'),
  rejected: () => require('../runtime/cli/rejected'),
  secrets: () => require('../runtime/cli/secrets'),
  versions: () => require('../runtime/cli/versions'),
  rollback: () => require('../runtime/cli/rollback'),
};

function usage(): string {
  const lines = Object.keys(commands).map((name) => {
    try { return `  ${name.padEnd(11)} ${commands[name]().summary}`; } catch { return `  ${name}`; }
  });
  return `usage: destfn <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    process.exitCode = name ? 0 : 1;
    return;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`destfn: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 1;
    return;
  }
  process.exitCode = await load().main(rest);
}

main().catch((err: unknown) => {
  process.stderr.write(`destfn: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
