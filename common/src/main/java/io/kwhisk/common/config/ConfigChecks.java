package io.kwhisk.common.config;

import java.time.Duration;

/**
 * The checks every component's config record applies to its values in its compact constructor. Each
 * failure is a {@link ConfigException} that names the key, so a bad setting is reported as the
 * setting the operator wrote.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  /** Fails unless {@code d} is a duration above zero. */
  public static void requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero())
      throw new ConfigException(key, "must be a positive duration");
  }

  /** Fails unless {@code d} is a duration of zero or more. */
  public static void requireNotNegative(String key, Duration d) {
    if (d == null || d.isNegative())
      throw new ConfigException(key, "must be a duration of 0 or more");
  }

  /** Fails unless {@code n} is above zero. */
  public static void requirePositive(String key, long n) {
    if (n <= 0) throw new ConfigException(key, "must be positive, got " + n);
  }

  /** Fails unless {@code n} is zero or more. */
  public static void requireNotNegative(String key, long n) {
    if (n < 0) throw new ConfigException(key, "must be 0 or more, got " + n);
  }
}
