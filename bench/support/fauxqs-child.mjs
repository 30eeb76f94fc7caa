// fauxqs (SQS emulator, ESM-only) in its own process on a random port; prints {"port":…} when ready and
// exits when its parent closes stdin. For bench/aws-path.ts.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, logger: false });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
