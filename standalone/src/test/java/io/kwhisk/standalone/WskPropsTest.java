package io.kwhisk.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(5)
class WskPropsTest {
  @TempDir Path dir;

  @Test
  void theFileIsOwnerReadableOnlyEvenOverAWorldReadableLeftoverAndReadsBack() throws Exception {
    Path file = dir.resolve("wskprops");
    Path leftover = dir.resolve("wskprops.tmp");
    Files.writeString(leftover, "AUTH=old:key\n");
    Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("rw-r--r--"));

    new WskProps("http://localhost:3233", "uuid:secret", "guest").write(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(leftover).doesNotExist();
    assertThat(WskProps.read(file))
        .contains(new WskProps("http://localhost:3233", "uuid:secret", "guest"));
  }
}
