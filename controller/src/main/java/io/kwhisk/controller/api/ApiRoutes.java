package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.api.packages.PackagesApi;
import io.kwhisk.controller.api.triggers.RulesApi;
import io.kwhisk.controller.api.triggers.TriggersApi;
import io.kwhisk.controller.api.web.WebActionsApi;
import io.kwhisk.controller.auth.Authenticator;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.kafka.ReaderHealth;
import io.kwhisk.controller.metrics.ControllerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The REST API's routes, in OpenWhisk's paths under {@code /api/v1} (with OpenWhisk's CORS and
 * {@code X-Request-ID} headers: {@link ApiHeaders}), plus {@code /ping} and {@code /metrics}
 * (unauthenticated, for health checks and scraping). Every answer of the API is JSON; every error,
 * including Pekko's own rejections, is {@code {"error", "code"}}.
 */
public final class ApiRoutes extends ApiDirectives {

  private final Authenticator auth;
  private final ActionsApi actions;
  private final NamespaceRoutes namespaces;
  private final WebActionsApi web;
  private final ControllerMetrics metrics;
  private final ReaderHealth readers;

  /**
   * {@code readers} decide {@code /ready}: 503 while any of the controller's Kafka readers is down.
   */
  public ApiRoutes(
      Authenticator auth,
      ActionsApi actions,
      ActivationsApi activations,
      PackagesApi packages,
      TriggersApi triggers,
      RulesApi rules,
      WebActionsApi web,
      ControllerMetrics metrics,
      long maxPayloadBytes,
      ReaderHealth readers) {
    super(maxPayloadBytes);
    this.readers = readers;
    this.web = web;
    this.auth = auth;
    this.actions = actions;
    this.metrics = metrics;
    this.namespaces =
        new NamespaceRoutes(actions, activations, packages, triggers, rules, maxPayloadBytes);
  }

  /**
   * {@code /ready}: 200 while every Kafka reader reads, else 503; the body names each reader and
   * its state.
   */
  private HttpResponse ready() {
    ObjectNode body = Json.object();
    ObjectNode each = body.putObject("readers");
    readers.readers().forEach((name, up) -> each.put(name, up ? "up" : "down"));
    boolean ok = readers.allUp();
    body.put("status", ok ? "ready" : "not ready");
    return Responses.json(ok ? 200 : 503, body);
  }

  public Route routes() {
    return handleExceptions(
        exceptions(),
        () ->
            handleRejections(
                rejections(),
                () ->
                    concat(
                        path(
                            "ping",
                            () ->
                                get(
                                    () ->
                                        complete(
                                            Responses.json(
                                                200, Json.object().put("status", "pong"))))),
                        path("ready", () -> get(() -> complete(ready()))),
                        path(
                            "metrics",
                            () ->
                                get(
                                    () ->
                                        extractRequestContext(
                                            ctx ->
                                                complete(
                                                    HttpResponse.create()
                                                        .withEntity(
                                                            HttpEntities.create(
                                                                ContentTypes.TEXT_PLAIN_UTF8,
                                                                metrics.scrape())))))),
                        // Web actions answer CORS and OPTIONS themselves (an action may handle
                        // OPTIONS), so before ApiHeaders.
                        pathPrefix(
                            PathMatchers.segment("api").slash("v1").slash("web"),
                            () ->
                                extractRequest(
                                    request ->
                                        extractUnmatchedPath(
                                            rest ->
                                                optionalHeaderValueByName(
                                                    "Authorization",
                                                    credentials ->
                                                        withBody(
                                                            body ->
                                                                web.handle(
                                                                    request,
                                                                    rest,
                                                                    body,
                                                                    credentials.flatMap(
                                                                        auth::authenticate),
                                                                    ActivationIds.next())))))),
                        pathPrefix(
                            PathMatchers.segment("api").slash("v1"),
                            () ->
                                ApiHeaders.wrap(
                                    () ->
                                        concat(
                                            pathEndOrSingleSlash(
                                                () ->
                                                    get(
                                                        () ->
                                                            complete(Responses.json(200, info())))),
                                            authenticated(
                                                who ->
                                                    pathPrefix(
                                                        "namespaces",
                                                        () ->
                                                            concat(
                                                                pathEndOrSingleSlash(
                                                                    () ->
                                                                        get(
                                                                            () ->
                                                                                complete(
                                                                                    Responses.json(
                                                                                        200,
                                                                                        List.of(
                                                                                            who
                                                                                                .namespace()))))),
                                                                pathPrefix(
                                                                    PathMatchers.segment(),
                                                                    ns ->
                                                                        who.owns(ns)
                                                                            ? namespaces.own(who)
                                                                            : namespaces.shared(
                                                                                who, ns)))))))))));
  }

  /** Runs {@code inner} as the identity the request's Basic credentials prove, or answers 401. */
  private Route authenticated(Function<Identity, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header ->
            auth.authenticate(header.orElse(null))
                .map(inner)
                .orElseGet(
                    () ->
                        complete(
                            Responses.fromFailure(ApiError.unauthorized())
                                .addHeader(
                                    WWWAuthenticate.create(
                                        HttpChallenge.createBasic("whisk rest service"))))));
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(t -> completeWith(Responses.fromFailure(t)))
        .build();
  }

  private static Route completeWith(HttpResponse response) {
    return new AllDirectives() {}.complete(response);
  }

  /**
   * Pekko's own rejections (unknown path 404, wrong method 405, ...) with their status, as JSON
   * errors.
   */
  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              String text =
                  response.entity() instanceof HttpEntity.Strict strict
                      ? strict.getData().decodeString(StandardCharsets.UTF_8)
                      : response.status().reason();
              if (response.status().intValue() == 404)
                text = "The requested resource does not exist.";
              return Responses.error(response.status().intValue(), text)
                  .withHeaders(response.getHeaders());
            });
  }

  private Map<String, Object> info() {
    return Map.of(
        "api_paths",
        List.of("/api/v1"),
        "description",
        "kwhisk, an OpenWhisk-compatible platform on Kafka",
        "runtimes",
        actions.kinds());
  }
}
