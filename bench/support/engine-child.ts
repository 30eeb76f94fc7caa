/**
 * The local engine in its own process for the benches (so the load generator and the sink do not share
 * its event loop): `node --import tsx bench/support/engine-child.ts <functionsDir> <dataDir>`.
 * Prints one JSON line {url, writeKey} when listening; stops (gracefully) when stdin closes or on SIGTERM.
 * To profile the engine: BENCH_ENGINE_PROF=<dir> in the bench's environment starts it with node --cpu-prof.
 */
import { startEngine } from '../../runtime/local/engine';

async function main(): Promise<void> {
  const [functionsDir, dataDir] = process.argv.slice(2);
  const engine = await startEngine({ functionsDir, dataDir, port: 0, host: '127.0.0.1', quiet: true, watch: false });
  process.stdout.write(`${JSON.stringify({ url: engine.url, writeKey: engine.writeKey })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await engine.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
