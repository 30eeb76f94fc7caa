// Google Cloud Function destination: POST every event as JSON to the function's HTTP trigger.
// Segment script style (no imports); runs unchanged in Segment's function editor.
//
// Responses: 2xx => delivered (the body is the result); 408, 429, 5xx and network errors =>
// RetryError; 401, 403 and 404 => ValidationError (bad key or trigger URL: fix the settings,
// retrying cannot help); 400, 422 and every other 4xx => InvalidEventPayload (never retried).

async function sendToCloudFunction(event, settings) {
  const headers = { 'Content-Type': 'application/json' };
  if (settings.apiKey) {
    headers.Authorization = `Basic ${btoa(settings.apiKey + ':')}`;
  }

  let response;
  try {
    response = await fetch(settings.httpTrigger, {
      method: 'POST',
      headers,
      body: JSON.stringify(event)
    });
  } catch (error) {
    if (error.name === 'FetchError') throw new RetryError(error.message);
    throw error;
  }

  const body = await response.text();
  const status = response.status;
  if (status >= 200 && status < 300) {
    const isJson = (response.headers.get('content-type') || '').includes('json');
    if (isJson && body) {
      try { return JSON.parse(body); } catch (e) { return body; }
    }
    return body;
  }

  const reason = `Cloud Function responded ${status} ${response.statusText}: ${body.slice(0, 200)}`;
  if (status === 408 || status === 429 || status >= 500) throw new RetryError(reason);
  if (status === 401 || status === 403 || status === 404) throw new ValidationError(reason);
  if (status >= 400) throw new InvalidEventPayload(reason);
  throw new RetryError(reason); // an unfollowed 1xx/3xx: try again later
}

async function onTrack(event, settings) { return sendToCloudFunction(event, settings); }
async function onIdentify(event, settings) { return sendToCloudFunction(event, settings); }
async function onPage(event, settings) { return sendToCloudFunction(event, settings); }
async function onScreen(event, settings) { return sendToCloudFunction(event, settings); }
async function onGroup(event, settings) { return sendToCloudFunction(event, settings); }
async function onAlias(event, settings) { return sendToCloudFunction(event, settings); }
async function onDelete(event, settings) { return sendToCloudFunction(event, settings); }
