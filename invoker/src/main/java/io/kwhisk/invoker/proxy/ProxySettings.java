package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.ContainerSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a container proxy is configured with: the part of the invoker's configuration it reads, so
 * that the proxy never sees the invoker's whole configuration (which is validated, with keys named
 * in its errors, where it is read: {@code InvokerConfig}; see it for each setting's meaning).
 *
 * @param invokerId labels the containers and signs the completions
 * @param images the image of each kind
 * @param env the environment of a container of concurrency 1
 * @param concurrentEnv the environment of a container whose action runs several activations at once
 */
public record ProxySettings(
    int invokerId,
    Map<String, String> images,
    Map<String, String> env,
    Map<String, String> concurrentEnv,
    Duration keepAlive,
    Duration firstPullGrace,
    int prefetch,
    Duration prefetchBudget,
    Duration pauseGrace,
    Duration pauseGraceMax,
    Duration logCollectionTimeout) {

  /** The action annotation that overrides {@link #keepAlive} for one action, in milliseconds. */
  public static final String KEEP_ALIVE_ANNOTATION = "keepAlive";

  public ProxySettings {
    images = Map.copyOf(Objects.requireNonNull(images, "images should not be null"));
    env = Map.copyOf(Objects.requireNonNull(env, "env should not be null"));
    concurrentEnv =
        Map.copyOf(Objects.requireNonNull(concurrentEnv, "concurrentEnv should not be null"));
    Objects.requireNonNull(keepAlive, "keepAlive should not be null");
    Objects.requireNonNull(firstPullGrace, "firstPullGrace should not be null");
    Objects.requireNonNull(prefetchBudget, "prefetchBudget should not be null");
    Objects.requireNonNull(pauseGrace, "pauseGrace should not be null");
    Objects.requireNonNull(pauseGraceMax, "pauseGraceMax should not be null");
    Objects.requireNonNull(logCollectionTimeout, "logCollectionTimeout should not be null");
  }

  /**
   * The image that runs {@code exec}: the blackbox's own image, else the one mapped to its kind.
   */
  public Optional<String> imageFor(Exec exec) {
    if (exec.isBlackbox()) return Optional.ofNullable(exec.image()).filter(s -> !s.isBlank());
    return Optional.ofNullable(images.get(exec.kind()));
  }

  /** The environment of a container of an action of {@code concurrency}. */
  public Map<String, String> containerEnv(int concurrency) {
    return concurrency > 1 ? concurrentEnv : env;
  }

  /**
   * The keep-alive of an action: its {@code keepAlive} annotation (milliseconds) if valid, else the
   * default.
   */
  public Duration keepAliveFor(Map<String, JsonNode> annotations) {
    return annotated(annotations).orElse(keepAlive);
  }

  private static Optional<Duration> annotated(Map<String, JsonNode> annotations) {
    JsonNode v = annotations.get(KEEP_ALIVE_ANNOTATION);
    if (v != null && v.canConvertToLong() && v.asLong() > 0)
      return Optional.of(Duration.ofMillis(v.asLong()));
    return Optional.empty();
  }

  /**
   * The keep-alive of an action whose controller decided {@code decided} (zero: it did not): the
   * action's {@code keepAlive} annotation still wins, since its owner asked for it; then the
   * controller's policy; then the default.
   */
  public Duration keepAliveFor(Map<String, JsonNode> annotations, Duration decided) {
    Duration fallback = decided.isZero() || decided.isNegative() ? keepAlive : decided;
    return annotated(annotations).orElse(fallback);
  }

  /** As in OpenWhisk, {@code /init} may take as long as the action's time limit. */
  public Duration initTimeout(ActionLimits limits) {
    return Duration.ofMillis(limits.timeout());
  }

  /**
   * The action's time limit; when it passes, the activation is a developer error and the container
   * is destroyed.
   */
  public Duration runTimeout(ActionLimits limits) {
    return Duration.ofMillis(limits.timeout());
  }

  /** Records a container pulls per poll: the configured prefetch, or the action's concurrency. */
  public int maxPollRecords(ActionLimits limits) {
    return prefetch > 0 ? prefetch : limits.concurrency();
  }

  /**
   * The share consumers ("lanes") a container of an action runs. A consumer polls again only once
   * every record of its last poll is acknowledged, so a container pulls with {@code concurrency /
   * maxPollRecords} of them. A prefetch above the concurrency limit queues the surplus in the
   * container (see {@link Slots}): every share acknowledgement is a durable write on the broker (~2
   * ms), so one record per poll caps a container of concurrency 1 at a few hundred activations a
   * second, while a batch shares that cost and runs back to back.
   */
  public int lanes(ActionLimits limits) {
    return Math.max(1, limits.concurrency() / maxPollRecords(limits));
  }

  /**
   * The container named {@code name} of {@code action}, from {@code image}, labelled with its
   * invoker and action.
   */
  public ContainerSpec containerSpec(String name, String image, Action action) {
    return new ContainerSpec(
        name,
        image,
        action.limits().memory(),
        Map.of(
            ContainerRuntime.INVOKER_LABEL, Integer.toString(invokerId),
            ContainerRuntime.ACTION_LABEL, action.fqn().path()),
        containerEnv(action.limits().concurrency()));
  }
}
