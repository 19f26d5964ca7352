package io.kwhisk.controller.api.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.controller.api.ActionPut;
import io.kwhisk.controller.api.ActionsApi;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.api.InvokeParameters;
import io.kwhisk.controller.api.Responses;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Web actions, OpenWhisk's {@code
 * /api/v1/web/{namespace}/{package|default}/{action}.{extension}[/path]}: any HTTP method, no
 * credentials needed unless the action's {@code require-whisk-auth} annotation says so ({@code
 * true}: the caller's Basic credentials; a string or number: the {@code X-Require-Whisk-Auth}
 * header must equal it). Only actions annotated {@code web-export: true} answer; any other name is
 * 404. The action runs as its namespace, blocking; its result becomes the answer ({@link
 * WebResults}). CORS headers are added and {@code OPTIONS} answered here, unless the action handles
 * them itself ({@code web-custom-options: true}).
 */
public final class WebActionsApi {
  static final String WEB_EXPORT = "web-export";
  static final String RAW_HTTP = "raw-http";
  static final String REQUIRE_AUTH = "require-whisk-auth";
  static final String CUSTOM_OPTIONS = "web-custom-options";
  static final String REQUIRE_AUTH_HEADER = "x-require-whisk-auth";
  private static final String DEFAULT_ALLOW_HEADERS =
      "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent";

  private final EntityStore store;
  private final PackageResolver resolver;
  private final ActionsApi actions;
  private final Duration wait;

  public WebActionsApi(
      EntityStore store, PackageResolver resolver, ActionsApi actions, Duration wait) {
    this.store = store;
    this.resolver = resolver;
    this.actions = actions;
    this.wait = wait;
  }

  /**
   * Answers {@code request}, whose path after {@code /api/v1/web} is {@code rest}; {@code caller}
   * is who its Basic credentials prove, if any.
   */
  public CompletionStage<HttpResponse> handle(
      HttpRequest request,
      String rest,
      byte[] body,
      Optional<Identity> caller,
      String transactionId) {
    String[] segments = rest.startsWith("/") ? rest.substring(1).split("/", 4) : rest.split("/", 4);
    if (segments.length < 3 || segments[2].isEmpty()) throw ApiError.notFound();
    String namespace = segments[0];
    String pkg = segments[1];
    String extension =
        WebResults.EXTENSIONS.stream().filter(segments[2]::endsWith).findFirst().orElse(".http");
    String name =
        segments[2].endsWith(extension)
            ? segments[2].substring(0, segments[2].length() - extension.length())
            : segments[2];
    String path = segments.length == 4 ? "/" + segments[3] : "";
    NamespaceEntry owner = store.namespace(namespace).orElseThrow(ApiError::notFound);
    Action action;
    try {
      FullyQualifiedName fqn =
          PackageResolver.fqn(
              namespace, PackageResolver.DEFAULT_PACKAGE.equals(pkg) ? name : pkg + "/" + name);
      action = resolver.resolve(fqn).effective();
    } catch (ApiError e) {
      throw ApiError.notFound();
    }
    if (!isTrue(action.annotations().get(WEB_EXPORT))) throw ApiError.notFound();

    Map<String, String> headers = headers(request);
    boolean customOptions = isTrue(action.annotations().get(CUSTOM_OPTIONS));
    List<HttpHeader> cors = customOptions ? List.of() : cors(headers);
    boolean options = "OPTIONS".equalsIgnoreCase(request.method().name());
    if (options && !customOptions) return done(HttpResponse.create().addHeaders(cors));
    if (!options && !authorized(action.annotations().get(REQUIRE_AUTH), headers, caller)) {
      throw ApiError.unauthorized();
    }
    boolean raw = isTrue(action.annotations().get(RAW_HTTP));
    Set<String> immutable =
        ActionPut.truthy(action.annotations().get(InvokeParameters.FINAL), false)
            ? action.parameters().keySet()
            : Set.of();
    WebRequest web =
        new WebRequest(
            request.method().name(),
            headers,
            path,
            request.getUri().rawQueryString().orElse(""),
            request.entity().getContentType().toString(),
            body);
    ObjectNode argument =
        web.toArgument(caller.map(Identity::namespace).orElse(null), raw, immutable);
    JsonNode params = InvokeParameters.merge(action.parameters(), argument);
    Identity runAs = new Identity(owner.namespace(), owner.uuid());
    return actions
        .runAndWait(runAs, action, params, transactionId, wait)
        .thenApply(
            waited ->
                answer(waited, extension)
                    .addHeaders(cors)
                    .addHeader(
                        RawHeader.create(ActionsApi.ACTIVATION_ID_HEADER, waited.activationId())))
        .exceptionally(t -> Responses.fromFailure(t).addHeaders(cors));
  }

  /**
   * OpenWhisk's reading of a finished web activation: a success answers its result, an application
   * error the result's {@code error} field, both through the extension's transcoder; anything else
   * is 400.
   */
  private static HttpResponse answer(ActionsApi.Waited waited, String extension) {
    if (waited.record() == null) return Responses.error(202, "Response not yet ready.");
    var response = waited.record().response();
    JsonNode result = response.result();
    try {
      if (response.statusCode() == 0)
        return WebResults.of(
            extension,
            result == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : result);
      if (response.statusCode() == 1) {
        JsonNode error = result == null ? null : result.get("error");
        if (error == null) throw new ApiError(404, "Response does not include requested property.");
        return WebResults.of(extension, error);
      }
      return Responses.error(400, "There was an error processing your request.");
    } catch (ApiError e) {
      return Responses.fromFailure(e);
    }
  }

  /**
   * {@code require-whisk-auth}: absent allows anyone; true the authenticated; a string or number
   * that header.
   */
  static boolean authorized(
      JsonNode requirement, Map<String, String> headers, Optional<Identity> caller) {
    if (requirement == null) return true;
    if (requirement.isBoolean()) return !requirement.booleanValue() || caller.isPresent();
    if (requirement.isTextual() || requirement.isNumber()) {
      return requirement.asText().equals(headers.get(REQUIRE_AUTH_HEADER));
    }
    return false;
  }

  /** The request's headers, names in lower case, the content type among them. */
  private static Map<String, String> headers(HttpRequest request) {
    Map<String, String> out = new LinkedHashMap<>();
    for (HttpHeader h : request.getHeaders()) {
      if (!h.lowercaseName().equals("timeout-access")) out.put(h.lowercaseName(), h.value());
    }
    String type = request.entity().getContentType().toString();
    if (!type.equals("none/none") && request.entity().getContentLengthOption().orElse(1L) > 0) {
      out.putIfAbsent("content-type", type);
    }
    return out;
  }

  private static List<HttpHeader> cors(Map<String, String> headers) {
    List<HttpHeader> out = new ArrayList<>();
    out.add(RawHeader.create("Access-Control-Allow-Origin", "*"));
    out.add(
        RawHeader.create(
            "Access-Control-Allow-Methods", "OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH"));
    out.add(
        RawHeader.create(
            "Access-Control-Allow-Headers",
            headers.getOrDefault("access-control-request-headers", DEFAULT_ALLOW_HEADERS)));
    return out;
  }

  /** OpenWhisk reads these annotations as booleans: only {@code true} is true. */
  private static boolean isTrue(JsonNode v) {
    return v != null && v.isBoolean() && v.booleanValue();
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
