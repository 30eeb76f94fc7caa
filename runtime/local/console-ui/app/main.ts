/** Entry of /console/app.js: draws the console into the shell's #app. */
import { render } from 'preact';
import { html } from 'htm/preact';
import { App } from './app';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
