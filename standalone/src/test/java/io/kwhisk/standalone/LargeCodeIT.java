package io.kwhisk.standalone;

import static io.kwhisk.standalone.WhiskApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.code.CodeChunks;
import io.kwhisk.common.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Zip actions with their dependencies up to OpenWhisk's 48 MB of code (issue 12): created with
 * {@code PUT} (above the 1 MB invoke limit), stored out of line (the code would not fit a Kafka
 * record), read by the invoker at {@code /init} and run whole, also after an update; one over 48 MB
 * is refused with OpenWhisk's 413.
 */
class LargeCodeIT {
  @RegisterExtension static final SharedStandalone platform = new SharedStandalone();
  static WhiskApi api;

  @BeforeAll
  static void start() throws Exception {
    api = platform.api();
  }

  @Test
  @Timeout(240)
  void aTenMegabyteZipActionIsCreatedInvokedReadBackWholeAndRunsItsNewCodeWhenUpdated()
      throws Exception {
    Zip zip = zipWithDependency(7 * 1024 * 1024, 1);
    assertThat(zip.code().length()).isGreaterThan(9 * 1024 * 1024);
    createAndInvoke("ten", zip);
    JsonNode action = json(api.get("/actions/ten"));
    assertThat(action.path("exec").path("code").asText())
        .as("the code read back")
        .isEqualTo(zip.code());
    assertThat(action.path("exec").path("binary").asBoolean()).isTrue();
    assertThat(action.path("exec").has("codeRef"))
        .as("where it is stored is not the API's business")
        .isFalse();
    createAndInvoke(
        "ten", zipWithDependency(7 * 1024 * 1024, 3)); // the update's new code, in a new container
  }

  @Test
  @Timeout(300)
  void aFortyMegabyteZipActionRunsWithItsWholeDependency() throws Exception {
    Zip zip = zipWithDependency(29 * 1024 * 1024, 2);
    assertThat(zip.code().length()).isGreaterThan(38 * 1024 * 1024);
    createAndInvoke("forty", zip);
  }

  @Test
  @Timeout(120)
  void codeOverFortyEightMegabytesIsRefusedWithOpenWhisksStatusAndMessage() throws Exception {
    String code = "a".repeat(49 * 1024 * 1024);
    HttpResponse<String> put =
        api.put("huge", "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"" + code + "\"}}");
    assertThat(put.statusCode())
        .as(put.body().length() < 1000 ? put.body() : "a long body")
        .isEqualTo(413);
    JsonNode error = json(put);
    assertThat(error.path("error").asText())
        .isEqualTo(
            "exec larger than allowed: " + code.length() + " > " + 48 * 1024 * 1024 + " bytes.");
    assertThat(error.path("code").asText()).isNotEmpty();
    assertThat(api.get("/actions/huge").statusCode()).isEqualTo(404);
  }

  /**
   * The request goes over a raw socket with its headers only: the JDK client would write all 60 MB,
   * racing the server that answers early and closes (a broken pipe instead of the 413 on a busy
   * machine). The answer arriving without a byte of the body proves it comes from the {@code
   * Content-Length} alone.
   */
  @Test
  @Timeout(60)
  void aBodyFarAboveTheCodeLimitIsRefusedFromItsContentLengthBeforeItIsSent() throws Exception {
    URI base = URI.create(api.apiHost());
    assertThat(base.getScheme()).as("the shared standalone serves plain HTTP").isEqualTo("http");
    String basic = Base64.getEncoder().encodeToString(api.auth().getBytes(StandardCharsets.UTF_8));
    String head =
        "PUT /api/v1/namespaces/_/actions/vast?overwrite=true HTTP/1.1\r\n"
            + "Host: "
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\n"
            + "Authorization: Basic "
            + basic
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: "
            + 60 * 1024 * 1024
            + "\r\n\r\n";
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      RawResponse put = RawResponse.read(socket.getInputStream());
      assertThat(put.status()).as(put.body()).isEqualTo(413);
      JsonNode error = Json.MAPPER.readTree(put.body());
      assertThat(error.path("error").asText()).contains("exceeds the maximum allowed size");
      assertThat(error.path("code").asText()).isNotEmpty();
    }
  }

  private static void createAndInvoke(String name, Zip zip) throws Exception {
    HttpResponse<String> put =
        api.put(name, "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"" + zip.code() + "\"}}");
    assertThat(put.statusCode()).as(put.statusCode() == 200 ? "" : put.body()).isEqualTo(200);
    HttpResponse<String> run = api.post("/actions/" + name + "?blocking=true&result=true", "{}");
    assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
    JsonNode result = json(run);
    assertThat(result.path("size").asLong()).as("%s", result).isEqualTo(zip.dependencyBytes());
    assertThat(result.path("sha256").asText()).isEqualTo(zip.dependencySha256());
  }

  /**
   * The base64 of a zip: an index.js that hashes its dependency file, and that file (random, so
   * incompressible).
   */
  private static Zip zipWithDependency(int dependencyBytes, long seed) throws IOException {
    byte[] dependency = new byte[dependencyBytes];
    new Random(seed).nextBytes(dependency);
    String index =
        "const fs = require('fs'); const crypto = require('crypto');\n"
            + "exports.main = function () {\n"
            + "  const bytes = fs.readFileSync(__dirname + '/node_modules/big/data.bin');\n"
            + "  return {size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex')};\n"
            + "};\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream(dependencyBytes + 4096);
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("package.json"));
      zip.write("{\"name\":\"big-action\",\"main\":\"index.js\"}".getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("index.js"));
      zip.write(index.getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("node_modules/big/data.bin"));
      zip.write(dependency);
    }
    return new Zip(
        Base64.getEncoder().encodeToString(out.toByteArray()),
        dependencyBytes,
        CodeChunks.digest(dependency));
  }

  private record Zip(String code, long dependencyBytes, String dependencySha256) {}

  /** An HTTP/1.1 response read off a socket: its status and its body (by length or chunked). */
  private record RawResponse(int status, String body) {
    static RawResponse read(InputStream socket) throws IOException {
      BufferedInputStream in = new BufferedInputStream(socket);
      String statusLine = line(in);
      assertThat(statusLine).as("the status line").startsWith("HTTP/1.1 ");
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(header.indexOf(':') + 1).trim();
        if (name.equals("content-length")) length = Long.parseLong(value);
        if (name.equals("transfer-encoding")) chunked = value.equalsIgnoreCase("chunked");
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
            size > 0;
            size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
          body.write(in.readNBytes(size));
          line(in);
        }
      } else if (length >= 0) {
        body.write(in.readNBytes((int) length));
      } else {
        body.write(in.readAllBytes());
      }
      return new RawResponse(status, body.toString(StandardCharsets.UTF_8));
    }

    /** One line without its CRLF; fails at the end of the stream. */
    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) throw new EOFException("the connection closed mid-response after: " + line);
        if (c != '\r') line.append((char) c);
      }
      return line.toString();
    }
  }
}
