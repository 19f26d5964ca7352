package io.kwhisk.standalone;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code wsk} CLI's properties file ({@code APIHOST=...}, {@code AUTH=uuid:key}, {@code
 * NAMESPACE=...}), which OpenWhisk clients read through {@code WSK_CONFIG_FILE}. Written
 * owner-readable only: it holds a key.
 */
record WskProps(String apiHost, String auth, String namespace) {

  /** Never shows the key. */
  @Override
  public String toString() {
    return "WskProps[" + apiHost + ", " + namespace + "]";
  }

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

  /**
   * Writes the file through a sibling created owner-readable from the start (never readable by
   * others, not even between creation and a chmod), then moved into place.
   */
  void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] text =
        ("APIHOST=" + apiHost + "\nAUTH=" + auth + "\nNAMESPACE=" + namespace + "\n")
            .getBytes(StandardCharsets.UTF_8);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp); // a leftover may have other permissions: CREATE_NEW makes ours
    Set<StandardOpenOption> options =
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileAttribute<?>[] ownerOnly =
        file.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    try (SeekableByteChannel out = Files.newByteChannel(tmp, options, ownerOnly)) {
      out.write(ByteBuffer.wrap(text));
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
