package io.kwhisk.controller.api.server;

import io.kwhisk.controller.api.Responses;
import io.kwhisk.controller.metrics.ControllerMetrics;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Binds the controller's listeners as {@link ServerSettings} says: the API (HTTPS with a keystore,
 * else HTTP) and, with a metrics port, a listener serving only {@code GET /metrics}, while the
 * API's own {@code /metrics} answers 404.
 */
public final class Listeners extends AllDirectives {
  private final ServerSettings settings;

  public Listeners(ServerSettings settings) {
    this.settings = settings;
  }

  /** Binds {@code api} to {@code host:port}, over TLS when a keystore is configured. */
  public CompletionStage<ServerBinding> bindApi(
      ClassicActorSystemProvider system, String host, int port, Route api) {
    ServerBuilder builder = Http.get(system).newServerAt(host, port);
    if (settings.tls().isPresent()) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(settings.tls().get().context()));
    }
    Route routes =
        settings.metricsPort() == 0
            ? api
            : concat(
                path(
                    "metrics",
                    () -> complete(Responses.error(404, "The requested resource does not exist."))),
                api);
    return builder.bind(routes);
  }

  /**
   * Binds the metrics listener; none (an empty stage of null) when metrics are served on the API
   * listener.
   */
  public CompletionStage<ServerBinding> bindMetrics(
      ClassicActorSystemProvider system, ControllerMetrics metrics) {
    if (settings.metricsPort() == 0)
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    Route scrape =
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())))));
    return Http.get(system)
        .newServerAt(settings.metricsHost(), settings.metricsPort())
        .bind(scrape);
  }
}
