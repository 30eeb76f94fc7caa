/**
 * The metering proxies (aws-meter.ts) in their own process, so that the CPU they spend parsing every call is not
 * counted as the handlers'. Args: <fauxqs port> <dynalite port>. Prints {"sqsPort","dynamoPort"} when ready;
 * `GET /__meter` on either port answers both counts, `POST /__meter/reset` zeroes them. Exits when stdin closes.
 */
import { DELIVERY_INDEXES } from '../../runtime/aws/contract';
import { startDynamoMeter, startSqsMeter, type Meter } from './aws-meter';

async function main(): Promise<void> {
  const [fauxqsPort, dynalitePort] = process.argv.slice(2).map(Number);
  const meters: Array<Meter<unknown>> = [];
  const control = {
    counts: () => JSON.stringify({
      sqs: { calls: [...sqs.counts.calls], units: [...sqs.counts.units], payloadBytes: sqs.counts.payloadBytes },
      dynamo: { calls: [...dynamo.counts.calls], rru: dynamo.counts.rru, wru: dynamo.counts.wru, indexWru: [...dynamo.counts.indexWru] },
    }),
    reset: () => { for (const m of meters) m.reset(); },
  };
  const sqs = await startSqsMeter(fauxqsPort, undefined, control);
  const dynamo = await startDynamoMeter(dynalitePort, DELIVERY_INDEXES, control);
  meters.push(sqs, dynamo);
  process.stdout.write(`${JSON.stringify({ sqsPort: sqs.port, dynamoPort: dynamo.port })}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
