#!/usr/bin/env node
// What `npm test` needs from the system besides Node and npm: Debian's Chromium (the analytics.js tests drive it
// through playwright-core, which downloads no browser) and `ps` (procps; the orphaned-worker tests). Run before the
// tests (npm's `pretest`): on Linux, whatever is missing is installed with apt-get when this runs as root (a fresh
// CI machine); otherwise it says what to install and stops.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const needed = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'procps', present: () => spawnSync('ps', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0 },
];

const missing = needed.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length === 0) process.exit(0);

const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!canInstall) {
  process.stderr.write(`npm test needs ${missing.join(' and ')}: install ${missing.length > 1 ? 'them' : 'it'} (Debian: sudo apt-get install -y ${missing.join(' ')}) and run it again\n`);
  process.exit(1);
}
process.stdout.write(`installing what the tests need: ${missing.join(', ')} (apt-get)\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
  const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (run.status !== 0) {
    process.stderr.write(`apt-get ${args.join(' ')} failed (exit ${run.status}): install ${missing.join(' ')} by hand and run npm test again\n`);
    process.exit(1);
  }
}
const still = needed.filter((n) => !n.present()).map((n) => n.pkg);
if (still.length > 0) {
  process.stderr.write(`still missing after apt-get: ${still.join(', ')}\n`);
  process.exit(1);
}
