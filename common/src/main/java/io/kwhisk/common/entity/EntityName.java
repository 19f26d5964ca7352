package io.kwhisk.common.entity;

import java.util.regex.Pattern;

/**
 * Validation of namespace, package and action names, following Apache OpenWhisk's rule: 1 to 256
 * characters, starting with a word character, then word characters, '@', ' ', '.', '-', never
 * ending with a space.
 */
public final class EntityName {
  public static final int MAX_LENGTH = 256;
  private static final Pattern VALID = Pattern.compile("\\A(\\w|\\w[\\w@ .-]*[\\w@.-]+)\\z");

  private EntityName() {}

  public static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
  }

  /**
   * Returns {@code name} or throws {@link IllegalArgumentException} whose message is fit for a
   * client.
   */
  public static String require(String what, String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "The "
              + what
              + " name is not valid: it must be 1 to "
              + MAX_LENGTH
              + " characters, start with a letter, digit or '_', and contain only letters, digits, '_', '@', '.', '-' or spaces.");
    }
    return name;
  }
}
