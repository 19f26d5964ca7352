package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.code.CodeUnavailableException;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.activation.ActivationIds;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API answers: JSON bodies, and errors in OpenWhisk's shape {@code {"error": message,
 * "code": transaction id}}. The transaction id is logged with platform faults so an operator can
 * find the cause the client never sees.
 */
public final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private Responses() {}

  public static HttpResponse json(int status, Object body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.encode(body)));
  }

  public static HttpResponse error(int status, String message) {
    ObjectNode body = Json.object();
    body.put("error", message);
    body.put("code", ActivationIds.next());
    return json(status, body);
  }

  /**
   * The answer for a failed handler: its {@link ApiError}, a client-side size or format error, or
   * an opaque 500.
   */
  public static HttpResponse fromFailure(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ApiError e) {
      HttpResponse response = error(e.status(), e.getMessage());
      if (e.retryAfterSeconds() > 0) {
        response =
            response.addHeader(
                RawHeader.create("Retry-After", String.valueOf(e.retryAfterSeconds())));
      }
      return response;
    }
    if (t instanceof Json.MalformedJsonException)
      return error(400, "The request content was malformed.");
    if (t instanceof EntityStreamSizeException e)
      return error(413, ApiError.tooLarge(e.limit()).getMessage());
    if (t instanceof EntityStreamException e) {
      boolean tooLarge = e.getMessage() != null && e.getMessage().contains("too large");
      return error(
          tooLarge ? 413 : 400,
          tooLarge
              ? "The request content exceeds the maximum allowed size."
              : "The request content could not be read.");
    }
    if (t instanceof CodeUnavailableException e) {
      log.warn("an action's code could not be read: {}", e.getMessage());
      return error(503, "The action's code could not be read; try again.");
    }
    if (t instanceof RecordTooLargeException) {
      return error(413, "The request content exceeds the maximum allowed size.");
    }
    String tid = ActivationIds.next();
    log.error("request failed [tid {}]", tid, t);
    ObjectNode body = Json.object();
    body.put("error", "An internal error occurred.");
    body.put("code", tid);
    return json(500, body);
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }
}
