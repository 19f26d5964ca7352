package io.kwhisk.invoker.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One persistent HTTP/1.1 connection to the runtime of a container that runs one activation at a
 * time: each call is a blocking POST on the caller's thread and waits for its answer, so calls
 * never overlap (they are serialised) and no pipelining is needed. What it saves over the JDK's
 * client is that client's per-request machinery (a request object, a connection pool look-up, the
 * exchange's futures and the hand-offs to and from its selector thread), which was the largest
 * serial cost left on a busy container's path (BENCHMARKS.md, "One container's throughput").
 *
 * <p>Contract, the same as the JDK client's as {@link HttpActionContainer} used it:
 *
 * <ol>
 *   <li>The connection opens on the first call (at most {@link #CONNECT_TIMEOUT}, and not past the
 *       call's timeout) and is kept while answers allow it; an answer with {@code Connection:
 *       close}, one whose body ends with the connection, a time-out and any failure close it, and
 *       the next call opens a new one.
 *   <li>Before a request goes out on a kept connection it is checked without blocking: a connection
 *       the container closed (or that holds bytes nobody asked for), or one idle longer than {@link
 *       #MAX_IDLE}, is replaced by a new one. That is the only reconnection: once any byte of a
 *       request was written, a broken connection fails the call, because the container may have got
 *       the request ({@code /run} is not idempotent).
 *   <li>{@code timeout} bounds connecting and reading the whole answer; an answer not complete by
 *       then is {@link CallOutcome.TimedOut}. Writing the request is not bounded: it goes to the
 *       kernel's send buffer, larger than the invoker's largest payload, unless the container stops
 *       reading.
 *   <li>A body over {@code maxBodyBytes} is {@link CallOutcome.TooLarge}. Every other ending is
 *       {@link CallOutcome.Failed} with the reason: no connection, a connection closed mid-answer,
 *       a malformed answer.
 * </ol>
 *
 * <p>Thread-safety: {@link #post} is synchronised (one call at a time); {@link #close} may be
 * called from any thread at any time, and fails a call in flight.
 */
final class RuntimeConnection implements AutoCloseable {
  /** As the JDK client's connect timeout (HttpActionContainer.newClient). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A connection idle this long is replaced rather than reused. Runtimes close idle connections
   * themselves (the JDK's HttpServer, under the java runtime, after 30 s; the nodejs runtime after
   * 60 s), and a close that crosses a request on the wire fails that request; the check before
   * sending cannot see a close not yet made.
   */
  static final Duration MAX_IDLE = Duration.ofSeconds(10);

  private final String host;
  private final int port;
  private final byte[] hostHeader;
  private final int maxBodyBytes;

  /** One byte read without blocking to find a kept connection the container closed. */
  private final ByteBuffer probe = ByteBuffer.allocateDirect(1);

  /**
   * The open connection, or null; written only under the lock, read by {@link #close} from any
   * thread.
   */
  private volatile SocketChannel channel;

  private volatile boolean closed;
  private TimedInput in;

  /** When the last answer on {@link #channel} was read (System.nanoTime). */
  private long idleSince;

  RuntimeConnection(String host, int port, int maxBodyBytes) {
    this.host = host;
    this.port = port;
    this.hostHeader = ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
    this.maxBodyBytes = maxBodyBytes;
  }

  /** POSTs a JSON {@code body} to {@code path} and reads the answer; never throws. */
  synchronized CallOutcome post(String path, byte[] body, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SocketChannel ch;
    try {
      ch = connection(deadline);
    } catch (SocketTimeoutException e) {
      return deadline - System.nanoTime() <= 0
          ? new CallOutcome.TimedOut()
          : new CallOutcome.Failed(e.toString());
    } catch (IOException e) {
      return new CallOutcome.Failed(e.toString());
    }
    boolean keep = false;
    try {
      write(ch, request(path, body));
      in.deadline = deadline;
      RuntimeResponse response = RuntimeResponse.read(in, maxBodyBytes);
      keep = response.keepAlive();
      idleSince = System.nanoTime();
      return HttpActionContainer.answered(response.status(), response.body());
    } catch (SocketTimeoutException e) {
      return new CallOutcome.TimedOut();
    } catch (RuntimeResponse.TooLarge e) {
      return new CallOutcome.TooLarge(e.status, e.bytes, e.limit);
    } catch (IOException e) {
      return new CallOutcome.Failed(
          closed ? "the connection to the container was closed: " + e : e.toString());
    } finally {
      if (!keep) disconnect();
    }
  }

  /** Closes the connection; a call in flight fails, later calls fail at once. Idempotent. */
  @Override
  public void close() {
    closed = true;
    SocketChannel ch = channel;
    if (ch != null) closeQuietly(ch);
  }

  /** The kept connection if the container did not close it, else a new one. */
  private SocketChannel connection(long deadline) throws IOException {
    if (closed) throw new IOException("the connection to the container is closed");
    SocketChannel ch = channel;
    if (ch != null
        && (System.nanoTime() - idleSince > MAX_IDLE.toNanos()
            || in.buffered()
            || closedByPeer(ch))) {
      disconnect();
      ch = null;
    }
    if (ch != null) return ch;
    long left = Math.min(CONNECT_TIMEOUT.toNanos(), deadline - System.nanoTime());
    if (left <= 0) throw new SocketTimeoutException("no time left to connect");
    ch = SocketChannel.open();
    try {
      ch.socket()
          .connect(
              new InetSocketAddress(host, port),
              (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
    channel = ch;
    in = new TimedInput(ch.socket());
    if (closed) { // close() ran while connecting and did not see this channel
      disconnect();
      throw new IOException("the connection to the container is closed");
    }
    return ch;
  }

  /**
   * Whether the container closed a kept connection (or sent bytes nobody asked for): one read
   * without blocking, which finds the end of the stream or a reset the container's close left
   * behind.
   */
  private boolean closedByPeer(SocketChannel ch) {
    try {
      ch.configureBlocking(false);
      int n = ch.read(probe.clear());
      ch.configureBlocking(true);
      return n != 0;
    } catch (IOException e) {
      return true;
    }
  }

  private byte[] request(String path, byte[] body) {
    byte[] head = ("POST " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] fields =
        ("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + hostHeader.length + fields.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(hostHeader, 0, request, head.length, hostHeader.length);
    System.arraycopy(fields, 0, request, head.length + hostHeader.length, fields.length);
    System.arraycopy(
        body, 0, request, head.length + hostHeader.length + fields.length, body.length);
    return request;
  }

  private static void write(SocketChannel ch, byte[] request) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(request);
    while (buffer.hasRemaining()) ch.write(buffer);
  }

  private void disconnect() {
    SocketChannel ch = channel;
    channel = null;
    in = null;
    if (ch != null) closeQuietly(ch);
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing is left to release.
    }
  }

  /**
   * The connection's input, buffered, whose reads give up at {@link #deadline} with a {@link
   * SocketTimeoutException}. Used under the connection's lock only.
   */
  private static final class TimedInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final byte[] buffer = new byte[8 * 1024];
    private int position;
    private int limit;
    long deadline;

    TimedInput(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    /** Whether bytes beyond the last answer were received. */
    boolean buffered() {
      return position < limit;
    }

    @Override
    public int read() throws IOException {
      if (position == limit && !fill()) return -1;
      return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (position == limit && !fill()) return -1;
      int n = Math.min(len, limit - position);
      System.arraycopy(buffer, position, b, off, n);
      position += n;
      return n;
    }

    private boolean fill() throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new SocketTimeoutException("the answer did not arrive in time");
      // At least 1 ms: a socket timeout of 0 would mean "wait for ever".
      socket.setSoTimeout(
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
      int n = in.read(buffer, 0, buffer.length);
      if (n < 0) return false;
      position = 0;
      limit = n;
      return true;
    }
  }
}
