package io.kwhisk.perf.client;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The load generator's cheap client: each connection is one blocking HTTP/1.1 keep-alive socket
 * (TCP_NODELAY), each action's request bytes are built once and shared, and the answer is parsed no
 * further than status, framing and body ({@link Http1Reader}). A connection that fails or that the
 * server asks to close is closed and opened again for the next request; a failed request is not
 * retried (a blocking invoke is not idempotent), it is the caller's error to count. Thread-safe;
 * its connections are not.
 *
 * <p>The target's timeout is not a socket read timeout: with one, the JDK reads in non-blocking
 * mode and polls, three system calls per read instead of one, which the profile showed as a good
 * part of the client's CPU. A watchdog thread instead looks at the open requests once a second and
 * closes the socket of one past its deadline, which fails its blocked read.
 */
public final class RawHttpClient implements InvokeClient {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long WATCH_MILLIS = 1_000;

  private final String host;
  private final int port;
  private final Duration timeout;
  private final Function<String, byte[]> build;
  private final Map<String, byte[]> requests = new ConcurrentHashMap<>();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean watching = new AtomicBoolean();

  /** Blocking invokes of kwhisk (or OpenWhisk) actions. */
  public RawHttpClient(InvokeTarget target) {
    this(target.host(), target.port(), target.timeout(), action -> invokeRequest(target, action));
  }

  /**
   * Any fixed requests: {@code build} makes the whole request (line, headers, body) sent for a key,
   * once per key; a connection's {@link InvokeConnection#invoke} takes the key.
   */
  public RawHttpClient(String host, int port, Duration timeout, Function<String, byte[]> build) {
    this.host = Objects.requireNonNull(host, "host should not be null");
    this.port = port;
    this.timeout = Objects.requireNonNull(timeout, "timeout should not be null");
    this.build = Objects.requireNonNull(build, "build should not be null");
  }

  @Override
  public InvokeConnection open() {
    if (watching.compareAndSet(false, true)) {
      Thread watchdog = new Thread(this::watch, "perf-raw-http-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }
    return new Connection();
  }

  private void watch() {
    while (true) {
      try {
        Thread.sleep(WATCH_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Connection c : open) {
        long deadline = c.deadlineNanos;
        if (deadline != 0 && now - deadline > 0) c.close();
      }
    }
  }

  /** The whole request of a blocking invoke of {@code action} with no parameters ({@code {}}). */
  static byte[] invokeRequest(InvokeTarget target, String action) {
    return ("POST "
            + target.invokePath(WhiskClient.encodeName(action))
            + " HTTP/1.1\r\n"
            + "Host: "
            + target.host()
            + ":"
            + target.port()
            + "\r\n"
            + "Authorization: "
            + target.authorization()
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 2\r\n"
            + "\r\n{}")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A POST of a JSON body to {@code path} ({@code /run} of an action container, say), as bytes. */
  public static byte[] jsonPost(String host, int port, String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private byte[] request(String key) {
    return requests.computeIfAbsent(key, build);
  }

  private final class Connection implements InvokeConnection {
    private volatile Socket socket;
    private OutputStream out;
    private Http1Reader reader;

    /**
     * When the request in flight times out ({@link System#nanoTime}); 0 when none is. Read by the
     * watchdog.
     */
    private volatile long deadlineNanos;

    @Override
    public HttpAnswer invoke(String action) throws IOException {
      byte[] request = request(action);
      if (socket == null) connect();
      deadlineNanos = System.nanoTime() + timeout.toNanos();
      try {
        out.write(request);
        out.flush();
        HttpAnswer answer = reader.read();
        if (reader.closeAfter()) close();
        return answer;
      } catch (IOException | RuntimeException e) {
        close();
        if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
          throw new SocketTimeoutException("no answer within " + timeout);
        }
        throw e;
      } finally {
        deadlineNanos = 0;
      }
    }

    private void connect() throws IOException {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        out = new BufferedOutputStream(s.getOutputStream(), 4096);
        reader = new Http1Reader(s.getInputStream());
        socket = s;
        open.add(this);
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }

    /**
     * Closes the socket; called by the owner, or by the watchdog on a request past its deadline.
     */
    @Override
    public synchronized void close() {
      open.remove(this);
      Socket s = socket;
      if (s == null) return;
      try {
        s.close();
      } catch (IOException ignored) {
        // Nothing left to release.
      }
      socket = null;
    }
  }
}
