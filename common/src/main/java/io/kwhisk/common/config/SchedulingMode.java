package io.kwhisk.common.config;

/**
 * How activations reach containers; controllers and invokers of one installation must use the same
 * mode. {@code KWHISK}: per-action topics whose containers pull, containers placed by the
 * controllers' scheduler. {@code HASH}: the measurement baseline that works like classic OpenWhisk,
 * each activation pushed to a home invoker chosen by hash, which manages its own containers.
 */
public enum SchedulingMode {
  KWHISK,
  HASH;

  /** Parses {@code kwhisk} or {@code hash} (any case); an error names {@code key}. */
  public static SchedulingMode parse(String key, String value) {
    for (SchedulingMode s : values()) {
      if (s.name().equalsIgnoreCase(value.trim())) return s;
    }
    throw new ConfigException(key, "must be kwhisk or hash, got '" + value + "'");
  }
}
