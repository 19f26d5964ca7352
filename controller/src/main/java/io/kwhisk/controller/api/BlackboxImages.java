package io.kwhisk.controller.api;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which images a blackbox action may run ({@code kwhisk.controller.blackbox.allow} and {@code
 * .deny}: image prefixes separated by commas), checked when an action is created or updated. An
 * image is allowed when it matches an {@code allow} prefix (any image when {@code allow} is empty)
 * and no {@code deny} prefix. A prefix matches whole path components: {@code kwhisk/controller}
 * matches {@code kwhisk/controller:1.0} and {@code kwhisk/controller@sha256:..} but not {@code
 * kwhisk/controllers}; {@code registry.example.com/} matches everything from that registry.
 * References are compared as Docker resolves them: {@code docker.io/} and {@code library/} are
 * implied.
 *
 * <p>By default the platform's own images are denied (an action running the invoker's image would
 * find the engine socket's group, Kafka's image the brokers' tools): kwhisk's service images and
 * the usual Kafka images. Image ids ({@code sha256:...} or 12 or more hex digits) are always
 * refused: they would name any image on the host, whatever its name.
 */
public record BlackboxImages(List<String> allow, List<String> deny) {
  public static final String ALLOW = "kwhisk.controller.blackbox.allow";
  public static final String DENY = "kwhisk.controller.blackbox.deny";
  public static final List<String> DEFAULT_DENY =
      List.of(
          "kwhisk/controller",
          "kwhisk/invoker",
          "kwhisk/kafka",
          "kwhisk/lb",
          "kwhisk/jre17",
          "kwhisk/debian-base",
          "apache/kafka",
          "apache/kafka-native",
          "bitnami/kafka",
          "confluentinc/",
          "wurstmeister/kafka");

  private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{12,64}");

  public BlackboxImages {
    allow = normalised(ALLOW, allow);
    deny = normalised(DENY, deny);
  }

  public static BlackboxImages from(ConfigSource config) {
    return new BlackboxImages(
        config.get(ALLOW).map(BlackboxImages::split).orElse(List.of()),
        config.get(DENY).map(BlackboxImages::split).orElse(DEFAULT_DENY));
  }

  /** Throws a 400 {@link ApiError} naming the image when a blackbox action may not run it. */
  void check(String image) {
    String ref = canonical(image);
    if (IMAGE_ID.matcher(ref).matches()) {
      throw ApiError.badRequest(
          "The image '" + image + "' is an image id; a blackbox action names its image.");
    }
    boolean allowed = allow.isEmpty() || allow.stream().anyMatch(p -> matches(p, ref));
    if (!allowed || deny.stream().anyMatch(p -> matches(p, ref))) {
      throw ApiError.badRequest(
          "The image '" + image + "' is not allowed for blackbox actions in this installation.");
    }
  }

  private static boolean matches(String prefix, String ref) {
    if (!ref.startsWith(prefix)) return false;
    if (ref.length() == prefix.length() || prefix.endsWith("/")) return true;
    char next = ref.charAt(prefix.length());
    return next == ':' || next == '@' || next == '/';
  }

  /**
   * The reference as Docker resolves it, without the implied default registry and {@code library/}.
   */
  static String canonical(String image) {
    String ref = image.trim().toLowerCase(Locale.ROOT);
    for (String registry : List.of("docker.io/", "index.docker.io/", "registry-1.docker.io/")) {
      if (ref.startsWith(registry)) ref = ref.substring(registry.length());
    }
    if (ref.startsWith("library/")) ref = ref.substring("library/".length());
    return ref;
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static List<String> normalised(String key, List<String> prefixes) {
    Objects.requireNonNull(prefixes, key + " should not be null");
    for (String p : prefixes) {
      if (p.isBlank() || p.contains(" "))
        throw new ConfigException(key, "expected image prefixes, got '" + p + "'");
    }
    return prefixes.stream().map(BlackboxImages::canonical).toList();
  }
}
