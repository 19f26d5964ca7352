package io.kwhisk.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where configuration values come from, first match wins: explicit overrides (tests, launchers),
 * Java system properties ({@code kwhisk.controller.port}), environment variables ({@code
 * KWHISK_CONTROLLER_PORT}), then an optional properties file named by {@code kwhisk.config} /
 * {@code KWHISK_CONFIG}. Components read it once, at start-up, into their own validated config
 * record; nothing reads configuration later.
 */
public final class ConfigSource {

  private final Map<String, String> overrides;
  private final Map<String, String> env;
  private final Properties system;
  private final Properties file;

  /**
   * Keys and prefixes someone asked for, shared with the sources {@link #with} derives: see {@link
   * #unread}.
   */
  private final Set<String> readKeys;

  private final Set<String> readPrefixes;

  private ConfigSource(
      Map<String, String> overrides, Map<String, String> env, Properties system, Properties file) {
    this(
        overrides, env, system, file, ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
  }

  private ConfigSource(
      Map<String, String> overrides,
      Map<String, String> env,
      Properties system,
      Properties file,
      Set<String> readKeys,
      Set<String> readPrefixes) {
    this.overrides = Map.copyOf(overrides);
    this.env = env;
    this.system = system;
    this.file = file;
    this.readKeys = readKeys;
    this.readPrefixes = readPrefixes;
  }

  /** The process's environment and system properties, and the file they name if any. */
  public static ConfigSource fromEnvironment() {
    return fromEnvironment(Map.of());
  }

  public static ConfigSource fromEnvironment(Map<String, String> overrides) {
    Map<String, String> env = System.getenv();
    Properties system = System.getProperties();
    Properties file = new Properties();
    String path =
        Optional.ofNullable(system.getProperty("kwhisk.config")).orElse(env.get("KWHISK_CONFIG"));
    if (path != null) {
      try (InputStream in = Files.newInputStream(Path.of(path))) {
        file.load(in);
      } catch (IOException e) {
        throw new ConfigException(
            "kwhisk.config", "cannot read configuration file " + path + ": " + e.getMessage());
      }
    }
    return new ConfigSource(overrides, env, system, file);
  }

  /** Only the given values: for tests. */
  public static ConfigSource of(Map<String, String> values) {
    return new ConfigSource(values, Map.of(), new Properties(), new Properties());
  }

  /** These values and this environment: for tests of how environment variables are read. */
  static ConfigSource of(Map<String, String> values, Map<String, String> env) {
    return new ConfigSource(values, Map.copyOf(env), new Properties(), new Properties());
  }

  /** A source whose explicit values are these, on top of this one's. */
  public ConfigSource with(Map<String, String> more) {
    Map<String, String> merged = new HashMap<>(overrides);
    merged.putAll(more);
    return new ConfigSource(merged, env, system, file, readKeys, readPrefixes);
  }

  public Optional<String> get(String key) {
    readKeys.add(key);
    String v = overrides.get(key);
    if (v == null) v = system.getProperty(key);
    if (v == null) v = env.get(envName(key));
    if (v == null) v = file.getProperty(key);
    return Optional.ofNullable(v).map(String::trim).filter(s -> !s.isEmpty());
  }

  /**
   * Every value whose key starts with {@code prefix}, by the rest of its key, with the usual
   * precedence (overrides, system properties, environment, file). An environment variable stands
   * for a key with dots: the rest of {@code KWHISK_KAFKA_CLIENT_SECURITY_PROTOCOL} under prefix
   * {@code kwhisk.kafka.client.} is {@code security.protocol} (lower case, '_' read as '.'), which
   * fits Kafka's property names.
   */
  public Map<String, String> prefixed(String prefix) {
    readPrefixes.add(prefix);
    Map<String, String> out = new HashMap<>();
    for (String key : file.stringPropertyNames()) {
      if (key.startsWith(prefix))
        out.put(key.substring(prefix.length()), file.getProperty(key).trim());
    }
    String envPrefix = envName(prefix);
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().startsWith(envPrefix) && e.getKey().length() > envPrefix.length()) {
        out.put(
            e.getKey().substring(envPrefix.length()).toLowerCase().replace('_', '.'),
            e.getValue().trim());
      }
    }
    for (String key : system.stringPropertyNames()) {
      if (key.startsWith(prefix))
        out.put(key.substring(prefix.length()), system.getProperty(key).trim());
    }
    overrides.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) out.put(key.substring(prefix.length()), value.trim());
        });
    out.keySet().removeIf(String::isEmpty);
    return out;
  }

  /**
   * The settings under {@code sections} (e.g. {@code kwhisk.controller.}) that are set, as a key
   * (overrides, system properties, the file) or as an environment variable ({@code
   * KWHISK_CONTROLLER_...}), but that no component has read: most likely misspelt, since every
   * component reads its whole configuration at start-up. Ask once start-up is over; a process names
   * only the sections it owns, so another component's settings in a shared environment are not
   * reported.
   */
  public List<String> unread(List<String> sections) {
    Set<String> out = new TreeSet<>();
    Set<String> keys = new HashSet<>(overrides.keySet());
    keys.addAll(system.stringPropertyNames());
    keys.addAll(file.stringPropertyNames());
    for (String key : keys) {
      if (sections.stream().anyMatch(key::startsWith)
          && !readKeys.contains(key)
          && readPrefixes.stream().noneMatch(key::startsWith)) {
        out.add(key);
      }
    }
    Set<String> readEnv = new HashSet<>();
    readKeys.forEach(k -> readEnv.add(envName(k)));
    List<String> readEnvPrefixes = readPrefixes.stream().map(ConfigSource::envName).toList();
    for (String name : env.keySet()) {
      if (sections.stream().map(ConfigSource::envName).anyMatch(name::startsWith)
          && !readEnv.contains(name)
          && readEnvPrefixes.stream().noneMatch(name::startsWith)) {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }

  public String string(String key, String fallback) {
    return get(key).orElse(fallback);
  }

  public int integer(String key, int fallback) {
    return get(key).map(v -> parseInt(key, v)).orElse(fallback);
  }

  public long longValue(String key, long fallback) {
    return get(key).map(v -> parseLong(key, v)).orElse(fallback);
  }

  public boolean bool(String key, boolean fallback) {
    return get(key)
        .map(
            v ->
                switch (v.toLowerCase()) {
                  case "true", "yes", "1" -> true;
                  case "false", "no", "0" -> false;
                  default ->
                      throw new ConfigException(key, "expected true or false, got '" + v + "'");
                })
        .orElse(fallback);
  }

  /**
   * A duration such as {@code 250ms}, {@code 10s}, {@code 5m}; a bare number means milliseconds.
   */
  public Duration duration(String key, Duration fallback) {
    return get(key).map(v -> Durations.parse(key, v)).orElse(fallback);
  }

  /**
   * The environment variable that stands for {@code key}: {@code kwhisk.invoker.id} is {@code
   * KWHISK_INVOKER_ID}.
   */
  public static String envName(String key) {
    return key.toUpperCase().replace('.', '_').replace('-', '_');
  }

  private static int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected an integer, got '" + v + "'");
    }
  }

  private static long parseLong(String key, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected an integer, got '" + v + "'");
    }
  }
}
