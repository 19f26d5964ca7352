"""kwhisk Python action runtime (OpenWhisk kind python:3).

The OpenWhisk action-runtime protocol on 0.0.0.0:8080 with the standard library only:
  POST /init {"value":{"name","main","code","binary","env"}} -> 200 {"ok":true}
  POST /run  {"value":{...} or [...], "activation_id", ...}  -> 200 <result dict or list>
Errors are answered as {"error": "..."} (codes in runtimes/README.md). After every activation the sentinel
XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX is written to stdout and stderr. Activations run one at a time.

Code: a source file defining main(args) (or the function named by "main"), or a base64 zip ("binary") with
__main__.py at its root; the zip's directory is on sys.path, and a virtualenv/ in it is used as OpenWhisk does
(virtualenv/bin/activate_this.py executed when present, else its site-packages added).
"""
import base64
import glob
import io
import json
import os
import site
import sys
import tempfile
import traceback
import types
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer

SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX"
PORT = int(os.environ.get("KWHISK_RUNTIME_PORT", "8080"))

state = {"main": None, "init_started": False}


def markers():
    sys.stdout.write(SENTINEL + "\n")
    sys.stdout.flush()
    sys.stderr.write(SENTINEL + "\n")
    sys.stderr.flush()


def use_virtualenv(root):
    venv = os.path.join(root, "virtualenv")
    if not os.path.isdir(venv):
        return
    activate = os.path.join(venv, "bin", "activate_this.py")
    if os.path.isfile(activate):
        with open(activate) as f:
            exec(compile(f.read(), activate, "exec"), {"__file__": activate})
        return
    for packages in glob.glob(os.path.join(venv, "lib", "python3*", "site-packages")):
        site.addsitedir(packages)


def load(value):
    """Loads the action's code; returns its main function."""
    name = value.get("main") or "main"
    module = types.ModuleType("__main__")
    if value.get("binary"):
        root = tempfile.mkdtemp(prefix="action-")
        try:
            with zipfile.ZipFile(io.BytesIO(base64.b64decode(value["code"]))) as z:
                z.extractall(root)
        except (zipfile.BadZipFile, ValueError) as e:
            raise ValueError("Unable to unzip action archive: %s" % e)
        entry = os.path.join(root, "__main__.py")
        if not os.path.isfile(entry):
            raise ValueError("Zipped actions must contain __main__.py at the root.")
        use_virtualenv(root)
        sys.path.insert(0, root)
        with open(entry) as f:
            source = f.read()
        module.__file__ = entry
    else:
        source = value["code"]
        entry = "__main__.py"
    exec(compile(source, entry, "exec"), module.__dict__)
    main = module.__dict__.get(name)
    if not callable(main):
        raise ValueError("Action entrypoint '%s' is not a function." % name)
    return main


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as the invoker expects
    disable_nagle_algorithm = True  # headers and body are two writes: without it each /run waits ~40 ms

    def log_message(self, fmt, *args):  # no access log in the action's output
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        return json.loads(data) if data.strip() else {}

    def do_GET(self):
        if self.path.split("?")[0] in ("/", "/ping"):
            return self.reply(200, {"ok": True})
        self.reply(404, {"error": "Unknown endpoint GET %s" % self.path})

    def do_POST(self):
        path = self.path.split("?")[0]
        try:
            msg = self.body()
        except ValueError as e:
            return self.reply(400, {"error": "Invalid JSON in %s request: %s" % (path, e)})
        if path == "/init":
            return self.init(msg)
        if path == "/run":
            return self.run(msg)
        self.reply(404, {"error": "Unknown endpoint POST %s" % path})

    def init(self, msg):
        if state["init_started"]:
            return self.reply(403, {"error": "Cannot initialize the action more than once."})
        value = msg.get("value") or {}
        if not isinstance(value.get("code"), str) or value["code"] == "":
            return self.reply(500, {"error": "Missing main/no code to execute."})
        state["init_started"] = True   # a failed init leaves the container unusable, as in OpenWhisk
        try:
            for k, v in (value.get("env") or {}).items():
                os.environ[k] = v if isinstance(v, str) else json.dumps(v)
            state["main"] = load(value)
            self.reply(200, {"ok": True})
        except BaseException as e:
            traceback.print_exc()
            markers()
            self.reply(502, {"error": "Initialization has failed due to: %s" % e})

    def run(self, msg):
        main = state["main"]
        if main is None:
            return self.reply(500, {"error": "Cannot invoke an uninitialized action."})
        for k, v in msg.items():
            if k != "value":
                os.environ["__OW_" + k.upper()] = v if isinstance(v, str) else json.dumps(v)
        params = msg.get("value")
        if not isinstance(params, (dict, list)):
            params = {}
        try:
            result = main(params)
        except BaseException as e:
            traceback.print_exc()
            markers()
            return self.reply(502, {"error": "An error has occurred: %r" % e})
        markers()
        if not isinstance(result, (dict, list)):
            print("Result must be a dictionary or a list but has type %s: %r" % (type(result).__name__, result),
                  file=sys.stderr)
            return self.reply(502, {"error": "The action did not return a dictionary or array."})
        try:
            self.reply(200, result)
        except (TypeError, ValueError) as e:
            self.reply(502, {"error": "The action result is not serializable: %s" % e})


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
