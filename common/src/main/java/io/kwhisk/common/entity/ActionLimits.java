package io.kwhisk.common.entity;

/**
 * Per-action limits, with OpenWhisk's units and defaults: {@code timeout} in milliseconds, {@code
 * memory} in MB, {@code logs} in MB (0-10, as in OpenWhisk; {@link #logBytes()}), {@code
 * concurrency} activations at once in one container. Ranges are checked by {@link #validate()},
 * whose message is fit for a client.
 */
public record ActionLimits(int timeout, int memory, int logs, int concurrency) {
  public static final int MIN_TIMEOUT = 100;
  public static final int MAX_TIMEOUT = 300_000;
  public static final int MIN_MEMORY = 128;
  public static final int MAX_MEMORY = 2048;
  public static final int MAX_LOGS = 10;
  public static final int MAX_CONCURRENCY = 500;

  public static final ActionLimits DEFAULT = new ActionLimits(60_000, 256, 10, 1);

  /** Fills absent values (null) from the defaults. */
  public static ActionLimits of(
      Integer timeout, Integer memory, Integer logs, Integer concurrency) {
    return new ActionLimits(
        timeout != null ? timeout : DEFAULT.timeout,
        memory != null ? memory : DEFAULT.memory,
        logs != null ? logs : DEFAULT.logs,
        concurrency != null ? concurrency : DEFAULT.concurrency);
  }

  /** Throws {@link IllegalArgumentException} naming the first limit out of range. */
  public ActionLimits validate() {
    check("timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT, "milliseconds");
    check("memory", memory, MIN_MEMORY, MAX_MEMORY, "MB");
    check("logs", logs, 0, MAX_LOGS, "MB");
    check("concurrency", concurrency, 1, MAX_CONCURRENCY, "");
    return this;
  }

  /** The log limit in bytes: {@code logs} is megabytes. */
  public int logBytes() {
    return logs * 1024 * 1024;
  }

  private static void check(String name, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "The "
              + name
              + " limit "
              + value
              + " is out of range: it must be between "
              + min
              + " and "
              + max
              + (unit.isEmpty() ? "" : " " + unit)
              + ".");
    }
  }
}
