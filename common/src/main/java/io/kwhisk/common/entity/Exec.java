package io.kwhisk.common.entity;

/**
 * What runs an action, in OpenWhisk's shape: a runtime {@code kind} (for example {@code nodejs:20}, {@code java:17}
 * or {@code blackbox}), the code (source text, or base64 when {@code binary}), the entry point {@code main}, and for
 * {@code blackbox} the Docker {@code image}.
 */
public record Exec(String kind, String code, String main, boolean binary, String image) {
  public static final String BLACKBOX = "blackbox";

  public boolean isBlackbox() {
    return BLACKBOX.equals(kind);
  }
}
