import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';
import { startServer, type TestServer } from './support/http-server';
import { waitFor } from './support/wait-for';

const tmp = new TmpFunctions();
let hanging: TestServer;
let closedSockets = 0;
beforeAll(async () => {
  hanging = await startServer((_req, _res, raw) => { raw.socket.on('close', () => { closedSockets++; }); });
});
afterAll(async () => { await hanging.close(); tmp.cleanup(); });

test('the timeout aborts the hanging fetch of that event, and the instance keeps working', async () => {
  const instance = tmp.instance({
    'function.json': { timeoutSeconds: 0.2, settings: { url: { type: 'string' } } },
    'index.js': `
      var fetchFailures = [];
      async function onTrack(event, settings) {
        if (event.properties.hang) {
          try { await fetch(settings.url + '/never', { method: 'post', body: '{}' }); }
          catch (err) { fetchFailures.push(err.name); throw err; }
          return 'answered?';
        }
        return { failures: fetchFailures };
      }`,
  }, { url: hanging.url });

  const started = Date.now();
  const timedOut = await instance.invoke(track({ properties: { hang: true } }));
  expect(Date.now() - started).toBeLessThan(2000);
  expect(timedOut).toMatchObject({ status: 'retry', reason: 'timeout', error: { name: 'TimeoutError' } });
  expect(hanging.requests).toHaveLength(1);

  // The abort reached the in-flight request: the server sees the connection closed, the handler sees its fetch fail.
  await waitFor(() => closedSockets === 1);
  const after = await instance.invoke(track({ properties: { hang: false } }));
  expect(after).toMatchObject({ status: 'delivered', result: { failures: ['TimeoutError'] } });
});

test('a fetch started after the event timed out is aborted too', async () => {
  const instance = tmp.instance({
    'function.json': { timeoutSeconds: 0.05 },
    'index.js': `
      var late = 'pending';
      async function onTrack(event) {
        if (event.event === 'check') return late;
        await new Promise((r) => setTimeout(r, 120));
        try { await fetch('${hanging.url}/late'); late = 'fetched'; } catch (err) { late = err.name; }
      }`,
  });
  expect((await instance.invoke(track())).reason).toBe('timeout');
  await waitFor(async () => (await instance.invoke(track({ event: 'check' }))).result !== 'pending');
  expect((await instance.invoke(track({ event: 'check' }))).result).toBe('TimeoutError');
});

test('concurrent events: one timing out does not abort the other\'s fetch', async () => {
  const ok = await startServer();
  try {
    const instance = tmp.instance({
      'function.json': { timeoutSeconds: 1 },
      'index.js': `async function onTrack(event) {
        if (event.event === 'slow') return (await fetch('${hanging.url}/x')).status;
        await new Promise((r) => setTimeout(r, 100));
        return (await fetch('${ok.url}/y')).status;
      }`,
    });
    const [slow, fast] = await Promise.all([instance.invoke(track({ event: 'slow' })), instance.invoke(track({ event: 'fast' }))]);
    expect(slow.reason).toBe('timeout');
    expect(fast).toMatchObject({ status: 'delivered', result: 200 });
  } finally {
    await ok.close();
  }
});
