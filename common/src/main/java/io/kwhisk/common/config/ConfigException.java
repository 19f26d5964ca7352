package io.kwhisk.common.config;

/**
 * A configuration value is missing or invalid; the message names the key, so the operator knows
 * what to fix.
 */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("configuration " + key + " (env " + ConfigSource.envName(key) + "): " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
