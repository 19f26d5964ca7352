package io.kwhisk.perf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class WskpropsTest {
  @TempDir Path dir;

  @Test
  void aHostWithoutSchemeMeansHttpAndAMissingNamespaceIsTheKeysOwn() throws Exception {
    Path f = dir.resolve("wskprops");
    Files.writeString(f, "APIHOST=localhost:3233\nAUTH=u:k\n");
    assertThat(Wskprops.read(f)).isEqualTo(new Wskprops("http://localhost:3233", "u:k", "_"));
  }

  @Test
  void anExplicitSchemeAndNamespaceAreKept() throws Exception {
    Path f = dir.resolve("wskprops");
    Files.writeString(f, "APIHOST=https://example.org\nAUTH=u:k\nNAMESPACE=guest\n");
    assertThat(Wskprops.read(f)).isEqualTo(new Wskprops("https://example.org", "u:k", "guest"));
  }

  @Test
  void aFileWithoutAuthIsRejectedByName() throws Exception {
    Path f = dir.resolve("wskprops");
    Files.writeString(f, "APIHOST=localhost:3233\n");
    assertThatThrownBy(() -> Wskprops.read(f)).hasMessageContaining("APIHOST and AUTH");
  }
}
