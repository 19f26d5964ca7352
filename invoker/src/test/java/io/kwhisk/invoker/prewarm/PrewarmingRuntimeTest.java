package io.kwhisk.invoker.prewarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.invoker.docker.ContainerSpec;
import io.kwhisk.invoker.docker.ContainerStatus;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.fake.FakeRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PrewarmingRuntimeTest {
  private static final String NODE = "kwhisk/action-nodejs-v20:latest";

  private final FakeRuntime docker = new FakeRuntime();
  private final InvokerMetrics metrics = InvokerMetrics.discarding();

  private static ContainerSpec spec(String name, String image, long memoryMb) {
    return new ContainerSpec(name, image, memoryMb, Map.of("io.kwhisk.action", "guest/" + name));
  }

  @Test
  void theStockIsStartedAtOnceAndLabelledAsPrewarm() {
    PrewarmingRuntime runtime =
        new PrewarmingRuntime(
            docker, List.of(new PrewarmingRuntime.Stock(NODE, 256, 2)), metrics, "kwhisk9_x");
    assertThat(docker.started).hasSize(2);
    assertThat(docker.started)
        .allSatisfy(
            s -> {
              assertThat(s.labels()).containsEntry(PrewarmingRuntime.PREWARM_LABEL, NODE);
              assertThat(s.memoryMb()).isEqualTo(256);
            });
    assertThat(runtime.ready(NODE, 256)).isEqualTo(2);
  }

  @Test
  void aStartForTheStocksImageAndMemoryTakesAPrewarmedContainerAndReplacesIt() throws Exception {
    PrewarmingRuntime runtime =
        new PrewarmingRuntime(
            docker, List.of(new PrewarmingRuntime.Stock(NODE, 256, 1)), metrics, "kwhisk9_x");
    RunningContainer c = runtime.start(spec("a", NODE, 256)).toCompletableFuture().get();
    assertThat(c.name()).isEqualTo("kwhisk9_x_prewarm_1");
    assertThat(docker.started)
        .extracting(ContainerSpec::name)
        .containsExactly("kwhisk9_x_prewarm_1", "kwhisk9_x_prewarm_2");
    assertThat(runtime.ready(NODE, 256)).as("replenished").isEqualTo(1);
    assertThat(metrics.registry().get(InvokerMetrics.PREWARM_USED).counter().count()).isEqualTo(1);
  }

  @Test
  void theReplacementIsAskedOfTheEngineOnlyOnceTheTakenContainerWasChecked() throws Exception {
    PrewarmingRuntime runtime =
        new PrewarmingRuntime(
            docker, List.of(new PrewarmingRuntime.Stock(NODE, 256, 1)), metrics, "kwhisk9_x");
    docker.statusAnswer = new CompletableFuture<>();
    var taken = runtime.start(spec("a", NODE, 256)).toCompletableFuture();
    assertThat(docker.started)
        .as("no creation competes with the check on the cold start's path")
        .extracting(ContainerSpec::name)
        .containsExactly("kwhisk9_x_prewarm_1");
    docker.statusAnswer.complete(new ContainerStatus(true, false, false, -1));
    assertThat(taken.get().name()).isEqualTo("kwhisk9_x_prewarm_1");
    assertThat(docker.started)
        .extracting(ContainerSpec::name)
        .containsExactly("kwhisk9_x_prewarm_1", "kwhisk9_x_prewarm_2");
  }

  @Test
  void aStartForAnotherImageOrMemoryCreatesAContainer() throws Exception {
    PrewarmingRuntime runtime =
        new PrewarmingRuntime(
            docker, List.of(new PrewarmingRuntime.Stock(NODE, 256, 1)), metrics, "kwhisk9_x");
    assertThat(runtime.start(spec("big", NODE, 512)).toCompletableFuture().get().name())
        .isEqualTo("big");
    assertThat(runtime.start(spec("j", "java", 256)).toCompletableFuture().get().name())
        .isEqualTo("j");
    assertThat(runtime.ready(NODE, 256)).isEqualTo(1);
  }

  @Test
  void closingRemovesTheStock() {
    PrewarmingRuntime runtime =
        new PrewarmingRuntime(
            docker, List.of(new PrewarmingRuntime.Stock(NODE, 256, 2)), metrics, "kwhisk9_x");
    runtime.close();
    assertThat(docker.removed)
        .containsExactlyInAnyOrder("id-kwhisk9_x_prewarm_1", "id-kwhisk9_x_prewarm_2");
    assertThat(runtime.ready(NODE, 256)).isZero();
  }

  @Test
  void aStockContainerThatDiedIsRemovedAndTheStartCreatesANewContainer() throws Exception {
    PrewarmingRuntime runtime =
        new PrewarmingRuntime(
            docker, List.of(new PrewarmingRuntime.Stock(NODE, 256, 1)), metrics, "kwhisk9_x");
    docker.status = new ContainerStatus(false, false, false, 137);
    RunningContainer c = runtime.start(spec("a", NODE, 256)).toCompletableFuture().get();
    assertThat(docker.removed).contains("id-kwhisk9_x_prewarm_1");
    assertThat(c.name()).as("a new container, not the dead one").isEqualTo("a");
    assertThat(metrics.registry().get(InvokerMetrics.PREWARM_USED).counter().count()).isZero();
  }
}
