package io.kwhisk.standalone;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A blackbox image whose runtime answers every {@code /run} with the {@code value} it was given,
 * whatever its JSON type (OpenWhisk's newer runtimes accept and return arrays). Built from the
 * local nodejs runtime image (its node binary), so no registry is needed.
 */
final class EchoRuntime {
  static final String IMAGE = "kwhisk-test/echo-runtime:latest";

  private static final String SERVER =
      """
      const http = require('http');
      const END = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
      http.createServer((req, res) => {
        let data = '';
        req.on('data', c => data += c);
        req.on('end', () => {
          let body = '{"ok":true}';
          if (req.url === '/run') {
            body = JSON.stringify(JSON.parse(data).value);
            process.stdout.write(END + '\\n');
            process.stderr.write(END + '\\n');
          }
          res.writeHead(200, {'Content-Type': 'application/json'});
          res.end(body);
        });
      }).listen(8080);
      """;

  private EchoRuntime() {}

  /** Builds the image (one file on top of the nodejs runtime image) and returns its name. */
  static String build(Path context) throws Exception {
    Files.writeString(context.resolve("server.js"), SERVER);
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM kwhisk/action-nodejs-v20:latest\n"
            + "COPY server.js /echo/server.js\nCMD [\"node\", \"/echo/server.js\"]\n");
    Process p =
        new ProcessBuilder("docker", "build", "-q", "-t", IMAGE, context.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IllegalStateException("docker build failed: " + out);
    return IMAGE;
  }
}
