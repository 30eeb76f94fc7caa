// Runs fauxqs (ESM-only, so outside jest's module system) on a random port; prints {"port":…} when ready.
// Exits when its parent closes stdin (test finished or crashed) or on SIGTERM.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, logger: false });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
