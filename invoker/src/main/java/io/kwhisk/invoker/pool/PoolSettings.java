package io.kwhisk.invoker.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * What an invoker's container pool (either mode's) is configured with, taken from the invoker's
 * configuration ({@code InvokerConfig}, which validates it and documents each setting).
 *
 * @param invokerId the invoker the pool's heartbeats speak for
 * @param memoryMb the user memory the pool hands out to actions (the prewarm stock's already set
 *     apart)
 */
public record PoolSettings(
    int invokerId,
    long memoryMb,
    Duration heartbeatInterval,
    Duration evictionGrace,
    Duration firstPullGrace) {
  public PoolSettings {
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval should not be null");
    Objects.requireNonNull(evictionGrace, "evictionGrace should not be null");
    Objects.requireNonNull(firstPullGrace, "firstPullGrace should not be null");
  }
}
