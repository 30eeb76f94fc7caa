/** dynalite (DynamoDB emulator, in memory) in its own process; prints {"endpoint"} when ready, exits when stdin closes. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;
const server = dynalite({ createTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
