package io.kwhisk.controller.activation;

import java.util.HexFormat;
import java.util.UUID;

/**
 * Activation ids in OpenWhisk's form: 32 lowercase hex characters (a random UUID without dashes).
 */
public final class ActivationIds {
  private static final HexFormat HEX = HexFormat.of();

  private ActivationIds() {}

  /**
   * On the invoke path once per activation: hex digits straight from the UUID's bits, not a format
   * string.
   */
  public static String next() {
    UUID u = UUID.randomUUID();
    return HEX.toHexDigits(u.getMostSignificantBits())
        + HEX.toHexDigits(u.getLeastSignificantBits());
  }

  public static boolean isValid(String id) {
    return id != null && id.matches("[0-9a-f]{32}");
  }
}
