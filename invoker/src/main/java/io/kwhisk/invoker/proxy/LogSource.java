package io.kwhisk.invoker.proxy;

import io.kwhisk.common.config.ConfigException;

/** Where an invoker reads its containers' logs ({@code kwhisk.invoker.log-source}). */
public enum LogSource {
  /**
   * The json log file when the container has a readable one, else the followed stream (the
   * default).
   */
  AUTO,
  /**
   * The json log file only: no container holds a log stream. A container without a readable file
   * (another log driver, a remote engine) has records without logs, and a warning says so when it
   * starts.
   */
  FILE,
  /**
   * Docker's followed log stream of each container: the previous way, kept as the fallback and to
   * compare.
   */
  STREAM;

  /** Parses {@code auto}, {@code file} or {@code stream} (any case); an error names {@code key}. */
  public static LogSource parse(String key, String value) {
    for (LogSource s : values()) {
      if (s.name().equalsIgnoreCase(value.trim())) return s;
    }
    throw new ConfigException(key, "must be auto, file or stream, got '" + value + "'");
  }
}
