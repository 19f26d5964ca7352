package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class BlackboxImagesTest {
  private static BlackboxImages of(Map<String, String> config) {
    return BlackboxImages.from(ConfigSource.of(config));
  }

  private static void refused(BlackboxImages images, String image) {
    assertThatThrownBy(() -> images.check(image))
        .isInstanceOf(ApiError.class)
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(((ApiError) e).status()).isEqualTo(400));
  }

  @Test
  void byDefaultAnyImageButThePlatformsOwnIsAllowedHoweverItIsSpelled() {
    BlackboxImages images = of(Map.of());
    assertThatCode(() -> images.check("openwhisk/dockerskeleton")).doesNotThrowAnyException();
    assertThatCode(() -> images.check("kwhisk/controllers:1"))
        .as("a whole component only")
        .doesNotThrowAnyException();
    assertThatCode(() -> images.check("kwhisk/action-nodejs-v20:latest"))
        .doesNotThrowAnyException();
    for (String image :
        new String[] {
          "kwhisk/invoker",
          "kwhisk/invoker:latest",
          "docker.io/kwhisk/invoker",
          "index.docker.io/kwhisk/lb:2",
          "KWHISK/KAFKA",
          "kwhisk/jre17@sha256:" + "1".repeat(64),
          "confluentinc/cp-kafka:7.6.0",
          "docker.io/apache/kafka:4.1.0"
        }) {
      refused(images, image);
    }
  }

  @Test
  void imageIdsAreAlwaysRefused() {
    BlackboxImages images = of(Map.of(BlackboxImages.DENY, "nothing/"));
    refused(images, "sha256:" + "a".repeat(64));
    refused(images, "4f2a9c01b3de");
  }

  @Test
  void anAllowListAdmitsOnlyItsRegistriesAndTheDenyListStillApplies() {
    BlackboxImages images =
        of(
            Map.of(
                BlackboxImages.ALLOW,
                "registry.example.com/, openwhisk/dockerskeleton",
                BlackboxImages.DENY,
                "registry.example.com/internal"));
    assertThatCode(() -> images.check("registry.example.com/team/app:1"))
        .doesNotThrowAnyException();
    assertThatCode(() -> images.check("openwhisk/dockerskeleton:1.14.0"))
        .doesNotThrowAnyException();
    refused(images, "openwhisk/action-nodejs-v20");
    refused(images, "evil.example.com/registry.example.com/app");
    refused(images, "registry.example.com/internal/secrets");
  }
}
