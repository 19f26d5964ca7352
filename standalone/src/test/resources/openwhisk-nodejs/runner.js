// Loads an action's code (JavaScript source, or a base64 zip unpacked below the temporary directory) and runs its
// entry point with the activation's parameters, a result or a promise of one.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

class Runner {
  init(code, main, binary) {
    return new Promise((resolve) => {
      this.main = binary ? this.fromZip(code, main) : this.fromSource(code, main);
      if (typeof this.main !== 'function') throw new Error("Action entrypoint '" + main + "' is not a function.");
      resolve();
    });
  }

  fromSource(code, main) {
    const module = { exports: {} };
    const load = new Function('exports', 'require', 'module', '__filename', '__dirname',
      code + '\n;return typeof ' + main + " === 'function' ? " + main + ' : module.exports[' + JSON.stringify(main)
        + '];');
    return load(module.exports, require, module, 'action.js', process.cwd());
  }

  fromZip(code, main) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-'));
    const archive = path.join(dir, 'action.zip');
    fs.writeFileSync(archive, Buffer.from(code, 'base64'));
    execFileSync('unzip', ['-qq', archive, '-d', dir]);
    return require(dir)[main];
  }

  run(args) {
    return new Promise((resolve) => resolve(this.main(args)));
  }
}

module.exports = Runner;
