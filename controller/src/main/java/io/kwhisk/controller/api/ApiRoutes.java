package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.FullyQualifiedName;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
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
public final class ApiRoutes extends AllDirectives {
  private static final long BODY_TIMEOUT_MILLIS = 30_000;

  private final Authenticator auth;
  private final ActionsApi actions;
  private final ActivationsApi activations;
  private final PackagesApi packages;
  private final TriggersApi triggers;
  private final RulesApi rules;
  private final WebActionsApi web;
  private final ControllerMetrics metrics;
  private final ReaderHealth readers;
  private final long maxPayloadBytes;

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
    this.readers = readers;
    this.web = web;
    this.triggers = triggers;
    this.rules = rules;
    this.auth = auth;
    this.actions = actions;
    this.packages = packages;
    this.activations = activations;
    this.metrics = metrics;
    this.maxPayloadBytes = maxPayloadBytes;
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
                                                                            ? namespace(who)
                                                                            : shared(
                                                                                who, ns)))))))))));
  }

  private Route namespace(Identity who) {
    return concat(
        pathEndOrSingleSlash(
            () ->
                get(
                    () ->
                        respond(
                            () ->
                                actions.namespaceSummary(
                                    who,
                                    packages.summaries(who.namespace()),
                                    triggers.summaries(who),
                                    rules.summaries(who))))),
        path("limits", () -> get(() -> respond(() -> actions.namespaceLimits(who)))),
        pathPrefix(
            "actions",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> parameterMap(q -> respond(() -> actions.list(who, q))))),
                    path(PathMatchers.segment(), name -> action(who, name)),
                    path(
                        PathMatchers.segment().slash(PathMatchers.segment()),
                        (pkg, name) -> action(who, pkg + "/" + name)),
                    pathPrefix(
                        PathMatchers.segment(),
                        pkg ->
                            pathSingleSlash(
                                () ->
                                    get(
                                        () ->
                                            parameterMap(
                                                q ->
                                                    respond(
                                                        () ->
                                                            packages.listActions(
                                                                who.namespace(), pkg, q)))))))),
        pathPrefix(
            "packages",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            get(
                                () ->
                                    parameterMap(
                                        q ->
                                            respond(
                                                () -> packages.list(who.namespace(), true, q))))),
                    path(
                        PathMatchers.segment(),
                        name ->
                            concat(
                                put(
                                    () ->
                                        parameterMap(
                                            q ->
                                                withBody(
                                                    body ->
                                                        packages.put(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("overwrite")),
                                                            body)))),
                                get(() -> respond(() -> packages.get(who, name))),
                                delete(
                                    () ->
                                        parameterMap(
                                            q ->
                                                respond(
                                                    () ->
                                                        packages.delete(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("force")))))))))),
        pathPrefix(
            "activations",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            get(() -> parameterMap(q -> respond(() -> activations.list(who, q))))),
                    pathPrefix(
                        PathMatchers.segment(),
                        id ->
                            concat(
                                pathEndOrSingleSlash(
                                    () -> get(() -> respond(() -> activations.get(who, id)))),
                                path(
                                    "result",
                                    () -> get(() -> respond(() -> activations.result(who, id)))),
                                path(
                                    "logs",
                                    () -> get(() -> respond(() -> activations.logs(who, id)))))))),
        pathPrefix(
            "triggers",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> parameterMap(q -> respond(() -> triggers.list(who, q))))),
                    path(
                        PathMatchers.segment(),
                        name ->
                            concat(
                                put(
                                    () ->
                                        parameterMap(
                                            q ->
                                                withBody(
                                                    body ->
                                                        triggers.put(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("overwrite")),
                                                            body)))),
                                get(() -> respond(() -> triggers.get(who, name))),
                                delete(() -> respond(() -> triggers.delete(who, name))),
                                post(
                                    () ->
                                        headerValueByName(
                                            ApiHeaders.REQUEST_ID,
                                            tid ->
                                                withBody(
                                                    body ->
                                                        triggers.fire(who, name, body, tid)))))))),
        pathPrefix(
            "rules",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> parameterMap(q -> respond(() -> rules.list(who, q))))),
                    path(
                        PathMatchers.segment(),
                        name ->
                            concat(
                                put(
                                    () ->
                                        parameterMap(
                                            q ->
                                                withBody(
                                                    body ->
                                                        rules.put(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("overwrite")),
                                                            body)))),
                                get(() -> respond(() -> rules.get(who, name))),
                                delete(() -> respond(() -> rules.delete(who, name))),
                                post(() -> withBody(body -> rules.setStatus(who, name, body))))))));
  }

  /** One action's operations; {@code name} may be {@code package/action}. */
  private Route action(Identity who, String name) {
    return concat(
        put(
            () ->
                parameterMap(
                    q ->
                        withBody(
                            ActionPut.MAX_BODY_BYTES,
                            body ->
                                actions.put(
                                    who,
                                    name,
                                    "true".equalsIgnoreCase(q.get("overwrite")),
                                    body)))),
        get(
            () ->
                parameterMap(
                    q ->
                        respond(
                            () ->
                                actions.get(who, name, !"false".equalsIgnoreCase(q.get("code")))))),
        delete(() -> respond(() -> actions.delete(who, name))),
        post(
            () ->
                headerValueByName(
                    ApiHeaders.REQUEST_ID,
                    tid ->
                        parameterMap(
                            q -> withBody(body -> actions.invoke(who, name, q, body, tid))))));
  }

  /**
   * Another namespace, as OpenWhisk shares it: its public packages may be listed and read, and
   * {@code whisk.system}'s alarms feed invoked; everything else is 403.
   */
  private Route shared(Identity who, String ns) {
    return concat(
        path(
            "packages",
            () -> get(() -> parameterMap(q -> respond(() -> packages.list(ns, false, q))))),
        path(
            PathMatchers.segment("packages").slash(PathMatchers.segment()),
            name -> get(() -> respond(() -> packages.getShared(ns, name)))),
        // The built-in alarms feed, as the wsk CLI invokes a feed action.
        path(
            PathMatchers.segment("actions").slash("alarms").slash("alarm"),
            () ->
                post(
                    () ->
                        "whisk.system".equals(ns)
                            ? withBody(body -> triggers.alarmFeed(who, body))
                            : complete(Responses.fromFailure(ApiError.forbidden())))),
        // An action of a public package is read and invoked in place (the resolver answers 403
        // unless public).
        path(
            PathMatchers.segment("actions")
                .slash(PathMatchers.segment())
                .slash(PathMatchers.segment()),
            (pkg, name) -> sharedAction(who, new FullyQualifiedName(ns, pkg + "/" + name))),
        complete(Responses.fromFailure(ApiError.forbidden())));
  }

  private Route sharedAction(Identity who, FullyQualifiedName fqn) {
    return concat(
        get(
            () ->
                parameterMap(
                    q ->
                        respond(
                            () ->
                                actions.get(who, fqn, !"false".equalsIgnoreCase(q.get("code")))))),
        post(
            () ->
                headerValueByName(
                    ApiHeaders.REQUEST_ID,
                    tid ->
                        parameterMap(
                            q -> withBody(body -> actions.invoke(who, fqn, q, body, tid))))),
        complete(Responses.fromFailure(ApiError.forbidden())));
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

  /**
   * Reads the whole body, at most the configured payload (413 beyond), then answers with {@code
   * handler}. A body that arrived with the headers (most invokes) is already strict and is handed
   * over at once. A streamed one is collected first; the stage Pekko returns for that is Scala's,
   * whose {@code thenCompose} runs on CompletableFuture's default executor, which on two cores or
   * fewer starts a thread per task, so the handler is explicitly run on the thread that completed
   * the body.
   */
  private Route withBody(Function<byte[], CompletionStage<HttpResponse>> handler) {
    return withBody(maxPayloadBytes, handler);
  }

  /**
   * As {@link #withBody(Function)} with another limit: an action's {@code PUT} carries its code, up
   * to OpenWhisk's 48 MB ({@link ActionPut#MAX_BODY_BYTES}), far above what an invoke may send.
   */
  private Route withBody(long limit, Function<byte[], CompletionStage<HttpResponse>> handler) {
    return extractRequestEntity(
        entity ->
            extractMaterializer(
                mat ->
                    respond(
                        () -> {
                          if (entity.getContentLengthOption().orElse(0L) > limit)
                            throw ApiError.tooLarge(limit);
                          if (entity instanceof HttpEntity.Strict strict)
                            return handler.apply(strict.getData().toArray());
                          return entity
                              .toStrict(BODY_TIMEOUT_MILLIS, limit, mat)
                              .thenComposeAsync(
                                  strict -> handler.apply(strict.getData().toArray()),
                                  Runnable::run);
                        })));
  }

  /**
   * Completes with the handler's answer; whatever it throws, now or later, becomes an error answer.
   */
  private Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
    return extractRequestContext(
        ctx -> {
          CompletionStage<HttpResponse> answer;
          try {
            answer = handler.get();
          } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
          }
          return completeWithFuture(answer.exceptionally(Responses::fromFailure));
        });
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
