package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ActivationResponse;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What a {@link ContainerProxy} logs about its container, one method per event, each line naming
 * the container and its action: life-cycle steps at info (debug for the frequent ones), failures it
 * recovers from at warn. Used on the proxy's actor thread only: the logger comes from the actor's
 * context on each call, which sets the actor's MDC, so it is not kept.
 */
final class ProxyLog {
  private final Supplier<Logger> log;
  private final String name;
  private final Action action;

  ProxyLog(Supplier<Logger> log, String name, Action action) {
    this.log = log;
    this.name = name;
    this.action = action;
  }

  void cannotStart(ActivationResponse failure) {
    log.get().warn("Container {} of {} cannot start: {}", name, action.fqn(), failure.result());
  }

  void started(String host) {
    log.get().debug("Container {} of {} started at {}", name, action.fqn(), host);
  }

  void didNotStart(Throwable error) {
    log.get().warn("Container {} of {} did not start: {}", name, action.fqn(), error.getMessage());
  }

  void gaveBack(int held) {
    log.get()
        .debug(
            "Container {} of {} gives back {} activation(s) it held and never ran",
            name,
            action.fqn(),
            held);
  }

  void ready(long initMs) {
    log.get().info("Container {} of {} ready in {} ms (init)", name, action.fqn(), initMs);
  }

  void initFailed(ActivationResponse failure) {
    log.get()
        .info("Container {} of {} failed to initialise: {}", name, action.fqn(), failure.result());
  }

  void replaced(String activationId, ActivationResponse response, CallOutcome outcome) {
    log.get()
        .info(
            "Container {} of {} is replaced after activation {}: {} ({})",
            name,
            action.fqn(),
            activationId,
            response.result(),
            outcome);
  }

  void resized(int maxPollRecords, double typicalRunMs) {
    log.get()
        .debug(
            "Container {} of {} pulls up to {} records per poll (typical run {} ms)",
            name,
            action.fqn(),
            maxPollRecords,
            String.format("%.1f", typicalRunMs));
  }

  void publishFailed(String activationId, Throwable error) {
    log.get()
        .warn(
            "Publishing activation {} failed, released it for redelivery: {}",
            activationId,
            error.toString());
  }

  void feedFailed(Throwable error) {
    log.get().warn("Feed of container {} failed: {}", name, error.toString());
  }

  void idleFor(long keepAliveMs) {
    log.get().debug("Container {} idle for {} ms", name, keepAliveMs);
  }

  void paused(Throwable error, Long durationMs) {
    if (error != null)
      log.get().warn("Pausing container {} failed; it stays unpaused: {}", name, error.toString());
    else log.get().debug("Container {} paused in {} ms", name, durationMs);
  }

  void unpaused(Throwable error, Long durationMs) {
    if (error != null)
      log.get().warn("Unpausing container {} failed; it is replaced: {}", name, error.toString());
    else log.get().debug("Container {} unpaused in {} ms", name, durationMs);
  }

  void removeFailed(Throwable error) {
    log.get().warn("Removing container {} failed: {}", name, error.toString());
  }

  void removed() {
    log.get().info("Container {} of {} removed", name, action.fqn());
  }
}
