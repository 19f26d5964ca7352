package io.kwhisk.controller.activation;

import static io.kwhisk.common.config.ConfigChecks.requirePositive;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a controller keeps activation records (keys {@code kwhisk.controller.activation-*}), checked
 * here: an invalid value fails the start with a {@link ConfigException} naming its key.
 *
 * @param kind {@code rocksdb} (default): on disk at {@code path}, durable across restarts, every
 *     controller's records in every controller's store; {@code partitioned}: the same store, each
 *     controller keeping only the records of the completions topics it owns ({@link StoreOwners}),
 *     reads of the others' forwarded to them; {@code memory}: the last {@code memorySize} records
 *     on the heap, lost on restart (tests, embedding)
 * @param path the RocksDB directory, one per controller id ({@code <data-dir>/activations-<id>} by
 *     default)
 * @param retention how long a record stays readable after it ended (24 h by default); also the
 *     {@code retention.ms} of the controller's {@code completed<id>} topic
 * @param memorySize how many records the in-memory store keeps, and how many records before the end
 *     of each completions topic it starts at
 * @param cacheBytes RocksDB's block cache, which also holds the write buffers (memtables): the
 *     store's native memory stays within about this
 * @param writeBufferBytes RocksDB's memtable size; two of them at most, charged to the cache
 * @param advertisedUrl the base URL other controllers reach this one's API at, which they forward
 *     reads to in the partitioned mode ({@code http://host:port}, no path); empty: derived from the
 *     API's bind host and port once it is bound
 * @param sessionTimeout the partitioned store's group session timeout: how long after a controller
 *     dies without leaving the group (SIGKILL, a lost host) the others adopt its completions topic,
 *     reads of its records answering 503 meanwhile (10 s by default; the broker bounds it by its
 *     {@code group.min.session.timeout.ms}, 6 s by default, and a member whose heartbeats stall
 *     longer, a long GC pause, is taken for dead and its topic adopted, then given back)
 */
public record ActivationStoreSettings(
    Kind kind,
    Path path,
    Duration retention,
    int memorySize,
    long cacheBytes,
    long writeBufferBytes,
    Optional<URI> advertisedUrl,
    Duration sessionTimeout) {

  public static final String KIND = "kwhisk.controller.activation-store";
  public static final String DATA_DIR = "kwhisk.controller.data-dir";
  public static final String PATH = "kwhisk.controller.activation-store-path";
  public static final String RETENTION = "kwhisk.controller.activation-retention";
  public static final String MEMORY_SIZE = "kwhisk.controller.activation-store-size";
  public static final String CACHE_MB = "kwhisk.controller.activation-store-cache-mb";
  public static final String WRITE_BUFFER_MB = "kwhisk.controller.activation-store-write-buffer-mb";
  public static final String ADVERTISED_URL = "kwhisk.controller.advertised-url";
  public static final String SESSION_TIMEOUT = "kwhisk.controller.activation-store-session-timeout";

  /** The controller's data directory unless configured: relative to the working directory. */
  public static final String DEFAULT_DATA_DIR = ".kwhisk/controller";

  private static final long MB = 1024L * 1024;

  /** Where records are kept. */
  public enum Kind {
    ROCKSDB,
    PARTITIONED,
    MEMORY
  }

  private static final String KINDS = "must be rocksdb, partitioned or memory";

  public ActivationStoreSettings {
    if (kind == null) throw new ConfigException(KIND, KINDS);
    if (kind != Kind.MEMORY && path == null) throw new ConfigException(PATH, "must not be empty");
    Objects.requireNonNull(advertisedUrl, "advertisedUrl should not be null");
    advertisedUrl.ifPresent(ActivationStoreSettings::checkUrl);
    requirePositive(RETENTION, retention);
    requirePositive(SESSION_TIMEOUT, sessionTimeout);
    if (sessionTimeout.toMillis() < 1000)
      throw new ConfigException(SESSION_TIMEOUT, "must be at least 1s, got " + sessionTimeout);
    if (retention.toMillis() < 1000)
      throw new ConfigException(RETENTION, "must be at least 1s, got " + retention);
    if (memorySize < 1)
      throw new ConfigException(MEMORY_SIZE, "must be 1 or more, got " + memorySize);
    if (cacheBytes < 4 * MB)
      throw new ConfigException(CACHE_MB, "must be at least 4, got " + cacheBytes / MB);
    if (writeBufferBytes < MB)
      throw new ConfigException(
          WRITE_BUFFER_MB, "must be at least 1, got " + writeBufferBytes / MB);
    if (writeBufferBytes * 2 > cacheBytes) {
      throw new ConfigException(
          WRITE_BUFFER_MB,
          "must be at most half of "
              + CACHE_MB
              + " ("
              + cacheBytes / MB
              + "), got "
              + writeBufferBytes / MB);
    }
  }

  /**
   * Reads every value from {@code source}, with the documented defaults; {@code id}: the
   * controller's.
   */
  public static ActivationStoreSettings from(ConfigSource source, int id) {
    Kind kind = source.get(KIND).map(ActivationStoreSettings::parseKind).orElse(Kind.ROCKSDB);
    String dataDir = source.string(DATA_DIR, DEFAULT_DATA_DIR);
    if (dataDir.isBlank()) throw new ConfigException(DATA_DIR, "must not be empty");
    String path = source.string(PATH, "");
    Path resolved;
    try {
      resolved =
          path.isBlank()
              ? Path.of(dataDir).resolve("activations-" + id).toAbsolutePath()
              : Path.of(path).toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(
          path.isBlank() ? DATA_DIR : PATH, "is not a path: " + e.getMessage());
    }
    return new ActivationStoreSettings(
        kind,
        resolved,
        source.duration(RETENTION, Duration.ofHours(24)),
        source.integer(MEMORY_SIZE, 10_000),
        source.longValue(CACHE_MB, 32) * MB,
        source.longValue(WRITE_BUFFER_MB, 8) * MB,
        advertisedUrl(source.string(ADVERTISED_URL, "")),
        source.duration(SESSION_TIMEOUT, Duration.ofSeconds(10)));
  }

  /** An in-memory store of {@code size} records (tests). */
  public static ActivationStoreSettings memory(int size) {
    return new ActivationStoreSettings(
        Kind.MEMORY,
        null,
        Duration.ofHours(24),
        size,
        32 * MB,
        8 * MB,
        Optional.empty(),
        Duration.ofSeconds(10));
  }

  /** True when each controller keeps only its own records and forwards the other reads. */
  public boolean partitioned() {
    return kind == Kind.PARTITIONED;
  }

  /** Opens the store these settings describe. */
  public ActivationStore open() {
    return kind == Kind.MEMORY
        ? new MemoryActivationStore(memorySize)
        : RocksActivationStore.open(this);
  }

  private static Kind parseKind(String value) {
    try {
      return Kind.valueOf(Objects.requireNonNull(value).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(KIND, KINDS + ", got " + value);
    }
  }

  private static Optional<URI> advertisedUrl(String value) {
    if (value.isBlank()) return Optional.empty();
    try {
      String trimmed = value.trim();
      return Optional.of(
          new URI(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed));
    } catch (URISyntaxException e) {
      throw new ConfigException(ADVERTISED_URL, "is not a URL: " + e.getMessage());
    }
  }

  private static void checkUrl(URI url) {
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()))
      throw new ConfigException(ADVERTISED_URL, "must start with http:// or https://, got " + url);
    if (url.getHost() == null)
      throw new ConfigException(ADVERTISED_URL, "must name a host, got " + url);
    if (url.getRawPath() != null && !url.getRawPath().isEmpty())
      throw new ConfigException(ADVERTISED_URL, "must have no path, got " + url);
  }
}
