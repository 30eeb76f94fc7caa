/** A destfn project with N deployable copies of the webhook example (functions/webhook), for scale tests and benches. */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const WEBHOOK = resolve(__dirname, '..', '..', '..', 'functions', 'webhook');

/** Writes destfn.config.json (3 sources) and functions/webhook-001 … webhook-<n>, each with its own subscription and filter. */
export function writeWebhookCopies(dir: string, n: number): void {
  writeFileSync(join(dir, 'destfn.config.json'), JSON.stringify({ sources: { web: {}, hooks: {}, 'mobile-app': {} } }));
  const config = JSON.parse(readFileSync(join(WEBHOOK, 'function.json'), 'utf8')) as Record<string, unknown>;
  delete config.deploy; // the example is local only
  for (let i = 1; i <= n; i++) {
    const name = `webhook-${String(i).padStart(3, '0')}`;
    const fnDir = join(dir, 'functions', name);
    mkdirSync(fnDir, { recursive: true });
    cpSync(join(WEBHOOK, 'index.js'), join(fnDir, 'index.js'));
    // Subscriptions and filters as a real project has them, so that the routing table is not trivially small.
    writeFileSync(join(fnDir, 'function.json'), JSON.stringify({ ...config, sources: ['web', 'mobile-app'], filter: `type = "track" and event = "Order Completed ${i}"` }));
    writeFileSync(join(fnDir, 'settings.json'), JSON.stringify({ url: `https://hooks.example.com/destfn/${name}`, headers: { 'x-destfn-function': name } }));
  }
}
