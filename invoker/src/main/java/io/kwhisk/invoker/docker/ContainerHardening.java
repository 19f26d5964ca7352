package io.kwhisk.invoker.docker;

import com.github.dockerjava.api.model.Capability;
import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How every action container is confined ({@code kwhisk.invoker.container.*}), read once at
 * start-up and validated here; errors name the key. A container runs strangers' code next to other
 * tenants' containers, so the defaults are as tight as kwhisk's runtimes allow: they run as a
 * non-root user, write only below {@code /tmp} and bind 8080, which needs no capability.
 *
 * @param capAdd capabilities granted back after all are dropped ({@code --cap-drop ALL}); none by
 *     default. An installation whose blackbox images need one (say {@code NET_BIND_SERVICE}) names
 *     it here
 * @param noNewPrivileges {@code no-new-privileges}: a setuid binary in an image cannot raise a
 *     process's privileges
 * @param pidsLimit processes and threads a container may hold at once (a fork bomb stops there, its
 *     neighbours keep their CPU and the host its pid space); 512 leaves a JVM action hundreds of
 *     threads; 0 or less: unlimited
 * @param nofile open file descriptors per process (soft and hard {@code nofile} ulimit)
 * @param totalCpuShares CPU shares handed out in proportion to memory, as OpenWhisk does: a
 *     container gets {@code totalCpuShares * its memory / userMemoryMb}, at least 2 (Docker's
 *     minimum), so under contention an action's CPU follows the memory it pays for; 0 leaves
 *     Docker's default (1024 each)
 * @param userMemoryMb the invoker's user memory, the denominator of the shares above
 * @param logMaxSizeMb Docker json-file rotation: a container's log file is rotated at this size,
 *     keeping {@code logMaxFiles} files, so a chatty action cannot fill the disk. At least 16 MB:
 *     above the largest log limit an action can have (10 MB, escaped as JSON), so the lines an
 *     activation keeps are never in a file rotated away before they were read
 * @param logMaxFiles files kept per container (the current one included), at least 2
 * @param readOnlyRootFs the container's root file system is read-only and {@code /tmp} is a tmpfs
 *     of {@code tmpSizeMb} (its pages count against the container's memory limit); turn it off for
 *     blackbox images that write elsewhere
 * @param tmpSizeMb size of the {@code /tmp} tmpfs with a read-only root
 * @param user the user every container runs as ({@code uid[:gid]}); empty (the default): the
 *     image's own, which is uid 10001 in kwhisk's runtime images. Set it to run blackbox images
 *     that default to root as another user
 */
public record ContainerHardening(
    List<String> capAdd,
    boolean noNewPrivileges,
    long pidsLimit,
    long nofile,
    int totalCpuShares,
    long userMemoryMb,
    int logMaxSizeMb,
    int logMaxFiles,
    boolean readOnlyRootFs,
    int tmpSizeMb,
    String user) {

  public static final String CAP_ADD = "kwhisk.invoker.container.cap-add";
  public static final String NO_NEW_PRIVILEGES = "kwhisk.invoker.container.no-new-privileges";
  public static final String PIDS_LIMIT = "kwhisk.invoker.container.pids-limit";
  public static final String NOFILE = "kwhisk.invoker.container.nofile";
  public static final String CPU_SHARES = "kwhisk.invoker.container.cpu-shares";
  public static final String LOG_MAX_SIZE = "kwhisk.invoker.container.log-max-size-mb";
  public static final String LOG_MAX_FILES = "kwhisk.invoker.container.log-max-files";
  public static final String READ_ONLY_ROOT = "kwhisk.invoker.container.read-only-root-fs";
  public static final String TMP_SIZE = "kwhisk.invoker.container.tmp-size-mb";
  public static final String USER = "kwhisk.invoker.container.user";

  /** Docker's own minimum of {@code --cpu-shares}. */
  static final int MIN_CPU_SHARES = 2;

  static final int MIN_LOG_MAX_SIZE_MB = 16;

  public ContainerHardening {
    capAdd = List.copyOf(Objects.requireNonNull(capAdd, "capAdd should not be null"));
    for (String cap : capAdd) {
      try {
        Capability.valueOf(cap);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            CAP_ADD, "expected capability names such as NET_BIND_SERVICE, got '" + cap + "'");
      }
    }
    if (nofile < 64) throw new ConfigException(NOFILE, "must be at least 64, got " + nofile);
    if (totalCpuShares != 0 && totalCpuShares < MIN_CPU_SHARES) {
      throw new ConfigException(
          CPU_SHARES, "must be 0 (Docker's default) or at least 2, got " + totalCpuShares);
    }
    if (userMemoryMb <= 0)
      throw new IllegalArgumentException("userMemoryMb must be positive, got " + userMemoryMb);
    if (logMaxSizeMb < MIN_LOG_MAX_SIZE_MB) {
      throw new ConfigException(
          LOG_MAX_SIZE,
          "must be at least "
              + MIN_LOG_MAX_SIZE_MB
              + " MB (above the largest log limit of an activation), got "
              + logMaxSizeMb);
    }
    if (logMaxFiles < 2)
      throw new ConfigException(LOG_MAX_FILES, "must be at least 2, got " + logMaxFiles);
    if (readOnlyRootFs && tmpSizeMb < 1) {
      throw new ConfigException(
          TMP_SIZE, "must be at least 1 MB with a read-only root, got " + tmpSizeMb);
    }
    user = user == null ? "" : user.trim();
    if (!user.isEmpty() && !user.matches("[0-9]+(:[0-9]+)?")) {
      throw new ConfigException(USER, "must be a numeric uid or uid:gid, got '" + user + "'");
    }
  }

  /**
   * The settings of {@code config}, with defaults; {@code userMemoryMb} is the invoker's user
   * memory.
   */
  public static ContainerHardening from(ConfigSource config, long userMemoryMb) {
    return new ContainerHardening(
        config.get(CAP_ADD).map(ContainerHardening::parseCaps).orElse(List.of()),
        config.bool(NO_NEW_PRIVILEGES, true),
        config.longValue(PIDS_LIMIT, 512),
        config.longValue(NOFILE, 1024),
        config.integer(CPU_SHARES, 1024),
        userMemoryMb,
        config.integer(LOG_MAX_SIZE, 32),
        config.integer(LOG_MAX_FILES, 2),
        config.bool(READ_ONLY_ROOT, true),
        config.integer(TMP_SIZE, 128),
        config.string(USER, ""));
  }

  /** The defaults for an invoker of {@code userMemoryMb}. */
  public static ContainerHardening defaults(long userMemoryMb) {
    return from(ConfigSource.of(java.util.Map.of()), userMemoryMb);
  }

  /** The CPU shares of a container of {@code memoryMb}; 0 when shares are left to Docker. */
  public int cpuSharesFor(long memoryMb) {
    if (totalCpuShares == 0) return 0;
    long shares = totalCpuShares * Math.max(1, memoryMb) / userMemoryMb;
    return (int) Math.max(MIN_CPU_SHARES, Math.min(shares, 262_144));
  }

  private static List<String> parseCaps(String value) {
    return Arrays.stream(value.split(","))
        .map(s -> s.trim().toUpperCase(Locale.ROOT))
        .map(s -> s.startsWith("CAP_") ? s.substring(4) : s)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
