package io.kwhisk.controller.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The directives every route of the API shares: reading a request's body within its limit, and
 * completing with a handler's future answer so that whatever it throws becomes an OpenWhisk error
 * answer ({@code {"error", "code"}}).
 */
abstract class ApiDirectives extends AllDirectives {
  private static final long BODY_TIMEOUT_MILLIS = 30_000;

  private final long maxPayloadBytes;

  /**
   * {@code maxPayloadBytes}: the largest body a request may carry unless a route says otherwise.
   */
  ApiDirectives(long maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * Reads the whole body, at most the configured payload (413 beyond), then answers with {@code
   * handler}. A body that arrived with the headers (most invokes) is already strict and is handed
   * over at once. A streamed one is collected first; the stage Pekko returns for that is Scala's,
   * whose {@code thenCompose} runs on CompletableFuture's default executor, which on two cores or
   * fewer starts a thread per task, so the handler is explicitly run on the thread that completed
   * the body.
   */
  Route withBody(Function<byte[], CompletionStage<HttpResponse>> handler) {
    return withBody(maxPayloadBytes, handler);
  }

  /**
   * As {@link #withBody(Function)} with another limit: an action's {@code PUT} carries its code, up
   * to OpenWhisk's 48 MB ({@link ActionPut#MAX_BODY_BYTES}), far above what an invoke may send.
   */
  Route withBody(long limit, Function<byte[], CompletionStage<HttpResponse>> handler) {
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
  Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
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
}
