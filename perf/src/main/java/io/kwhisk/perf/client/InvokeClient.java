package io.kwhisk.perf.client;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * Opens {@link InvokeConnection}s to one endpoint: the load generator's hot path. Implementations
 * are thread-safe; their connections are not. Which one is a matter of the load generator's own CPU
 * per request, which the {@code loadgen} CPU column measures (perf/README.md, "The load generator's
 * client").
 */
public interface InvokeClient {
  /** A new connection (opened lazily or at once, as the implementation likes). */
  InvokeConnection open() throws IOException;

  /** Releases what the client shares between its connections. */
  default void close() {}

  /** The names of {@code --client}. */
  enum Kind {
    /**
     * {@link RawHttpClient}: one blocking HTTP/1.1 keep-alive socket per connection, requests
     * pre-built.
     */
    RAW,
    /**
     * {@link ApacheInvokeClient}: Apache HttpClient 5 classic, one pooled connection per thread.
     */
    APACHE,
    /**
     * The JDK's {@code java.net.http.HttpClient} through {@link WhiskClient}, as perf did first.
     */
    JDK;

    public static Kind parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--client should be raw, apache or jdk, got " + s);
      }
    }
  }

  static InvokeClient of(Kind kind, WhiskClient whisk) {
    switch (kind) {
      case RAW:
        return new RawHttpClient(whisk.invokeTarget());
      case APACHE:
        return new ApacheInvokeClient(whisk.invokeTarget());
      default:
        return () ->
            new InvokeConnection() {
              @Override
              public HttpAnswer invoke(String action) throws IOException, InterruptedException {
                HttpResponse<String> r = whisk.invokeBlocking(action);
                return new HttpAnswer(
                    r.statusCode(), r.body(), r.headers().firstValue("Retry-After"));
              }

              @Override
              public void close() {}
            };
    }
  }
}
