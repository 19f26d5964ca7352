package io.kwhisk.controller.api.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * A web action's result as the HTTP answer its extension asks for, OpenWhisk's transcoders: {@code
 * .json} the result as JSON, {@code .html}/{@code .svg}/{@code .text} a string (the result, or its
 * {@code body} or {@code html}/{@code svg}/{@code text} field), {@code .http} (the default) a
 * {@code {statusCode, headers, body}} object: a string body is sent in the content type of its
 * headers (text/html by default; base64 decoded when that type is binary), an object or array as
 * JSON, no body as 204. Results that do not fit answer 400 as OpenWhisk.
 */
final class WebResults {
  static final List<String> EXTENSIONS = List.of(".http", ".json", ".html", ".svg", ".text");

  private WebResults() {}

  static HttpResponse of(String extension, JsonNode result) {
    return switch (extension) {
      case ".json" -> {
        if (!result.isObject() && !result.isArray()) throw invalid("application/json");
        yield bytes(200, ContentTypes.APPLICATION_JSON, Json.encode(result));
      }
      case ".html" -> text(field(result, "html"), "text/html", "text/html; charset=UTF-8");
      case ".svg" -> text(field(result, "svg"), "image/svg+xml", "image/svg+xml");
      case ".text" ->
          plain(
              result.isObject()
                  ? (result.has("body") ? result.get("body") : result.get("text"))
                  : result);
      default -> http(result);
    };
  }

  private static JsonNode field(JsonNode result, String name) {
    if (!result.isObject()) return result;
    return result.has("body") ? result.get("body") : result.get(name);
  }

  private static HttpResponse text(JsonNode value, String media, String contentType) {
    if (value == null || !value.isTextual()) throw invalid(media);
    return bytes(
        200, ContentTypes.parse(contentType), value.textValue().getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse plain(JsonNode value) {
    if (value == null) throw new ApiError(404, "Response does not include requested property.");
    String s =
        value.isTextual()
            ? value.textValue()
            : value.isContainerNode() ? value.toPrettyString() : value.toString();
    return bytes(200, ContentTypes.TEXT_PLAIN_UTF8, s.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse http(JsonNode result) {
    if (!result.isObject()) throw invalid("message/http");
    List<HttpHeader> headers = new ArrayList<>();
    String contentType = null;
    JsonNode hs = result.get("headers");
    if (hs != null && !hs.isNull()) {
      if (!hs.isObject()) throw invalid("message/http");
      for (Map.Entry<String, JsonNode> h : hs.properties()) {
        if (h.getKey().equalsIgnoreCase("content-type")) {
          if (!h.getValue().isTextual()) throw invalid("message/http");
          contentType = h.getValue().textValue();
        } else if (!h.getKey().equalsIgnoreCase("content-length")) {
          addHeader(headers, h.getKey(), h.getValue());
        }
      }
    }
    int status;
    JsonNode code = result.get("statusCode");
    JsonNode body = result.get("body");
    boolean empty =
        body == null || body.isNull() || (body.isTextual() && body.textValue().isEmpty());
    try {
      status =
          code == null || code.isNull()
              ? (empty ? 204 : 200)
              : code.isIntegralNumber() ? code.intValue() : Integer.parseInt(code.textValue());
      StatusCodes.get(status);
    } catch (RuntimeException e) {
      throw invalid("message/http");
    }
    if (status < 100 || status > 599) throw invalid("message/http");
    HttpResponse response;
    if (empty) {
      response = HttpResponse.create().withStatus(status);
    } else if (body.isTextual()) {
      response =
          stringBody(status, contentType == null ? "text/html" : contentType, body.textValue());
    } else {
      String media = contentType == null ? "application/json" : contentType;
      if (!WebRequest.isJsonFamily(media.split(";")[0].trim().toLowerCase(Locale.ROOT))) {
        throw new ApiError(400, "Response type in header did not match generated content type.");
      }
      response = bytes(status, parse(media), Json.encode(body));
    }
    return response.addHeaders(headers);
  }

  private static HttpResponse stringBody(int status, String contentType, String body) {
    ContentType type = parse(contentType);
    String media = type.mediaType().toString().toLowerCase(Locale.ROOT);
    boolean decode = type.binary() || (WebRequest.isJsonFamily(media) && isBase64(body));
    if (!decode) return bytes(status, type, body.getBytes(StandardCharsets.UTF_8));
    try {
      return bytes(status, type, Base64.getDecoder().decode(body.trim()));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "Response type in header did not match generated content type.");
    }
  }

  private static ContentType parse(String contentType) {
    try {
      ContentType type = ContentTypes.parse(contentType);
      if (!type.binary() && type.getCharsetOption().isEmpty())
        type = ContentTypes.parse(contentType + "; charset=UTF-8");
      return type;
    } catch (RuntimeException e) {
      throw new ApiError(400, "Response did not specify a known content-type.");
    }
  }

  private static void addHeader(List<HttpHeader> out, String name, JsonNode value) {
    if (value.isArray()) {
      for (JsonNode v : value) addHeader(out, name, v);
    } else if (value.isTextual()) {
      out.add(RawHeader.create(name, value.textValue()));
    } else if (value.isNumber() || value.isBoolean()) {
      out.add(RawHeader.create(name, value.asText()));
    } else {
      throw invalid("message/http");
    }
  }

  private static boolean isBase64(String s) {
    String t = s.trim();
    return !t.isEmpty() && t.length() % 4 == 0 && t.matches("[A-Za-z0-9+/]*={0,2}");
  }

  private static HttpResponse bytes(int status, ContentType type, byte[] body) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(type, body));
  }

  private static ApiError invalid(String media) {
    return new ApiError(400, "Response is not valid '" + media + "'.");
  }
}
