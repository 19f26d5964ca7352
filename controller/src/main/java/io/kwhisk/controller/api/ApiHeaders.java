package io.kwhisk.controller.api;

import io.kwhisk.controller.activation.ActivationIds;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The headers OpenWhisk puts on every answer of {@code /api/v1}: its CORS headers (any origin, so
 * browser clients work; an {@code OPTIONS} preflight answers 200 with them) and {@code
 * X-Request-ID}, the request's transaction id. A request that names a usable one (1-64 letters,
 * digits, '-', '_', '.') keeps it, any other gets a new one; the routes inside read it from the
 * request (an invoke makes it the activation's {@code transaction_id}).
 */
final class ApiHeaders {
  static final String REQUEST_ID = "X-Request-ID";
  private static final List<HttpHeader> CORS =
      List.of(
          RawHeader.create("Access-Control-Allow-Origin", "*"),
          RawHeader.create("Access-Control-Allow-Methods", "GET, DELETE, POST, PUT, HEAD"),
          RawHeader.create(
              "Access-Control-Allow-Headers",
              "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent"));
  private static final AllDirectives D = new AllDirectives() {};

  private ApiHeaders() {}

  static Route wrap(Supplier<Route> inner) {
    return D.optionalHeaderValueByName(
        REQUEST_ID,
        given -> {
          boolean usable = given.filter(ApiHeaders::usable).isPresent();
          String tid = usable ? given.get() : ActivationIds.next();
          List<HttpHeader> headers = new java.util.ArrayList<>(CORS);
          headers.add(RawHeader.create(REQUEST_ID, tid));
          // A preflight is answered here, whatever its path: an OPTIONS route among the others
          // would turn every
          // unmatched path's 404 into a 405.
          return D.mapRequest(
              r ->
                  usable
                      ? r
                      : r.removeHeader(REQUEST_ID).addHeader(RawHeader.create(REQUEST_ID, tid)),
              () ->
                  D.respondWithHeaders(
                      headers,
                      () ->
                          D.extractMethod(
                              method ->
                                  method.equals(HttpMethods.OPTIONS)
                                      ? D.complete(HttpResponse.create())
                                      : inner.get())));
        });
  }

  static boolean usable(String id) {
    if (id.isEmpty() || id.length() > 64) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '-' && c != '_' && c != '.') return false;
      if (c > 127) return false;
    }
    return true;
  }
}
