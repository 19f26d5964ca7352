package io.kwhisk.invoker.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.invoker.proxy.ActivationSource;
import io.kwhisk.invoker.proxy.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PushSourcesTest {
  final List<String> events = new ArrayList<>();
  final PushSources sources =
      new PushSources(
          new PushSources.Listener() {
            @Override
            public void acknowledged(String container, String activationId) {
              events.add("ack " + container + " " + activationId);
            }

            @Override
            public void released(String container, String activationId) {
              events.add("release " + container + " " + activationId);
            }
          });

  static Delivery delivery(String id) {
    return new Delivery(
        0,
        "invoker1.activations",
        0,
        0,
        1,
        new ActivationMessage(id, "t", "guest", "a", "r1", "guest", Json.object(), false, 0, 0));
  }

  ActivationSource open(String container, List<Delivery> received) {
    return sources.open(
        new FullyQualifiedName("guest", "a"), container, 1, 1, received::addAll, e -> {});
  }

  @Test
  void activationsHandedOverBeforeTheProxyOpensAreDeliveredWhenItDoes() {
    sources.register("c1");
    sources.deliver("c1", delivery("x"));
    List<Delivery> received = new ArrayList<>();
    open("c1", received);
    sources.deliver("c1", delivery("y"));
    assertThat(received).extracting(Delivery::activationId).containsExactly("x", "y");
  }

  @Test
  void anAcknowledgementOrReleaseIsReportedOnceAndTheRestIsUnfinishedAtUnregister() {
    sources.register("c1");
    List<Delivery> received = new ArrayList<>();
    ActivationSource source = open("c1", received);
    sources.deliver("c1", delivery("x"));
    sources.deliver("c1", delivery("y"));
    sources.deliver("c1", delivery("z"));
    source.acknowledge(received.get(0));
    source.acknowledge(received.get(0));
    source.release(received.get(1));
    source.close();
    source.acknowledge(received.get(1));
    assertThat(events).containsExactly("ack c1 x", "release c1 y");
    assertThat(sources.unregister("c1")).containsExactly("z");
  }

  @Test
  void aDeliveryToAClosedOrUnknownContainerBouncesBackAsReleased() {
    sources.register("c1");
    List<Delivery> received = new ArrayList<>();
    open("c1", received).close();
    sources.deliver("c1", delivery("x"));
    sources.deliver("gone", delivery("y"));
    assertThat(received).isEmpty();
    assertThat(events).containsExactly("release c1 x", "release gone y");
    assertThat(sources.unregister("c1")).isEmpty();
  }
}
