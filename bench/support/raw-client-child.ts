/**
 * The raw node-fetch loop in a process of its own, as a function worker is: `lanes` loops POSTing one event each
 * to `url`. After a warm-up it prints {"phase":"start"}, then {"phase":"done","cpuMs":…,"ms":…} (its own CPU and
 * the time for `events` POSTs) and exits.
 *     node --import tsx raw-client-child.ts <url> <events> <lanes>
 */
import http from 'node:http';
import { benchEvent, inLanes, nodeFetchPost } from './bench-event';
import { now } from './sink';

const [url, eventsArg, lanesArg] = process.argv.slice(2);
const events = Number(eventsArg);
const lanes = Number(lanesArg);
const agent = new http.Agent({ keepAlive: true });

const run = (total: number, runId: string) => inLanes(total, lanes, () => nodeFetchPost(url, JSON.stringify(benchEvent(runId, now())), agent));

async function main(): Promise<void> {
  await run(lanes * 200, 'raw-warm'); // connections, JIT
  process.stdout.write(`${JSON.stringify({ phase: 'start' })}\n`);
  const cpu = process.cpuUsage();
  const started = now();
  await run(events, 'raw');
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ phase: 'done', cpuMs: (used.user + used.system) / 1000, ms: now() - started })}\n`);
  agent.destroy();
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
