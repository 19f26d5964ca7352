package io.kwhisk.perf.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to send a blocking invoke: the API host, the encoded action path prefix ({@code
 * /api/v1/namespaces/<ns>/actions/}), the {@code Authorization} header value and the client
 * timeout.
 */
public record InvokeTarget(
    URI apiHost, String actionsPath, String authorization, Duration timeout) {
  public InvokeTarget {
    Objects.requireNonNull(apiHost, "apiHost should not be null");
    Objects.requireNonNull(actionsPath, "actionsPath should not be null");
    Objects.requireNonNull(authorization, "authorization should not be null");
    Objects.requireNonNull(timeout, "timeout should not be null");
    if (!"http".equals(apiHost.getScheme())) {
      throw new IllegalArgumentException(
          "the load generator's clients speak plain http, got " + apiHost);
    }
  }

  public String host() {
    return apiHost.getHost();
  }

  public int port() {
    return apiHost.getPort() > 0 ? apiHost.getPort() : 80;
  }

  /** The request target of a blocking invoke of {@code encodedAction}. */
  public String invokePath(String encodedAction) {
    return actionsPath + encodedAction + "?blocking=true";
  }

  /** Never shows the authorization header (it holds the key). */
  @Override
  public String toString() {
    return "InvokeTarget[" + apiHost + actionsPath + ", timeout " + timeout + "]";
  }
}
