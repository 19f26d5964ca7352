package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.ContainerKeepAlive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class KafkaInvokerCommandsTest {
  @Test
  void everyCommandIsKeyedByItsActionsPathSoAnActionsCommandsStayInOrder() {
    var action = SchedulingPolicyTest.action("hello", 256, 1, 1);
    assertThat(KafkaInvokerCommands.key(new ContainerCreation("c", action, 0, 0, 60_000)))
        .isEqualTo("guest/hello");
    assertThat(KafkaInvokerCommands.key(new ContainerDeletion("guest", "hello", null)))
        .isEqualTo("guest/hello");
    assertThat(KafkaInvokerCommands.key(new ContainerKeepAlive("guest", "hello", 1)))
        .isEqualTo("guest/hello");
  }
}
