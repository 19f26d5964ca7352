// The runtime's state machine: ready -> starting -> ready (initialised) -> running -> ready, and stopped for good
// after a failed /init or an action that threw: a stopped runtime answers /run with 403, as OpenWhisk's nodejs
// runtime does, so the platform must replace the container.
const Runner = require('../runner');

const END = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

function create() {
  let status = 'ready';
  let initialised = false;
  let runner;

  function answer(code, response) {
    return { code, response };
  }

  function markEnd() {
    console.log(END);
    console.error(END);
  }

  function init(body) {
    if (status !== 'ready' || initialised) {
      return Promise.reject(answer(403, { error: 'Internal system error: system not ready, status: ' + status }));
    }
    const value = body.value || {};
    if (typeof value.code !== 'string' || value.code === '') {
      return Promise.reject(answer(403, { error: 'Missing main/no code to execute.' }));
    }
    status = 'starting';
    Object.entries(value.env || {}).forEach(([k, v]) => { process.env[k] = String(v); });
    runner = new Runner();
    return runner.init(value.code, value.main || 'main', value.binary === true).then(
      () => {
        status = 'ready';
        initialised = true;
        return answer(200, { OK: true });
      },
      (error) => {
        console.error('Error during initialization:', error);
        markEnd();
        status = 'stopped';
        return Promise.reject(answer(502, { error: 'Initialization has failed due to: ' + (error.stack || error) }));
      });
  }

  function run(body) {
    if (status !== 'ready' || !initialised) {
      return Promise.reject(answer(403, { error: 'Internal system error: container not ready, status: ' + status }));
    }
    status = 'running';
    Object.keys(body).filter((k) => k !== 'value')
      .forEach((k) => { process.env['__OW_' + k.toUpperCase()] = String(body[k]); });
    return runner.run(body.value === undefined ? {} : body.value).then(
      (result) => {
        markEnd();
        status = 'ready';
        if (result === null || typeof result !== 'object') {
          return Promise.reject(answer(502, { error: 'The action did not return a dictionary or array.' }));
        }
        return answer(200, result);
      },
      (error) => {
        console.error(error);
        markEnd();
        status = 'stopped';
        return Promise.reject(answer(502, { error: 'An error has occurred: ' + error }));
      });
  }

  return { init, run };
}

module.exports = { create };
