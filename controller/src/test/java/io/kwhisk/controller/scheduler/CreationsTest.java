package io.kwhisk.controller.scheduler;

import static io.kwhisk.controller.scheduler.SchedulingPolicyTest.action;
import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.InvokerCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CreationsTest {
  static final Action A = action("a", 256, 1, 10);
  static final Action B = action("b", 128, 1, 10);

  final List<InvokerCommand> commands = new ArrayList<>();
  final Creations creations = new Creations(3, (invoker, c) -> commands.add(c), 1_000);

  @Test
  void aSentCreationCarriesTheKeepAliveAndIsInFlightAgainstItsInvoker() {
    creations.send(new PlannedCreation(2, A, 1), 60_000, 100);
    ContainerCreation sent = (ContainerCreation) commands.get(0);
    assertThat(sent.keepAliveMs()).isEqualTo(60_000);
    assertThat(creations.inFlight())
        .containsExactly(new CreationInFlight(sent.creationId(), 2, A.fqn().path(), 256, 1, 100));
  }

  @Test
  void creationsGoWhenTheyTimeOutTheirInvokerIsOfflineOrTheirActionIsDeleted() {
    creations.send(new PlannedCreation(1, A, 0), 0, 100);
    creations.send(new PlannedCreation(2, A, 0), 0, 600);
    creations.send(new PlannedCreation(1, B, 0), 0, 900);
    creations.expire(1_200, List.of(1, 2));
    assertThat(creations.inFlight())
        .extracting(CreationInFlight::requestedAt)
        .containsExactly(600L, 900L);
    creations.expire(1_200, List.of(1));
    assertThat(creations.inFlight()).extracting(CreationInFlight::invokerId).containsExactly(1);
    creations.forget(B.fqn().path());
    assertThat(creations.inFlight()).isEmpty();
  }
}
