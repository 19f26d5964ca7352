package io.kwhisk.controller.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class KeyHashTest {
  @Test
  void theRightKeyMatchesItsSaltedHashAndAWrongOneDoesNot() {
    String salt = KeyHash.newSalt();
    String key = KeyHash.newKey();
    String hash = KeyHash.hash(salt, key);
    assertThat(KeyHash.matches(salt, hash, key)).isTrue();
    assertThat(KeyHash.matches(salt, hash, key + "x")).isFalse();
    assertThat(hash).doesNotContain(key).hasSize(64);
  }

  @Test
  void equalKeysWithDifferentSaltsHashDifferently() {
    assertThat(KeyHash.hash(KeyHash.newSalt(), "k"))
        .isNotEqualTo(KeyHash.hash(KeyHash.newSalt(), "k"));
  }

  @Test
  void generatedKeysHaveOpenWhisksShape() {
    assertThat(KeyHash.newKey()).matches("[A-Za-z0-9]{64}");
  }

  @Test
  void basicHeaderParsesIntoUuidAndKey() {
    String header =
        "Basic "
            + Base64.getEncoder().encodeToString("u-1:se:cret".getBytes(StandardCharsets.UTF_8));
    assertThat(Credentials.fromBasicHeader(header)).contains(new Credentials("u-1", "se:cret"));
  }

  @Test
  void malformedHeadersAreRefused() {
    assertThat(Credentials.fromBasicHeader(null)).isEmpty();
    assertThat(Credentials.fromBasicHeader("Bearer abc")).isEmpty();
    assertThat(Credentials.fromBasicHeader("Basic !!!")).isEmpty();
    assertThat(
            Credentials.fromBasicHeader(
                "Basic " + Base64.getEncoder().encodeToString("nokey".getBytes())))
        .isEmpty();
    assertThat(
            Credentials.fromBasicHeader(
                "Basic " + Base64.getEncoder().encodeToString(":key".getBytes())))
        .isEmpty();
  }

  @Test
  void underscoreMeansTheCallersOwnNamespace() {
    Identity who = new Identity("guest", "u");
    assertThat(who.owns("_")).isTrue();
    assertThat(who.owns("guest")).isTrue();
    assertThat(who.owns("other")).isFalse();
    assertThat(who.resolve("_")).isEqualTo("guest");
  }
}
