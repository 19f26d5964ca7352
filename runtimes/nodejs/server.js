'use strict';
/*
 * kwhisk Node.js action runtime (OpenWhisk kind nodejs:20).
 *
 * Implements the OpenWhisk action-runtime protocol on 0.0.0.0:8080 using only
 * Node built-ins:
 *   POST /init {"value":{"name","main","code","binary","env"}}  -> 200 {"ok":true}
 *   POST /run  {"value":{...params} or [...], "activation_id", ...} -> 200 <result object or array>
 * Errors are answered as {"error": "..."} (see runtimes/README.md for codes).
 * After every activation the sentinel XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX
 * is written to stdout and stderr.
 *
 * Concurrent /run requests are always accepted (intra-container concurrency);
 * the platform decides how many it sends (__OW_ALLOW_CONCURRENT is informative).
 * Note: __OW_* environment variables are process wide, so with concurrent
 * activations they reflect the most recently started activation.
 */
const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const Module = require('module');
const { execFileSync } = require('child_process');

const PORT = Number(process.env.KWHISK_RUNTIME_PORT || 8080);
const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
const MAX_BODY = 64 * 1024 * 1024;

let action = null;        // the user's main function once initialized
let initializing = false;

function writeMarkers() {
  // console.* on pipes/files is synchronous in Node, so ordering is kept.
  process.stdout.write(SENTINEL + '\n');
  process.stderr.write(SENTINEL + '\n');
}

function reply(res, code, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('request body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      try { resolve(size ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}); } catch (e) { reject(e); }
    });
    req.on('error', reject);
  });
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

// Picks the function called `main` out of a loaded module.
function resolveMain(exported, main, fallback) {
  if (exported && typeof exported[main] === 'function') return exported[main];
  if (typeof fallback === 'function') return fallback;
  if (typeof exported === 'function' && main === 'main') return exported;
  throw new Error(`Action entrypoint '${main}' is not a function.`);
}

