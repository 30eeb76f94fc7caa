// Microsoft Teams destination: post a card to a Teams incoming webhook (or a Teams Workflows
// "post to a channel when a webhook request is received" URL) for the track events listed in
// settings.events. Segment script style (no imports); runs unchanged in Segment's function editor.
//
// Other track events => EventNotSupported (recorded as discarded, not retried); other event
// types have no handler (EventNotSupported too) and function.json's filter keeps them away.
// Responses: 2xx => delivered; 408, 429, 5xx and network errors => RetryError; 401, 403 and
// 404 => ValidationError (check webhookUrl); any other 4xx => InvalidEventPayload.

const MAX_FACTS = 10;

function describeValue(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value).slice(0, 200);
  return String(value);
}

function buildCard(event) {
  const who = event.userId || event.anonymousId || 'anonymous';
  const properties = event.properties || {};
  const facts = Object.keys(properties).slice(0, MAX_FACTS).map((key) => ({ title: key, value: describeValue(properties[key]) }));
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: event.event, wrap: true },
          { type: 'TextBlock', isSubtle: true, spacing: 'None', wrap: true, text: `by ${who} at ${event.timestamp || event.receivedAt || 'unknown time'}` },
          { type: 'FactSet', facts }
        ]
      }
    }]
  };
}

async function onTrack(event, settings) {
  const wanted = settings.events || [];
  if (!wanted.includes(event.event)) {
    throw new EventNotSupported(`"${event.event}" is not one of settings.events`);
  }

  let response;
  try {
    response = await fetch(settings.webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(buildCard(event))
    });
  } catch (error) {
    if (error.name === 'FetchError') throw new RetryError(error.message);
    throw error;
  }

  const text = await response.text();
  const status = response.status;
  if (response.ok) return { status, body: text };

  const reason = `Teams responded ${status}: ${text.slice(0, 200)}`;
  if (status === 408 || status === 429 || status >= 500) throw new RetryError(reason);
  if (status === 401 || status === 403 || status === 404) throw new ValidationError(reason);
  throw new InvalidEventPayload(reason);
}
