package io.kwhisk.invoker;

import static io.kwhisk.invoker.ControllerDouble.docker;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A blackbox image whose runtime behaves as Apache's nodejs runtime does after a failure: the run
 * that fails answers 502, and from then on the runtime is "stopped" and answers every {@code /run}
 * with 403. Built from the local nodejs runtime image (its node binary), so no registry is needed.
 */
final class StoppingRuntime {
  static final String IMAGE = "kwhisk-test/stopping-runtime:latest";

  private static final String SERVER =
      """
      const http = require('http');
      let stopped = false;
      const END = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
      function answer(res, status, body) {
        process.stdout.write(END + '\\n');
        process.stderr.write(END + '\\n');
        res.writeHead(status, {'Content-Type': 'application/json'});
        res.end(JSON.stringify(body));
      }
      http.createServer((req, res) => {
        let data = '';
        req.on('data', c => data += c);
        req.on('end', () => {
          if (req.url === '/init') {
            res.writeHead(200, {'Content-Type': 'application/json'});
            return res.end('{"ok":true}');
          }
          if (stopped) return answer(res, 403, {error: 'System not ready, status is stopped.'});
          const value = JSON.parse(data).value || {};
          if (value.fail) {
            stopped = true;
            console.error('failing on purpose');
            return answer(res, 502, {error: 'An error has occurred: Error: failing on purpose'});
          }
          console.log('running');
          answer(res, 200, {ok: true});
        });
      }).listen(8080);
      """;

  private StoppingRuntime() {}

  /** Builds the image (quick: one file on top of the nodejs runtime image) and returns its name. */
  static String build(Path context) throws Exception {
    Files.writeString(context.resolve("server.js"), SERVER);
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM kwhisk/action-nodejs-v20:latest\n"
            + "COPY server.js /stopping/server.js\nCMD [\"node\", \"/stopping/server.js\"]\n");
    docker("build", "-q", "-t", IMAGE, context.toString());
    return IMAGE;
  }
}
