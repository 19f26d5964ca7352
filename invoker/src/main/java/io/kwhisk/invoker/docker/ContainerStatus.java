package io.kwhisk.invoker.docker;

/**
 * What the engine knows of a container: whether it still runs, its exit code once stopped, and
 * whether the kernel killed it for exceeding its memory limit. {@code gone} when the engine no
 * longer knows it.
 */
public record ContainerStatus(boolean running, boolean gone, boolean oomKilled, int exitCode) {
  public static final ContainerStatus GONE = new ContainerStatus(false, true, false, -1);
}
