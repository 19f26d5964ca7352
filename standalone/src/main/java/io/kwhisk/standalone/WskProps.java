package io.kwhisk.standalone;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code wsk} CLI's properties file ({@code APIHOST=...}, {@code AUTH=uuid:key}, {@code NAMESPACE=...}), which
 * OpenWhisk clients read through {@code WSK_CONFIG_FILE}. Written owner-readable only: it holds a key.
 */
record WskProps(String apiHost, String auth, String namespace) {

  static Optional<WskProps> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) return Optional.empty();
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String auth = p.getProperty("AUTH");
    if (auth == null || !auth.contains(":")) return Optional.empty();
    return Optional.of(new WskProps(p.getProperty("APIHOST"), auth, p.getProperty("NAMESPACE")));
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    String text = "APIHOST=" + apiHost + "\nAUTH=" + auth + "\nNAMESPACE=" + namespace + "\n";
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Best effort on file systems without POSIX permissions.
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
