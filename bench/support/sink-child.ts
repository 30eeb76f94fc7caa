/**
 * The bench sink (sink.ts) in a process of its own, so that its CPU is not the handlers'. Arg: <delay ms>.
 * Prints {"url","control"} when ready; GET on the control port answers {count, distinct, firstAt, lastAt}
 * (epoch ms) and peakInFlight and peakInFlight, POST zeroes them. Exits when stdin closes.
 */
import { startControlServer } from './control-server';
import { startSink } from './sink';

async function main(): Promise<void> {
  const sink = await startSink({ delayMs: Number(process.argv[2]) || 0 });
  const control = await startControlServer(
    () => ({ count: sink.count, distinct: sink.distinct, firstAt: sink.firstAt, lastAt: sink.lastAt, peakInFlight: sink.peakInFlight }),
    () => sink.reset(),
  );
  process.stdout.write(`${JSON.stringify({ url: sink.url, control: control.port })}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