// Unpacks an action archive into dir: a zip, or a tar.gz (told apart by their first bytes).
function extract(bytes, dir) {
  const gzip = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const archive = path.join(dir, gzip ? 'action.tar.gz' : 'action.zip');
  fs.writeFileSync(archive, bytes);
  try {
    if (gzip) execFileSync('tar', ['-xzf', archive, '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    else execFileSync('unzip', ['-qq', '-o', archive, '-d', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error('Unable to unpack action archive: ' + String(e.stderr || e.message).trim());
  }
  fs.unlinkSync(archive);
}

// Loads the action; returns its main function.
function loadAction(value) {
  const main = typeof value.main === 'string' && value.main ? value.main : 'main';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-'));
  if (value.binary) {
    extract(Buffer.from(value.code, 'base64'), dir);
    // main as `file.func` (OpenWhisk): the module at that path in the archive, its export `func`.
    const split = /^(.*[^.])\.([^.]+)$/.exec(main);
    if (split) {
      const file = path.join(dir, split[1]);
      if (fs.existsSync(file) || fs.existsSync(file + '.js')) return resolveMain(require(file), split[2]);
    }
    if (!fs.existsSync(path.join(dir, 'package.json')) && !fs.existsSync(path.join(dir, 'index.js'))) {
      throw new Error('Zipped actions must contain either package.json or index.js at the root.');
    }
    return resolveMain(require(dir), main);
  }
  // Plain source: a script defining `function main(){}` and/or assigning exports.
  // The trailer captures a top-level function named like `main` for scripts
  // that do not use module.exports.
  const file = path.join(dir, 'index.js');
  new vm.Script(Module.wrap(value.code), { filename: file }); // precise SyntaxError for the user's code
  const trailer = IDENT.test(main)
    ? `\n;module.exports.__kwhisk_main__ = (typeof ${main} === 'function') ? ${main} : undefined;\n`
    : '\n';
  fs.writeFileSync(file, value.code + trailer);
  const exported = require(file);
  const fallback = exported && exported.__kwhisk_main__;
  if (exported) delete exported.__kwhisk_main__;
  return resolveMain(exported, main, fallback);
}

async function handleInit(req, res) {
  if (action || initializing) {
    return reply(res, 403, { error: 'Cannot initialize the action more than once.' });
  }
  initializing = true;
  let value;
  try {
    value = (await readJson(req)).value || {};
  } catch (e) {
    initializing = false;
    return reply(res, 400, { error: 'Invalid JSON in /init request: ' + e.message });
  }
  if (typeof value.code !== 'string' || value.code === '') {
    initializing = false;
    return reply(res, 500, { error: 'Missing main/no code to execute.' });
  }
  try {
    if (value.env && typeof value.env === 'object') {
      for (const [k, v] of Object.entries(value.env)) {
        process.env[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    action = loadAction(value);
    initializing = false;
    reply(res, 200, { ok: true });
  } catch (e) {
    // Stay uninitialized-but-busy: a failed container is discarded by the invoker.
    console.error('Initialization has failed:', e);
    writeMarkers();
    reply(res, 502, { error: 'Initialization has failed due to: ' + (e && e.stack ? e.stack : String(e)) });
  }
}

// A rejection as OpenWhisk's runtime reports it: nothing -> {}; an Error -> its name, message, stack and own
// enumerable properties; any other value as it is.
function serializeError(e) {
  if (e === undefined || e === null || e === false || e === 0 || e === '') return {};
  if (e instanceof Error) return Object.assign({ name: e.name, message: e.message, stack: e.stack }, e);
  return e;
}

async function handleRun(req, res) {
  if (!action) {
    return reply(res, 500, { error: 'Cannot invoke an uninitialized action.' });
  }
  let msg;
  try {
    msg = await readJson(req);
  } catch (e) {
    return reply(res, 400, { error: 'Invalid JSON in /run request: ' + e.message });
  }
  for (const [k, v] of Object.entries(msg)) {
    if (k === 'value') continue;
    process.env['__OW_' + k.toUpperCase()] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const params = msg.value && typeof msg.value === 'object' ? msg.value : {};

  let result;
  try {
    result = action(params);
  } catch (e) {
    console.error(e);
    writeMarkers();
    return reply(res, 502, { error: 'An error has occurred: ' + e });
  }
  if (result && typeof result.then === 'function') {
    try {
      result = await result;
    } catch (e) {
      // As in OpenWhisk: a rejected promise is an application error result.
      writeMarkers();
      return reply(res, 200, { error: serializeError(e) });
    }
  }
  writeMarkers();
  if (result === undefined || result === null) result = {};   // OpenWhisk treats "no result" as {}
  if (typeof result !== 'object') {   // objects and arrays are results, as in OpenWhisk's newer runtimes
    console.error(`Result must be of type object or array but has type "${typeof result}":`, result);
    return reply(res, 502, { error: 'The action did not return a dictionary or array.' });
  }
  let body;
  try { body = JSON.stringify(result); } catch (e) {
    return reply(res, 502, { error: 'The action result is not serializable: ' + e.message });
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url.split('?')[0];
  let handler = null;
  if (req.method === 'POST' && url === '/init') handler = handleInit;
  else if (req.method === 'POST' && url === '/run') handler = handleRun;
  else if (req.method === 'GET' && (url === '/' || url === '/ping')) return reply(res, 200, { ok: true });
  else return reply(res, 404, { error: `Unknown endpoint ${req.method} ${url}` });
  handler(req, res).catch((e) => {
    console.error('internal error', e);
    if (!res.headersSent) reply(res, 500, { error: 'Internal error: ' + e });
  });
});
server.timeout = 0;          // actions may run for minutes; the invoker enforces limits
server.requestTimeout = 0;
server.keepAliveTimeout = 60 * 1000;
server.listen(PORT, '0.0.0.0');

// A stray rejection or exception in user code must not kill the container.
process.on('unhandledRejection', (e) => console.error('Unhandled rejection:', e));
process.on('uncaughtException', (e) => console.error('Uncaught exception:', e));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
