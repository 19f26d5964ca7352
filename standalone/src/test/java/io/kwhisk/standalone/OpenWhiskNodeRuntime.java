package io.kwhisk.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A blackbox image of a runtime laid out as Apache OpenWhisk's nodejs action runtime is ({@code
 * app.js}, {@code src/service.js}, {@code runner.js} on express and body-parser, in {@code
 * /nodejsAction}, started as {@code node --expose-gc app.js}): the files are the test resources
 * under {@code openwhisk-nodejs/}, written for kwhisk (no OpenWhisk runtime package exists on npm);
 * the npm modules are installed on the host from the pinned lock file ({@code npm ci}: npm inside a
 * container may not get through TLS here) and copied in. Built FROM the project's nodejs runtime
 * image for its node binary and Debian base, so no registry is involved.
 */
final class OpenWhiskNodeRuntime {
  static final String IMAGE = "kwhisk-test/openwhisk-nodejs:latest";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "app.js", "runner.js", "src/service.js");

  private OpenWhiskNodeRuntime() {}

  static String build(Path context) throws Exception {
    for (String file : FILES) {
      Path target = context.resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in =
          OpenWhiskNodeRuntime.class.getResourceAsStream("/openwhisk-nodejs/" + file)) {
        if (in == null) throw new IOException("missing test resource openwhisk-nodejs/" + file);
        Files.copy(in, target);
      }
    }
    run(context, "npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline");
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM kwhisk/action-nodejs-v20:latest
        WORKDIR /nodejsAction
        COPY . /nodejsAction
        ENV NODE_PATH=
        CMD ["node", "--expose-gc", "app.js"]
        """);
    run(context, "docker", "build", "-q", "-t", IMAGE, context.toString());
    return IMAGE;
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0)
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
  }
}
