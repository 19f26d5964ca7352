package io.kwhisk.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds an OpenWhisk Java action jar from source at test time: compiled against gson's {@code
 * JsonObject} (the signature OpenWhisk's Java runtime calls), returned base64-encoded as the
 * action's {@code exec.code}.
 */
final class JavaActionJar {
  private JavaActionJar() {}

  static String base64(Path workDir, String className, String source) throws IOException {
    Path src = workDir.resolve("src");
    Path classes = workDir.resolve("classes");
    Files.createDirectories(src);
    Files.createDirectories(classes);
    Path file = src.resolve(className + ".java");
    Files.writeString(file, source);
    String gson =
        Path.of(
                com.google.gson.JsonObject.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .getPath())
            .toString();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int rc =
        javac.run(
            null,
            null,
            errors,
            "--release",
            "17",
            "-cp",
            gson,
            "-d",
            classes.toString(),
            file.toString());
    if (rc != 0) throw new IllegalStateException("compiling the test action failed: " + errors);
    ByteArrayOutputStream jar = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(jar);
        Stream<Path> files = Files.walk(classes)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(p));
        out.closeEntry();
      }
    }
    return Base64.getEncoder().encodeToString(jar.toByteArray());
  }
}
