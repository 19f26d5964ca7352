package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.code.CodeSource;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.publish.Publisher;
import java.time.Clock;
import java.util.Objects;

/** A container proxy's collaborators and settings, shared by all proxies of an invoker. */
public record ProxyDeps(
    ProxySettings settings,
    ContainerRuntime runtime,
    ActionContainer.Factory containers,
    ActivationSource.Factory feeds,
    Publisher publisher,
    LogCollector.Factory logs,
    InvokerMetrics metrics,
    Clock clock,
    CodeSource code) {
  /** Collaborators for actions whose code is always inline. */
  public ProxyDeps(
      ProxySettings settings,
      ContainerRuntime runtime,
      ActionContainer.Factory containers,
      ActivationSource.Factory feeds,
      Publisher publisher,
      LogCollector.Factory logs,
      InvokerMetrics metrics,
      Clock clock) {
    this(settings, runtime, containers, feeds, publisher, logs, metrics, clock, CodeSource.INLINE);
  }

  public ProxyDeps {
    Objects.requireNonNull(settings, "settings should not be null");
    Objects.requireNonNull(runtime, "runtime should not be null");
    Objects.requireNonNull(containers, "containers should not be null");
    Objects.requireNonNull(feeds, "feeds should not be null");
    Objects.requireNonNull(publisher, "publisher should not be null");
    Objects.requireNonNull(logs, "logs should not be null");
    Objects.requireNonNull(metrics, "metrics should not be null");
    Objects.requireNonNull(clock, "clock should not be null");
    Objects.requireNonNull(code, "code should not be null");
  }
}
