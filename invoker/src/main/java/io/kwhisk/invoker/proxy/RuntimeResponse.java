package io.kwhisk.invoker.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An action runtime's HTTP/1.1 answer to a POST, read from a connection: the status line, headers
 * (names matched without regard to case), a body delimited by {@code Content-Length}, by chunked
 * transfer coding or by the end of the connection. Interim 1xx answers are skipped.
 *
 * <p>{@link #read} throws an {@link IOException} for an answer that ends early (the connection
 * closed mid-answer), that is malformed, or whose body is larger than the limit (a {@link
 * TooLarge}); a read timeout of the stream passes through as its {@link
 * java.net.SocketTimeoutException}.
 *
 * @param keepAlive whether the connection may carry the next request: HTTP/1.1 without {@code
 *     Connection: close} (or HTTP/1.0 with {@code Connection: keep-alive}), and a body whose end
 *     was not the connection's end
 */
record RuntimeResponse(int status, byte[] body, boolean keepAlive) {
  /** The longest status, header or chunk-size line accepted. */
  static final int MAX_LINE = 8 * 1024;

  /** The most header lines accepted in one answer. */
  static final int MAX_HEADERS = 100;

  /** Reads one answer; {@code maxBodyBytes} bounds its decoded body. */
  static RuntimeResponse read(InputStream in, int maxBodyBytes) throws IOException {
    while (true) {
      String statusLine = line(in, true);
      if (statusLine.length() < 12
          || !statusLine.startsWith("HTTP/1.")
          || statusLine.charAt(8) != ' '
          || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
        throw new IOException(
            "malformed status line from the container: '" + shorten(statusLine) + "'");
      }
      boolean http10 = statusLine.charAt(7) == '0';
      int status = statusCode(statusLine);
      Headers h = headers(in);
      if (status >= 100 && status < 200)
        continue; // interim answer (100 Continue and the like): the answer follows
      boolean keepAlive = http10 ? h.keepAliveToken : !h.closeToken;
      if (status == 204 || status == 304)
        return new RuntimeResponse(status, new byte[0], keepAlive);
      try {
        if (h.chunked) return new RuntimeResponse(status, chunked(in, maxBodyBytes), keepAlive);
        if (h.contentLength >= 0) {
          return new RuntimeResponse(status, exactly(in, h.contentLength, maxBodyBytes), keepAlive);
        }
        return new RuntimeResponse(status, untilEnd(in, maxBodyBytes), false);
      } catch (TooLarge e) {
        e.status = status;
        throw e;
      }
    }
  }

  private static int statusCode(String statusLine) throws IOException {
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char c = statusLine.charAt(i);
      if (c < '0' || c > '9') {
        throw new IOException(
            "malformed status line from the container: '" + shorten(statusLine) + "'");
      }
      code = code * 10 + (c - '0');
    }
    return code;
  }

  /** What the body and the connection's reuse depend on. */
  private static final class Headers {
    long contentLength = -1;
    boolean chunked;
    boolean closeToken;
    boolean keepAliveToken;
  }

  private static Headers headers(InputStream in) throws IOException {
    Headers h = new Headers();
    for (int n = 0; ; n++) {
      String line = line(in, false);
      if (line.isEmpty()) return h;
      if (n == MAX_HEADERS)
        throw new IOException("the container answered more than " + MAX_HEADERS + " headers");
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new IOException("malformed header line from the container: '" + shorten(line) + "'");
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        long length = contentLength(value);
        if (h.contentLength >= 0 && h.contentLength != length) {
          throw new IOException("the container answered conflicting Content-Length headers");
        }
        h.contentLength = length;
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        // Chunked must be the last coding; any other coding without it delimits the body by the
        // connection's end.
        String[] codings = value.split(",");
        h.chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        for (String token : value.split(",")) {
          h.closeToken |= token.trim().equalsIgnoreCase("close");
          h.keepAliveToken |= token.trim().equalsIgnoreCase("keep-alive");
        }
      }
    }
  }

  private static long contentLength(String value) throws IOException {
    if (value.isEmpty()
        || value.length() > 18
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IOException(
          "malformed Content-Length from the container: '" + shorten(value) + "'");
    }
    return Long.parseLong(value);
  }

  private static byte[] exactly(InputStream in, long length, int maxBodyBytes) throws IOException {
    if (length > maxBodyBytes) throw new TooLarge(length, maxBodyBytes);
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException(
          "the container closed the connection after "
              + body.length
              + " of "
              + length
              + " body bytes");
    }
    return body;
  }

  private static byte[] chunked(InputStream in, int maxBodyBytes) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in, false);
      int semicolon = sizeLine.indexOf(';'); // chunk extensions are ignored
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
      long size;
      try {
        if (hex.isEmpty() || hex.length() > 8) throw new NumberFormatException();
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException(
            "malformed chunk size from the container: '" + shorten(sizeLine) + "'");
      }
      if (size == 0) break;
      if (body.size() + size > maxBodyBytes) throw tooLarge(maxBodyBytes);
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length < size)
        throw new EOFException("the container closed the connection inside a chunk");
      body.write(chunk);
      if (!line(in, false).isEmpty()) {
        throw new IOException("a chunk from the container did not end where its size said");
      }
    }
    for (int n = 0; !line(in, false).isEmpty(); n++) { // trailers: read and ignored
      if (n == MAX_HEADERS)
        throw new IOException("the container answered more than " + MAX_HEADERS + " trailers");
    }
    return body.toByteArray();
  }

  private static byte[] untilEnd(InputStream in, int maxBodyBytes) throws IOException {
    byte[] body = in.readNBytes(maxBodyBytes);
    if (body.length == maxBodyBytes && in.read() >= 0) throw tooLarge(maxBodyBytes);
    return body;
  }

  private static IOException tooLarge(int maxBodyBytes) {
    return new TooLarge(-1, maxBodyBytes);
  }

  /**
   * The answer's body is over the limit; {@code bytes} is its announced length, -1 when it gave
   * none.
   */
  static final class TooLarge extends IOException {
    final long bytes;
    final long limit;
    int status;

    TooLarge(long bytes, long limit) {
      super(
          "the container's answer is larger than "
              + limit
              + " bytes"
              + (bytes >= 0 ? " (" + bytes + ")" : ""));
      this.bytes = bytes;
      this.limit = limit;
    }
  }

  /**
   * One line without its CRLF (a bare LF is accepted). The end of the stream before a status line's
   * first byte means the container closed the connection without answering.
   */
  private static String line(InputStream in, boolean statusLine) throws IOException {
    byte[] buf = new byte[128];
    int n = 0;
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new EOFException(
            statusLine && n == 0
                ? "the container closed the connection without answering"
                : "the container closed the connection inside the answer's head");
      }
      if (n == MAX_LINE)
        throw new IOException("the container answered a line longer than " + MAX_LINE + " bytes");
      if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
      buf[n++] = (byte) c;
    }
    if (n > 0 && buf[n - 1] == '\r') n--;
    return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
