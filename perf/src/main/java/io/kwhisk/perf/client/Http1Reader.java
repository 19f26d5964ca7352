package io.kwhisk.perf.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads HTTP/1.1 responses from one connection's input, one after another (keep-alive), with as
 * little work as a load generator can get away with: the status line, the headers that matter
 * ({@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection: close}, {@code
 * Retry-After}), and the body as UTF-8 text. A body delimited by neither length nor chunking runs
 * to the end of the stream. Not thread-safe: it owns a buffer that it reuses across responses.
 */
final class Http1Reader {
  private final InputStream in;
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int limit;
  private boolean closeAfter;

  Http1Reader(InputStream in) {
    this.in = in;
  }

  /** Whether the last response asked for the connection to be closed (or ran to its end). */
  boolean closeAfter() {
    return closeAfter;
  }

  /**
   * Reads one whole response; {@link EOFException} if the stream ends before a status line (peer
   * closed).
   */
  HttpAnswer read() throws IOException {
    String status = line();
    if (status == null) throw new EOFException("connection closed before an answer");
    // "HTTP/1.1 200 OK": the code is the three digits after the first space.
    int sp = status.indexOf(' ');
    if (!status.startsWith("HTTP/1.") || sp < 0 || status.length() < sp + 4) {
      throw new IOException("not an HTTP/1.x status line: " + status);
    }
    int code = Integer.parseInt(status, sp + 1, sp + 4, 10);
    long length = -1;
    boolean chunked = false;
    closeAfter = status.startsWith("HTTP/1.0");
    String retryAfter = null;
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon <= 0) continue;
      String value = h.substring(colon + 1).strip();
      if (h.regionMatches(true, 0, "content-length", 0, colon)) {
        length = Long.parseLong(value);
      } else if (h.regionMatches(true, 0, "transfer-encoding", 0, colon)) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      } else if (h.regionMatches(true, 0, "connection", 0, colon)) {
        if (value.equalsIgnoreCase("close")) closeAfter = true;
        else if (value.equalsIgnoreCase("keep-alive")) closeAfter = false;
      } else if (h.regionMatches(true, 0, "retry-after", 0, colon)) {
        retryAfter = value;
      }
    }
    byte[] body;
    if (code / 100 == 1 || code == 204 || code == 304) {
      body = new byte[0];
    } else if (chunked) {
      body = chunkedBody();
    } else if (length >= 0) {
      body = bytes((int) length);
    } else {
      closeAfter = true;
      body = toEnd();
    }
    return new HttpAnswer(
        code, new String(body, StandardCharsets.UTF_8), Optional.ofNullable(retryAfter));
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      if (size == null) throw new EOFException("connection closed inside a chunked body");
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
      if (n == 0) {
        for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
          // Trailers are not used.
        }
        return out.toByteArray();
      }
      out.write(bytes(n));
      line();
    }
  }

  private byte[] bytes(int n) throws IOException {
    byte[] out = new byte[n];
    int have = Math.min(n, limit - pos);
    System.arraycopy(buf, pos, out, 0, have);
    pos += have;
    while (have < n) {
      int r = in.read(out, have, n - have);
      if (r < 0)
        throw new EOFException("connection closed after " + have + " of " + n + " body bytes");
      have += r;
    }
    return out;
  }

  private byte[] toEnd() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(buf, pos, limit - pos);
    pos = limit;
    in.transferTo(out);
    return out.toByteArray();
  }

  /**
   * One line without its CRLF (or LF), as ISO-8859-1; null at the end of the stream before any
   * byte.
   */
  private String line() throws IOException {
    StringBuilder partial = null;
    while (true) {
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
          String s = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          if (partial == null) return s;
          partial.append(s);
          int len = partial.length();
          if (len > 0 && partial.charAt(len - 1) == '\r') partial.setLength(len - 1);
          return partial.toString();
        }
      }
      if (partial == null) partial = new StringBuilder();
      partial.append(new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1));
      pos = 0;
      limit = in.read(buf, 0, buf.length);
      if (limit < 0) {
        limit = 0;
        if (partial.length() == 0) return null;
        throw new EOFException("connection closed inside a line");
      }
    }
  }
}
