package io.kwhisk.controller.activation;

import java.util.UUID;

/** Activation ids in OpenWhisk's form: 32 lowercase hex characters (a random UUID without dashes). */
public final class ActivationIds {
  private ActivationIds() {}

  public static String next() {
    UUID u = UUID.randomUUID();
    return String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
  }

  public static boolean isValid(String id) {
    return id != null && id.matches("[0-9a-f]{32}");
  }
}
