/** The console's HTML: a shell carrying the console token in a meta tag; the page is drawn by /console/app.js. */

export interface ConsoleShellOptions {
  /** The console token (kept in the data dir); the page sends it back as `x-destfn-token` on every POST. */
  token: string;
  title: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderConsoleShell({ token, title }: ConsoleShellOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="destfn-token" content="${escapeHtml(token)}">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
<script defer src="/console/app.js"></script>
</head><body>
<div id="app"><p class="boot">Loading the destfn console…</p>
<noscript><p>The destfn console needs JavaScript. <code>destfn deliveries</code>, <code>destfn logs</code> and <code>destfn replay</code> show the same from a terminal.</p></noscript></div>
</body></html>`;
}
