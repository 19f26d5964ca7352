package io.kwhisk.invoker.docker;

import static io.kwhisk.invoker.ControllerDouble.docker;
import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Docker runtime against the real engine. */
class DockerContainerRuntimeIT {
  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";

  @Test
  @Timeout(120)
  void pauseAndRemoveStillWorkWhileMoreLogStreamsAreOpenThanEngineCallsHaveConnections()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> owner =
        Map.of(ContainerRuntime.INVOKER_LABEL, "74", ContainerRuntime.CLUSTER_LABEL, "it-" + run);
    List<RunningContainer> started = new ArrayList<>();
    List<AutoCloseable> logs = new ArrayList<>();
    // Two connections for engine calls, three containers whose logs are followed: a followed stream
    // holds its
    // connection for the container's life, so streams sharing the engine calls' pool would leave
    // none for pause.
    try (DockerContainerRuntime runtime =
        DockerContainerRuntime.create(
            "unix:///var/run/docker.sock",
            "bridge",
            Duration.ofSeconds(30),
            owner,
            ContainerHardening.defaults(2048),
            InvokerMetrics.discarding(),
            1,
            2)) {
      try {
        for (int i = 0; i < 3; i++) {
          RunningContainer c =
              runtime
                  .start(new ContainerSpec("kwhisk-it-" + run + "-" + i, IMAGE, 128, Map.of()))
                  .toCompletableFuture()
                  .get(60, TimeUnit.SECONDS);
          started.add(c);
          logs.add(runtime.followLogs(c.id(), (stderr, bytes) -> {}));
        }
        Thread.sleep(500); // let every stream attach

        String first = started.get(0).id();
        runtime.pause(first).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(docker("inspect", "-f", "{{.State.Paused}}", first).trim()).isEqualTo("true");
        runtime.unpause(first).toCompletableFuture().get(20, TimeUnit.SECONDS);
        for (RunningContainer c : started)
          runtime.remove(c.id()).toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(runtime.list(owner).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEmpty();
      } finally {
        for (AutoCloseable l : logs) l.close();
        for (RunningContainer c : started) {
          try {
            docker("rm", "-f", c.id());
          } catch (IllegalStateException alreadyGone) {
            // removed by the test
          }
        }
      }
    }
  }

  @Test
  @Timeout(120)
  void aStartedContainerNamesItsJsonLogFileWhichHoldsItsOutput() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> owner =
        Map.of(ContainerRuntime.INVOKER_LABEL, "74", ContainerRuntime.CLUSTER_LABEL, "it-" + run);
    try (DockerContainerRuntime runtime =
        DockerContainerRuntime.create(
            "unix:///var/run/docker.sock",
            "bridge",
            Duration.ofSeconds(30),
            owner,
            ContainerHardening.defaults(2048),
            InvokerMetrics.discarding())) {
      RunningContainer c =
          runtime
              .start(new ContainerSpec("kwhisk-it-" + run, IMAGE, 128, Map.of()))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      try {
        assertThat(c.logFile()).as("json-file driver, local engine, root").isNotNull();
        assertThat(c.logFile().toString())
            .isEqualTo(docker("inspect", "-f", "{{.LogPath}}", c.id()).trim());
        assertThat(java.nio.file.Files.isReadable(c.logFile())).isTrue();
      } finally {
        runtime.remove(c.id()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Timeout(180)
  void aRemovalDoesNotWaitForTheCreationsQueuedBeforeIt() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> owner =
        Map.of(ContainerRuntime.INVOKER_LABEL, "74", ContainerRuntime.CLUSTER_LABEL, "it-" + run);
    // One creation at a time: three creations queue on it, the removal asked for after them must
    // not.
    try (DockerContainerRuntime runtime =
        DockerContainerRuntime.create(
            "unix:///var/run/docker.sock",
            "bridge",
            Duration.ofSeconds(30),
            owner,
            ContainerHardening.defaults(2048),
            InvokerMetrics.discarding(),
            1)) {
      RunningContainer old =
          runtime
              .start(new ContainerSpec("kwhisk-it-" + run + "-old", IMAGE, 128, Map.of()))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      List<java.util.concurrent.CompletableFuture<RunningContainer>> creations = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          creations.add(
              runtime
                  .start(new ContainerSpec("kwhisk-it-" + run + "-" + i, IMAGE, 128, Map.of()))
                  .toCompletableFuture());
        }
        runtime.remove(old.id()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(creations.get(2))
            .as("the last creation still waits for the single creation thread")
            .isNotDone();
        assertThat(docker("ps", "-aq", "--filter", "id=" + old.id()).trim()).isEmpty();
      } finally {
        for (var c : creations)
          runtime
              .remove(c.get(60, TimeUnit.SECONDS).id())
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      }
    }
  }
}
