package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.controller.activation.StoreMembership;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forwarded reads to peers that cannot answer, on this machine's loopback and without Kafka (the
 * peers are asked directly): each is unavailable (status 0, which {@link ActivationsApi} answers
 * with 503), and the failure says why. Pekko's client names the connect timeout it applied in the
 * failure of its connect command, which is how these tests see that {@link
 * StorePeers#CONNECT_TIMEOUT} is used, without timing anything.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StorePeersTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  private static final String CONNECT_TIMEOUT =
      "Some(" + StorePeers.CONNECT_TIMEOUT.toMillis() + " milliseconds)";

  private final StorePeers peers = new StorePeers(testKit.system(), new StoreMembership(0));
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) c.close();
  }

  @Test
  void aPeerWhosePortIsClosedIsUnavailableFromTheRefusedConnection() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    StorePeers.Answer answer = ask("http://127.0.0.1:" + closed);

    assertThat(answer.status()).as(answer.body()).isZero();
    assertThat(answer.body())
        .contains("Connection refused")
        .as("the connect command carried the connect timeout")
        .contains(CONNECT_TIMEOUT);
  }

  @Test
  void aPeerThatNeverCompletesTheConnectionIsUnavailableOnceTheConnectTimeoutExpires()
      throws Exception {
    StorePeers.Answer answer = ask("http://127.0.0.1:" + fullAcceptQueue());

    assertThat(answer.status()).as(answer.body()).isZero();
    assertThat(answer.body())
        .as("not the response timeout")
        .contains("Connect timeout of " + CONNECT_TIMEOUT + " expired");
  }

  private StorePeers.Answer ask(String peer) throws Exception {
    return peers
        .first(List.of(peer), "/api/v1/namespaces/_/activations/x", Optional.empty())
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  /**
   * The port of a listener that never accepts and whose accept queue is full, so that Linux drops a
   * new connection's SYN (as a host that is gone does) instead of refusing it: connecting then
   * neither succeeds nor fails until the client gives up.
   */
  private int fullAcceptQueue() throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    opened.add(listener);
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      opened.add(s);
      try {
        s.connect(address, 300);
      } catch (SocketTimeoutException full) {
        return listener.getLocalPort();
      }
    }
    throw new IllegalStateException("the accept queue of " + address + " never filled");
  }
}
