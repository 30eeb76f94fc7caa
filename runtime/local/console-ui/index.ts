/**
 * The dev console page (issue 12 §2): the HTML shell the engine serves at `GET /` and the script and style it
 * loads from `/console/app.js` and `/console/app.css`. The page itself (Preact + htm, under app/) talks to the
 * engine only through the console's HTTP API (/api/*, /api/stream).
 */
export { renderConsoleShell, type ConsoleShellOptions } from './shell';
export { consoleAssets, CONSOLE_ASSET_PATHS, type ConsoleAsset } from './assets';
