package io.kwhisk.controller.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * OpenWhisk credentials, {@code uuid:key}, as given in clear to a client and in a Basic
 * authorization header.
 */
public record Credentials(String uuid, String key) {
  public Credentials {
    if (uuid == null || uuid.isEmpty() || uuid.contains(":"))
      throw new IllegalArgumentException("bad uuid");
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("bad key");
  }

  /** Parses {@code uuid:key}; empty when malformed. */
  public static Optional<Credentials> parse(String pair) {
    if (pair == null) return Optional.empty();
    int colon = pair.indexOf(':');
    if (colon <= 0 || colon == pair.length() - 1) return Optional.empty();
    return Optional.of(new Credentials(pair.substring(0, colon), pair.substring(colon + 1)));
  }

  /**
   * Parses an {@code Authorization: Basic base64(uuid:key)} header value; empty when absent or
   * malformed.
   */
  public static Optional<Credentials> fromBasicHeader(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return Optional.empty();
    try {
      byte[] decoded = Base64.getDecoder().decode(header.substring(6).trim());
      return parse(new String(decoded, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code uuid:key}, the form a client is given and sends: the key in clear, so never for a log.
   */
  public String pair() {
    return uuid + ":" + key;
  }

  /**
   * Never shows the key (records print their fields; these end up in log lines and exception
   * messages).
   */
  @Override
  public String toString() {
    return "Credentials[" + uuid + ":***]";
  }
}
