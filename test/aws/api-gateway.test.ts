/** API Gateway HTTP API (v2) events → ingest requests, and the ingest Lambda's configuration. */
import { toIngestRequest } from '../../runtime/aws/api-gateway';
import { readIngestConfig } from '../../runtime/aws/ingest-config';
import { apiGatewayEvent } from './support/lambda';

describe('toIngestRequest', () => {
  it('takes method and raw path, lower-cases header names, decodes base64 bodies', () => {
    const req = toIngestRequest(apiGatewayEvent({
      path: '/v1/track', headers: { Authorization: 'Basic abc', 'Content-Type': 'application/json' }, body: '{"é":1}', base64: true,
    }));
    expect(req).toEqual({
      method: 'POST', path: '/v1/track',
      headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
      body: Buffer.from('{"é":1}'),
    });
  });

  it('gives an empty body when API Gateway sends none', () => {
    expect(toIngestRequest(apiGatewayEvent({ method: 'GET', path: '/v1/batch' })).body).toEqual(Buffer.alloc(0));
  });
});

describe('readIngestConfig', () => {
  it('reads DESTFN_FUNCTIONS and DESTFN_SOURCE_SECRETS (null = every source / no filter)', () => {
    const config = readIngestConfig({
      DESTFN_FUNCTIONS: JSON.stringify([
        { name: 'a', queueUrl: 'https://q/a', sources: null, filter: null },
        { name: 'b', queueUrl: 'https://q/b', sources: ['web'], filter: 'type = "track"' },
      ]),
      DESTFN_SOURCE_SECRETS: JSON.stringify({ web: 'arn:web' }),
    });
    expect(config).toEqual({
      functions: [{ name: 'a', queueUrl: 'https://q/a' }, { name: 'b', queueUrl: 'https://q/b', sources: ['web'], filter: 'type = "track"' }],
      sourceSecrets: { web: 'arn:web' },
    });
  });

  it('names the variable and the field that is wrong', () => {
    expect(() => readIngestConfig({ DESTFN_SOURCE_SECRETS: '{}' })).toThrow('environment variable DESTFN_FUNCTIONS is not set');
    expect(() => readIngestConfig({ DESTFN_FUNCTIONS: '[{"name":"a"}]', DESTFN_SOURCE_SECRETS: '{}' }))
      .toThrow('environment variable DESTFN_FUNCTIONS: 0.queueUrl');
  });
});
