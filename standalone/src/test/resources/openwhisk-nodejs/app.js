// The entry point of an action runtime laid out as Apache OpenWhisk's nodejs runtime is (app.js, src/service.js,
// runner.js, on express and body-parser): /init and /run with OpenWhisk's status codes. kwhisk's tests run it as a
// blackbox image to check that such a runtime works unchanged. Written for kwhisk, not copied from OpenWhisk.
const express = require('express');
const bodyParser = require('body-parser');
const service = require('./src/service').create({ port: 8080 });

const app = express();
app.use(bodyParser.json({ limit: '48mb' }));
app.post('/init', endpoint(service.init));
app.post('/run', endpoint(service.run));
// Unknown routes and bodies that are not JSON: a JSON error, never express's HTML page.
app.use((req, res) => res.status(500).json({ error: 'Bad request.' }));
app.use((err, req, res, next) => res.status(500).json({ error: 'Bad request.' }));

const server = app.listen(8080);
server.timeout = 0; // the invoker enforces the action's time limit

// An endpoint returns a promise of {code, response}, fulfilled or rejected alike.
function endpoint(handler) {
  return (req, res) => {
    Promise.resolve()
      .then(() => handler(req.body || {}))
      .then(
        (out) => res.status(out.code).json(out.response),
        (out) => {
          if (out && typeof out.code === 'number') res.status(out.code).json(out.response);
          else res.status(500).json({ error: 'Internal error.' });
        });
  };
}
