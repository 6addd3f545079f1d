// Starts the app without an inline script, so the page runs under
// `script-src 'self'`: Trunk writes the file names into <meta name="trunk-app">.
const app = document.querySelector('meta[name="trunk-app"]');
const start = await import(app.dataset.js);
await start.default({ module_or_path: app.dataset.wasm });
