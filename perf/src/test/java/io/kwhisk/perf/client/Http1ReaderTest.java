package io.kwhisk.perf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Http1ReaderTest {
  /** Hands out one byte per read, so every line and body crosses buffer refills. */
  private static InputStream trickle(String s) {
    ByteArrayInputStream in = new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    return new InputStream() {
      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return len == 0 ? 0 : in.read(b, off, 1);
      }
    };
  }

  @Test
  void answersFramedByLengthAndByChunksFollowEachOtherOnOneStreamEvenByteByByte() throws Exception {
    Http1Reader r =
        new Http1Reader(
            trickle(
                "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nServer: x\r\n\r\nhello"
                    + "HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n"
                    + "Trailer: t\r\n\r\n"
                    + "HTTP/1.1 204 No Content\r\n\r\n"));

    HttpAnswer a = r.read();
    HttpAnswer b = r.read();
    HttpAnswer c = r.read();

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEqualTo("hello");
    assertThat(b.status()).isEqualTo(502);
    assertThat(b.body()).isEqualTo("abcde");
    assertThat(c.status()).isEqualTo(204);
    assertThat(c.body()).isEmpty();
    assertThat(r.closeAfter()).isFalse();
    assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
  }

  @Test
  void aBodyWithoutLengthRunsToTheEndOfTheStreamAndClosesTheConnection() throws Exception {
    Http1Reader r =
        new Http1Reader(
            trickle("HTTP/1.0 200 OK\nContent-Type: application/json\n\n{\"a\":\"é\"}"));

    HttpAnswer a = r.read();

    assertThat(a.body()).isEqualTo("{\"a\":\"é\"}");
    assertThat(r.closeAfter()).isTrue();
  }

  @Test
  void aStreamThatEndsInsideABodyIsAnErrorNotAShortAnswer() {
    Http1Reader r = new Http1Reader(trickle("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));

    assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
  }

  @Test
  void somethingThatIsNotHttpIsRejected() {
    Http1Reader r = new Http1Reader(trickle("SSH-2.0-OpenSSH\r\n\r\n"));

    assertThatThrownBy(r::read).isInstanceOf(IOException.class).hasMessageContaining("status line");
  }
}
