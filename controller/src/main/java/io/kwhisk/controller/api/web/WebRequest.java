package io.kwhisk.controller.api.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ApiError;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP request to a web action, as OpenWhisk turns it into the action's argument: {@code
 * __ow_method} (lower case), {@code __ow_headers} (names lower case), {@code __ow_path} (the path
 * after the action), {@code __ow_user} (when the caller authenticated), then the query parameters,
 * then the body (a JSON object's or a form's fields; any other body as {@code __ow_body}: text as
 * it is, binary as base64). A {@code raw-http} action gets the query string as {@code __ow_query}
 * and the body as {@code __ow_body} instead. Pure.
 */
record WebRequest(
    String method,
    Map<String, String> headers,
    String path,
    String rawQuery,
    String contentType,
    byte[] body) {
  static final Set<String> RESERVED =
      Set.of("__ow_method", "__ow_headers", "__ow_path", "__ow_user", "__ow_query", "__ow_body");

  /** The query parameters, decoded; a repeated name keeps its last value. */
  Map<String, String> query() {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) return out;
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * The body as the action sees it (not raw): an object's or a form's fields, a string, base64, or
   * null.
   */
  JsonNode parsedBody() {
    if (body == null || body.length == 0) return null;
    String mediaType = mediaType();
    if (isJsonFamily(mediaType)) {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw ApiError.badRequest("The request content was malformed: it is not valid JSON.");
      }
    }
    if ("application/x-www-form-urlencoded".equals(mediaType)) {
      ObjectNode form = Json.object();
      new WebRequest(method, headers, path, new String(body, StandardCharsets.UTF_8), null, null)
          .query()
          .forEach(form::put);
      return form;
    }
    return opaqueBody();
  }

  /**
   * A body that is not parsed: text as it is, binary (and, as OpenWhisk keeps doing, JSON) as
   * base64.
   */
  JsonNode opaqueBody() {
    String mediaType = mediaType();
    boolean text =
        mediaType.startsWith("text/")
            || mediaType.endsWith("+xml")
            || mediaType.equals("application/xml")
            || mediaType.equals("application/javascript");
    return TextNode.valueOf(
        text && !mediaType.equals("application/json")
            ? new String(body, StandardCharsets.UTF_8)
            : Base64.getEncoder().encodeToString(body));
  }

  /**
   * The action's argument. Unless {@code raw}, the query and body may not name a reserved property
   * nor one of {@code immutable} (the action's final parameters): 400, as OpenWhisk.
   */
  ObjectNode toArgument(String user, boolean raw, Set<String> immutable) {
    ObjectNode out = Json.object();
    out.put("__ow_method", method.toLowerCase(java.util.Locale.ROOT));
    ObjectNode h = out.putObject("__ow_headers");
    headers.forEach(h::put);
    out.put("__ow_path", path);
    if (user != null) out.put("__ow_user", user);
    if (raw) {
      out.put("__ow_query", rawQuery == null ? "" : rawQuery);
      out.set("__ow_body", body == null || body.length == 0 ? TextNode.valueOf("") : opaqueBody());
      return out;
    }
    Map<String, String> query = query();
    JsonNode parsed = parsedBody();
    for (String key : query.keySet()) refuseOverride(key, immutable);
    if (parsed != null && parsed.isObject())
      parsed.fieldNames().forEachRemaining(k -> refuseOverride(k, immutable));
    query.forEach(out::put);
    if (parsed != null && parsed.isObject()) {
      parsed.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
    } else if (parsed != null) {
      out.set("__ow_body", parsed);
    }
    return out;
  }

  private static void refuseOverride(String key, Set<String> immutable) {
    if (RESERVED.contains(key) || immutable.contains(key)) {
      throw ApiError.badRequest(
          "Request defines parameters that are not allowed (e.g., reserved properties).");
    }
  }

  private String mediaType() {
    if (contentType == null) return "";
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }

  static boolean isJsonFamily(String mediaType) {
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }
}
