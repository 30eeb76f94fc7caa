// Webhook destination: POST every event as JSON to settings.url, with the headers in settings.headers.
// Segment script style (no imports); runs unchanged in Segment's function editor.
// One request per event (no onBatch), so each event is retried or discarded on its own.
// With settings.sharedSecret, the body is signed like Segment's Webhooks destination:
// X-Signature = hex HMAC-SHA1(sharedSecret, body) (what destfn's own /webhook/<source> checks).
//
// Responses: 2xx => delivered (the body is the result); 408, 429, 5xx and network errors =>
// RetryError; 401, 403 and 404 => ValidationError; any other 4xx => InvalidEventPayload.

async function postEvent(event, settings) {
  const body = JSON.stringify(event);
  const headers = Object.assign({ 'Content-Type': 'application/json' }, settings.headers || {});
  if (settings.sharedSecret) {
    headers['X-Signature'] = crypto.createHmac('sha1', settings.sharedSecret).update(body).digest('hex');
  }

  let response;
  try {
    response = await fetch(settings.url, { method: 'POST', headers, body });
  } catch (error) {
    if (error.name === 'FetchError') throw new RetryError(error.message);
    throw error;
  }

  const text = await response.text();
  const status = response.status;
  if (response.ok) {
    try { return JSON.parse(text); } catch (e) { return text; }
  }

  const reason = `webhook responded ${status}: ${text.slice(0, 200)}`;
  if (status === 408 || status === 429 || status >= 500) throw new RetryError(reason);
  if (status === 401 || status === 403 || status === 404) throw new ValidationError(reason);
  if (status >= 400) throw new InvalidEventPayload(reason);
  throw new RetryError(reason);
}

async function onTrack(event, settings) { return postEvent(event, settings); }
async function onIdentify(event, settings) { return postEvent(event, settings); }
async function onPage(event, settings) { return postEvent(event, settings); }
async function onScreen(event, settings) { return postEvent(event, settings); }
async function onGroup(event, settings) { return postEvent(event, settings); }
async function onAlias(event, settings) { return postEvent(event, settings); }
async function onDelete(event, settings) { return postEvent(event, settings); }
