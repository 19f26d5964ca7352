package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.log.ActivationMdc;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.fake.FakeContainer;
import io.kwhisk.invoker.fake.FakePublisher;
import io.kwhisk.invoker.fake.FakeRuntime;
import io.kwhisk.invoker.fake.FakeSource;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The proxy's actor with fakes for Docker, the container's HTTP API, Kafka feed and publisher. */
@Timeout(20)
class ContainerProxyTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Action ACTION =
      new Action(
          "guest",
          "hello",
          "r1",
          null,
          new Exec("nodejs:20", "function main(){}", null, false, null),
          null,
          null,
          new ActionLimits(1000, 256, 10, 1),
          0,
          false,
          0);

  private final FakeRuntime runtime = new FakeRuntime();

  /**
   * The fake runtime's log stream carries nothing: records go out without logs after the collection
   * timeout.
   */
  private final LogCollectors logs =
      new LogCollectors(
          LogSource.STREAM,
          runtime,
          Duration.ofSeconds(2),
          InvokerMetrics.discarding(),
          "test-logs");

  private final FakeContainer container = new FakeContainer();
  private final FakeSource source = new FakeSource();
  private final FakePublisher publisher = new FakePublisher();
  private final InvokerMetrics metrics = InvokerMetrics.discarding();
  private final TestProbe<ContainerProxy.Event> parent = testKit.createTestProbe();

  @AfterEach
  void closeLogs() {
    logs.close();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  private ProxyDeps deps(String keepAlive) {
    return deps(keepAlive, "0");
  }

  private ProxyDeps deps(String keepAlive, String pauseGrace) {
    return deps(keepAlive, pauseGrace, "10s");
  }

  private ProxyDeps deps(String keepAlive, String pauseGrace, String pauseGraceMax) {
    return deps(
        Map.of(
            "kwhisk.invoker.keep-alive",
            keepAlive,
            "kwhisk.invoker.pause-grace",
            pauseGrace,
            "kwhisk.invoker.pause-grace-max",
            pauseGraceMax),
        Clock.systemUTC());
  }

  /** Deps whose invoker settings are {@code settings} over a 10 s keep-alive with pausing off. */
  private ProxyDeps deps(Map<String, String> settings, Clock clock) {
    Map<String, String> all =
        new java.util.HashMap<>(
            Map.of(
                "kwhisk.kafka.bootstrap-servers", "unused:9092",
                "kwhisk.invoker.keep-alive", "10s",
                "kwhisk.invoker.pause-grace", "0",
                "kwhisk.invoker.first-pull-grace", "100ms"));
    all.putAll(settings);
    InvokerConfig config = InvokerConfig.from(ConfigSource.of(all));
    return new ProxyDeps(
        config.proxySettings(), runtime, container, source, publisher, logs, metrics, clock);
  }

  private double requeuedCount() {
    return metrics.registry().counter(InvokerMetrics.REQUEUED).count();
  }

  private ActorRef<ContainerProxy.Command> startProxy(String name, String keepAlive) {
    ActorRef<ContainerProxy.Command> proxy =
        testKit.spawn(
            ContainerProxy.create(name, ACTION, Duration.ZERO, parent.getRef(), deps(keepAlive)),
            name);
    assertThat(parent.expectMessageClass(ContainerProxy.Ready.class).name()).isEqualTo(name);
    await().until(() -> source.opened);
    return proxy;
  }

  /** Waits for the proxy's Stopped, skipping the busy and idle reports before it. */
  private void expectStopped(String name) {
    parent.fishForMessage(
        Duration.ofSeconds(5),
        e ->
            e.equals(new ContainerProxy.Stopped(name))
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
  }

  private static Delivery delivery(String activationId, long offset) {
    ActivationMessage m =
        new ActivationMessage(
            activationId,
            "tx",
            "guest",
            "hello",
            "r1",
            "guest",
            Json.object(),
            true,
            3,
            System.currentTimeMillis());
    return new Delivery(0, "act.guest.hello", 0, offset, 1, m);
  }

  /**
   * A delivery from the action's own topic (a share group's), given back {@code requeues} times.
   */
  private static Delivery fromActionTopic(String activationId, long offset, int requeues) {
    ActivationMessage m = delivery(activationId, offset).message();
    for (int i = 0; i < requeues; i++) m = m.requeued();
    return new Delivery(0, Topics.actionTopic(ACTION.fqn()), 0, offset, 1, m);
  }

  @Test
  void anActivationIsAcknowledgedOnlyAfterItsCompletionIsPublished() throws Exception {
    startProxy("p-ack", "10s");
    Delivery d = delivery("a1", 0);
    source.deliver(d);
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run.body().get("activation_id").asText()).isEqualTo("a1");
    run.answer().complete(new CallOutcome.Answered(200, Json.object().put("x", 1)));

    await().until(() -> publisher.pending.size() == 1);
    FakePublisher.PendingWrite write = publisher.pending.get(0);
    assertThat(write.controllerId()).isEqualTo(3);
    assertThat(write.completion().record().response().statusCode())
        .isEqualTo(ActivationResponse.SUCCESS);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> source.acknowledged.isEmpty()); // no ack before the completion is written

    write.written().complete(null);
    await().until(() -> source.acknowledged.contains(d));
    assertThat(source.released).isEmpty();
  }

  @Test
  void aLineAboutAnActivationCarriesItsIdItsActionAndItsContainerInTheMdc() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ContainerProxy.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      startProxy("p-mdc", "10s");
      source.deliver(delivery("m1", 0));
      container
          .runs
          .poll(5, TimeUnit.SECONDS)
          .answer()
          .complete(new CallOutcome.Answered(502, Json.object().put("error", "broken")));
      await()
          .until(
              () ->
                  lines.list.stream()
                      .anyMatch(e -> e.getFormattedMessage().contains("after activation m1")));
      ILoggingEvent replaced =
          lines.list.stream()
              .filter(e -> e.getFormattedMessage().contains("after activation m1"))
              .findFirst()
              .orElseThrow();
      assertThat(replaced.getMDCPropertyMap())
          .containsEntry(ActivationMdc.ACTIVATION_ID, "m1")
          .containsEntry(ActivationMdc.ACTION, "guest/hello")
          .containsEntry(ActivationMdc.CONTAINER, "p-mdc");
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void theProxyTellsThePoolWhenItBecomesBusyAndWhenItIsIdleAgain() throws Exception {
    startProxy("p-busy", "10s");
    source.deliver(delivery("b1", 0));
    assertThat(parent.expectMessageClass(ContainerProxy.Busy.class).name()).isEqualTo("p-busy");
    container
        .runs
        .poll(5, TimeUnit.SECONDS)
        .answer()
        .complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    parent.expectNoMessage(Duration.ofMillis(100));
    publisher.pending.get(0).written().complete(null);
    assertThat(parent.expectMessageClass(ContainerProxy.Idle.class).name()).isEqualTo("p-busy");
  }

  @Test
  void anIdleContainerIsPausedAfterThePauseGraceAndUnpausedBeforeItsNextRun() throws Exception {
    testKit.spawn(
        ContainerProxy.create(
            "p-pause", ACTION, Duration.ZERO, parent.getRef(), deps("10s", "200ms")),
        "p-pause");
    parent.expectMessageClass(ContainerProxy.Ready.class);
    await().until(() -> source.opened);
    await() // not before its first activation
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runtime.paused.isEmpty());

    source.deliver(delivery("p1", 0));
    container
        .runs
        .poll(5, TimeUnit.SECONDS)
        .answer()
        .complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    publisher.pending.get(0).written().complete(null);
    await().until(() -> runtime.paused.equals(java.util.List.of("id-p-pause")));
    assertThat(runtime.unpaused).isEmpty();

    source.deliver(delivery("p2", 1));
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run).isNotNull();
    assertThat(runtime.unpaused).as("unpaused before /run").containsExactly("id-p-pause");
    assertThat(run.body().get("activation_id").asText()).isEqualTo("p2");
  }

  @Test
  void
      aContainerCalledEveryFewHundredMillisecondsStopsBeingPausedBetweenCallsButStillPausesWhenCallsStop()
          throws Exception {
    testKit.spawn(
        ContainerProxy.create(
            "p-gaps", ACTION, Duration.ZERO, parent.getRef(), deps("10s", "200ms", "5s")),
        "p-gaps");
    parent.expectMessageClass(ContainerProxy.Ready.class);
    await().until(() -> source.opened);

    runToCompletion("g1", 0);
    await().until(() -> runtime.paused.size() == 1); // not idle before: the minimum grace
    Thread.sleep(400); // the idle gap the grace learns from, not a wait for an outcome
    runToCompletion("g2", 1); // idle ~600 ms: the grace becomes ~1.2 s
    assertThat(runtime.unpaused).hasSize(1);
    await() // idle 500 ms, below twice the gap: not paused
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runtime.paused.size() == 1);
    runToCompletion("g3", 2);
    assertThat(runtime.unpaused).as("the third call paid no unpause").hasSize(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> runtime.paused.size() == 2);
  }

  @Test
  void aContainerWhoseRunsAreShortPullsMoreRecordsPerPollAfterItsFirstRuns() throws Exception {
    // A stopped clock: every run takes 0 ms, the shortest there is.
    Clock stopped =
        Clock.fixed(java.time.Instant.parse("2026-11-23T00:00:00Z"), java.time.ZoneOffset.UTC);
    testKit.spawn(
        ContainerProxy.create(
            "p-prefetch", ACTION, Duration.ZERO, parent.getRef(), deps(Map.of(), stopped)),
        "p-prefetch");
    parent.expectMessageClass(ContainerProxy.Ready.class);
    await().until(() -> source.opened);
    assertThat(source.maxPollRecords).as("the action's concurrency to start with").isEqualTo(1);

    answerRuns(AdaptivePrefetch.SETTLE_RUNS);
    await().until(() -> source.maxPollRecords == AdaptivePrefetch.MAX);
  }

  @Test
  void aConfiguredPrefetchIsNeverResized() throws Exception {
    testKit.spawn(
        ContainerProxy.create(
            "p-fixed",
            ACTION,
            Duration.ZERO,
            parent.getRef(),
            deps(Map.of("kwhisk.invoker.prefetch", "2"), Clock.systemUTC())),
        "p-fixed");
    parent.expectMessageClass(ContainerProxy.Ready.class);
    await().until(() -> source.opened);
    assertThat(source.maxPollRecords).isEqualTo(2);

    answerRuns(2 * AdaptivePrefetch.SETTLE_RUNS);
    await().until(() -> publisher.pending.size() == 2 * AdaptivePrefetch.SETTLE_RUNS);
    assertThat(source.maxPollRecords).isEqualTo(2);
  }

  /** Delivers {@code n} activations in one poll and answers each /run at once. */
  private void answerRuns(int n) throws InterruptedException {
    Delivery[] batch = new Delivery[n];
    for (int i = 0; i < n; i++) batch[i] = delivery("r" + i, i);
    source.deliver(batch);
    for (int i = 0; i < n; i++) {
      FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
      assertThat(run).isNotNull();
      run.answer().complete(new CallOutcome.Answered(200, Json.object()));
    }
  }

  /**
   * Delivers one activation, answers its /run, completes its write and waits until the proxy
   * reports idle.
   */
  private void runToCompletion(String activationId, long offset) throws InterruptedException {
    int published = publisher.pending.size();
    source.deliver(delivery(activationId, offset));
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run).isNotNull();
    run.answer().complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == published + 1);
    publisher.pending.get(published).written().complete(null);
    parent.fishForMessage(
        Duration.ofSeconds(10),
        e ->
            e instanceof ContainerProxy.Idle
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
  }

  @Test
  void aRunWhoseContainerWasOomKilledIsADeveloperErrorAndTheContainerIsRemoved() throws Exception {
    startProxy("p-oom", "10s");
    runtime.status = new io.kwhisk.invoker.docker.ContainerStatus(false, false, true, 137);
    source.deliver(delivery("o1", 0));
    container
        .runs
        .poll(5, TimeUnit.SECONDS)
        .answer()
        .complete(new CallOutcome.Failed("connection reset"));
    await().until(() -> publisher.pending.size() == 1);
    ActivationResponse response = publisher.pending.get(0).completion().record().response();
    assertThat(response.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(response.result().get("error").asText())
        .isEqualTo("The action exhausted its memory and was aborted.");
    publisher.pending.get(0).written().complete(null);
    expectStopped("p-oom");
    assertThat(runtime.removed).containsExactly("id-p-oom");
  }

  @Test
  void aCompletionThatCannotBePublishedIsReleasedForRedelivery() throws Exception {
    startProxy("p-release", "10s");
    Delivery d = delivery("a2", 1);
    source.deliver(d);
    container
        .runs
        .poll(5, TimeUnit.SECONDS)
        .answer()
        .complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    publisher
        .pending
        .get(0)
        .written()
        .completeExceptionally(new IllegalStateException("broker down"));
    await().until(() -> source.released.contains(d));
    assertThat(source.acknowledged).isEmpty();
  }

  @Test
  void aRunThatTimesOutIsADeveloperErrorAndTheContainerIsRemovedAfterItIsPublished()
      throws Exception {
    startProxy("p-timeout", "10s");
    Delivery d = delivery("a3", 2);
    source.deliver(d);
    container.runs.poll(5, TimeUnit.SECONDS).answer().complete(new CallOutcome.TimedOut());
    await().until(() -> publisher.pending.size() == 1);
    ActivationResponse response = publisher.pending.get(0).completion().record().response();
    assertThat(response.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(response.result().get("error").asText())
        .isEqualTo("The action exceeded its time limit of 1000 milliseconds.");
    assertThat(runtime.removed).isEmpty();

    publisher.pending.get(0).written().complete(null);
    expectStopped("p-timeout");
    assertThat(source.acknowledged).containsExactly(d);
    assertThat(source.closed).isTrue();
    assertThat(runtime.removed).containsExactly("id-p-timeout");
  }

  @Test
  void anIdleContainerLeavesTheGroupAndIsRemovedWithItsConnectionAfterItsKeepAlive() {
    startProxy("p-idle", "300ms");
    expectStopped("p-idle");
    assertThat(source.closed).isTrue();
    assertThat(runtime.removed).containsExactly("id-p-idle");
    assertThat(container.closed).isTrue();
  }

  @Test
  void aContainerKeepsTheKeepAliveItsControllerDecidedNotTheConfiguredOne() {
    testKit.spawn(
        ContainerProxy.create(
            "p-decided", ACTION, Duration.ofMillis(300), parent.getRef(), deps("1h")),
        "p-decided");
    expectStopped("p-decided");
    assertThat(runtime.removed).containsExactly("id-p-decided");
  }

  @Test
  void anIdleContainerWhoseKeepAliveIsShortenedGoesWhenTheNewWindowEnds() {
    ActorRef<ContainerProxy.Command> proxy = startProxy("p-shortened", "1h");
    proxy.tell(new ContainerProxy.KeepAliveChanged(Duration.ofMillis(300)));
    expectStopped("p-shortened");
    assertThat(runtime.removed).containsExactly("id-p-shortened");
  }

  @Test
  void anActionsOwnKeepAliveAnnotationWinsOverTheControllersPolicy() {
    ProxySettings settings = deps("10s").settings();
    Map<String, com.fasterxml.jackson.databind.JsonNode> annotated =
        Map.of(
            ProxySettings.KEEP_ALIVE_ANNOTATION,
            com.fasterxml.jackson.databind.node.LongNode.valueOf(5_000));
    assertThat(settings.keepAliveFor(annotated, Duration.ofMinutes(7)))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.keepAliveFor(Map.of(), Duration.ofMinutes(7)))
        .isEqualTo(Duration.ofMinutes(7));
    assertThat(settings.keepAliveFor(Map.of(), Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aRetiredContainerFinishesItsRunningActivationFirst() throws Exception {
    ActorRef<ContainerProxy.Command> proxy = startProxy("p-retire", "10s");
    Delivery d = delivery("a4", 3);
    source.deliver(d);
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    proxy.tell(ContainerProxy.Retire.INSTANCE);
    await() // acknowledgements still need the feed, and the run its container
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !source.closed && runtime.removed.isEmpty());
    run.answer().complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    publisher.pending.get(0).written().complete(null);
    expectStopped("p-retire");
    assertThat(source.acknowledged).containsExactly(d);
  }

  @Test
  void activationsPulledBeyondTheConcurrencyLimitRunOneAfterAnotherWithoutWaitingForTheWrite()
      throws Exception {
    startProxy("p-queue", "10s");
    Delivery first = delivery("q1", 0);
    Delivery second = delivery("q2", 1);
    source.deliver(first, second);
    FakeContainer.PendingRun run1 = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run1.body().get("activation_id").asText()).isEqualTo("q1");
    assertThat(container.runs.poll(200, TimeUnit.MILLISECONDS))
        .as("concurrency 1: one run at a time")
        .isNull();

    run1.answer().complete(new CallOutcome.Answered(200, Json.object()));
    FakeContainer.PendingRun run2 = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run2.body().get("activation_id").asText()).isEqualTo("q2");
    assertThat(source.acknowledged).as("the first completion is not written yet").isEmpty();

    run2.answer().complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 2);
    publisher.pending.forEach(w -> w.written().complete(null));
    await().until(() -> source.acknowledged.size() == 2);
    assertThat(source.acknowledged).containsExactly(first, second);
    assertThat(source.released).isEmpty();
  }

  @Test
  void aRetiredContainerReleasesTheActivationsItHasNotStarted() throws Exception {
    ActorRef<ContainerProxy.Command> proxy = startProxy("p-retire-queue", "10s");
    Delivery running = delivery("r1", 0);
    Delivery waiting = delivery("r2", 1);
    source.deliver(running, waiting);
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    proxy.tell(ContainerProxy.Retire.INSTANCE);
    await().until(() -> source.released.size() == 1);
    assertThat(source.released).containsExactly(waiting);

    run.answer().complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    publisher.pending.get(0).written().complete(null);
    await().until(() -> source.acknowledged.size() == 1);
    assertThat(source.acknowledged).containsExactly(running);
    expectStopped("p-retire-queue");
    assertThat(container.runs).isEmpty();
  }

  @Test
  void anActivationPulledWhileTheContainerInitialisesRunsOnlyOnceTheInitSucceeded()
      throws Exception {
    container.initAnswer = new java.util.concurrent.CompletableFuture<>();
    testKit.spawn(
        ContainerProxy.create("p-overlap", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
        "p-overlap");
    await().alias("the group is joined while /init runs").until(() -> source.opened);
    Delivery d = delivery("o1", 0);
    source.deliver(d);
    parent.expectNoMessage(Duration.ofMillis(200));
    assertThat(container.runs).as("nothing runs before /init answered").isEmpty();

    container.initAnswer.complete(new CallOutcome.Answered(200, Json.object().put("ok", true)));
    assertThat(parent.expectMessageClass(ContainerProxy.Ready.class).name()).isEqualTo("p-overlap");
    assertThat(parent.expectMessageClass(ContainerProxy.Busy.class).name()).isEqualTo("p-overlap");
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run.body().get("activation_id").asText()).isEqualTo("o1");
    run.answer().complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    assertThat(publisher.pending.get(0).completion().record().annotation("initTime"))
        .as("the held activation is the cold one")
        .isPresent();
    publisher.pending.get(0).written().complete(null);
    await().until(() -> source.acknowledged.contains(d));
    assertThat(source.released).isEmpty();
  }

  @Test
  void aFailedInitCompletesTheFirstHeldActivationWithTheFailureAndReleasesTheOthersUnrun()
      throws Exception {
    container.initAnswer = new java.util.concurrent.CompletableFuture<>();
    testKit.spawn(
        ContainerProxy.create(
            "p-overlap-fail", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
        "p-overlap-fail");
    await().until(() -> source.opened);
    Delivery first = delivery("f1", 0);
    Delivery second = delivery("f2", 1);
    source.deliver(first, second);

    container.initAnswer.complete(
        new CallOutcome.Answered(502, Json.object().put("error", "syntax")));
    await().until(() -> publisher.pending.size() == 1 && source.released.size() == 1);
    assertThat(source.released).containsExactly(second);
    FakePublisher.PendingWrite write = publisher.pending.get(0);
    assertThat(write.completion().record().activationId()).isEqualTo("f1");
    assertThat(write.completion().record().response().statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    write.written().complete(null);
    await().until(() -> source.acknowledged.contains(first));
    expectStopped("p-overlap-fail");
    assertThat(source.closed).as("it left the group").isTrue();
    assertThat(container.runs).as("neither ran").isEmpty();
    assertThat(source.acknowledged).containsExactly(first);
  }

  @Test
  void anActivationPulledWhileTheContainerStartsGoesBackUnrunWhenTheStartFails() throws Exception {
    runtime.startAnswer = new java.util.concurrent.CompletableFuture<>();
    testKit.spawn(
        ContainerProxy.create("p-start-fail", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
        "p-start-fail");
    await().alias("the group is joined while the container starts").until(() -> source.opened);
    Delivery d = delivery("s1", 0);
    source.deliver(d);

    runtime.startAnswer.completeExceptionally(new IllegalStateException("no such image"));
    expectStopped("p-start-fail");
    assertThat(source.released).containsExactly(d);
    assertThat(source.closed).as("it left the group").isTrue();
    assertThat(source.acknowledged).isEmpty();
    assertThat(container.runs).isEmpty();
  }

  @Test
  void aContainerRetiredWhileItStartsStopsPullingBeforeItGivesBackWhatItHolds() throws Exception {
    runtime.startAnswer = new java.util.concurrent.CompletableFuture<>();
    ActorRef<ContainerProxy.Command> proxy =
        testKit.spawn(
            ContainerProxy.create(
                "p-retire-start", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
            "p-retire-start");
    await().until(() -> source.opened);
    Delivery d = delivery("r1", 0);
    source.deliver(d);

    proxy.tell(ContainerProxy.Retire.INSTANCE);
    await().until(() -> source.released.contains(d));
    assertThat(source.stoppedPulling).isTrue();
    assertThat(source.releasedWhilePulling).isEmpty();
    assertThat(source.closed).as("still starting: it stays in the group until it can go").isFalse();

    runtime.startAnswer.complete(
        new io.kwhisk.invoker.docker.RunningContainer(
            "id-p-retire-start", "p-retire-start", "127.0.0.1", 8080));
    expectStopped("p-retire-start");
    assertThat(source.closed).isTrue();
    assertThat(container.runs).isEmpty();
  }

  @Test
  void anActivationHeldByAContainerThatNeverStartedGoesBackAsANewRecordBeforeTheFeedLeaves()
      throws Exception {
    runtime.startAnswer = new java.util.concurrent.CompletableFuture<>();
    publisher.requeueAnswer = new java.util.concurrent.CompletableFuture<>();
    testKit.spawn(
        ContainerProxy.create("p-requeue", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
        "p-requeue");
    await().until(() -> source.opened);
    Delivery d = fromActionTopic("q1", 0, 0);
    source.deliver(d);

    runtime.startAnswer.completeExceptionally(
        new IllegalStateException("port 8080 did not open within 30000 ms"));
    await().until(() -> publisher.requeued.size() == 1);
    ActivationMessage copy = publisher.requeued.get(0);
    assertThat(copy.activationId()).isEqualTo("q1");
    assertThat(copy.requeues()).isEqualTo(1);
    assertThat(copy.enqueuedAt()).isEqualTo(d.message().enqueuedAt());
    expectStopped("p-requeue");
    assertThat(source.acknowledged).as("not before the new record is written").isEmpty();
    assertThat(source.closed).as("the feed stays until the original is accepted").isFalse();
    assertThat(requeuedCount()).as("counted once written").isZero();

    publisher.requeueAnswer.complete(null);
    await().until(() -> source.closed);
    assertThat(source.acknowledged).containsExactly(d);
    assertThat(requeuedCount()).isEqualTo(1.0);
    assertThat(source.released).isEmpty();
    assertThat(container.runs).isEmpty();
  }

  @Test
  void anActivationGivenBackAsOftenAsTheLimitAllowsIsReleasedInstead() {
    runtime.startAnswer = new java.util.concurrent.CompletableFuture<>();
    testKit.spawn(
        ContainerProxy.create(
            "p-requeue-limit", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
        "p-requeue-limit");
    await().until(() -> source.opened);
    Delivery tooOften = fromActionTopic("q2", 0, Requeues.LIMIT);
    Delivery once = fromActionTopic("q3", 1, Requeues.LIMIT - 1);
    source.deliver(tooOften, once);

    runtime.startAnswer.completeExceptionally(new IllegalStateException("engine overloaded"));
    expectStopped("p-requeue-limit");
    await().until(() -> source.closed);
    assertThat(source.released).containsExactly(tooOften);
    assertThat(publisher.requeued)
        .extracting(ActivationMessage::activationId)
        .containsExactly("q3");
    assertThat(source.acknowledged).containsExactly(once);
  }

  @Test
  void anActivationWhoseNewRecordCannotBeWrittenIsReleased() {
    container.initAnswer = new java.util.concurrent.CompletableFuture<>();
    publisher.requeueAnswer =
        java.util.concurrent.CompletableFuture.failedFuture(
            new IllegalStateException("broker away"));
    testKit.spawn(
        ContainerProxy.create(
            "p-requeue-fails", ACTION, Duration.ZERO, parent.getRef(), deps("10s")),
        "p-requeue-fails");
    await().until(() -> source.opened);
    Delivery first = fromActionTopic("q4", 0, 0);
    Delivery second = fromActionTopic("q5", 1, 0);
    source.deliver(first, second);

    container.initAnswer.complete(
        new CallOutcome.Answered(502, Json.object().put("error", "syntax")));
    await().until(() -> publisher.pending.size() == 1 && source.released.size() == 1);
    assertThat(publisher.requeued)
        .extracting(ActivationMessage::activationId)
        .containsExactly("q5");
    assertThat(source.released).as("nothing is lost").containsExactly(second);
    publisher.pending.get(0).written().complete(null);
    await().until(() -> source.acknowledged.contains(first));
    expectStopped("p-requeue-fails");
    assertThat(source.acknowledged).containsExactly(first);
  }
}
