/**
 * Secrets Manager has no local emulator: a real HTTP server on 127.0.0.1 answering GetSecretValue (JSON 1.1
 * protocol) from a map, reached through AWS_ENDPOINT_URL_SECRETS_MANAGER. Counts the calls.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecrets { endpoint: string; calls: number; close(): Promise<void> }

export async function startFakeSecrets(secrets: Record<string, Record<string, unknown>>): Promise<FakeSecrets> {
  const state = { calls: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.calls++;
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      const value = SecretId ? secrets[SecretId] : undefined;
      const body = value
        ? JSON.stringify({ ARN: SecretId, Name: SecretId, VersionId: 'v1', SecretString: JSON.stringify(value), VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 })
        : JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' });
      res.writeHead(value ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'bench' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() { return state.calls; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
