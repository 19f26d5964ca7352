package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.topic.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An action's topic and share group provisioned on a real broker: a new action's group holds its
 * share-partition state before any member joins, also when the broker did not know the new topic at
 * the first attempt, and provisioning an action again leaves that state where its members moved it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicAdminIT {
  static EmbeddedKafka kafka;
  static TopicAdmin topics;
  static Admin admin;
  static KafkaSettings settings;

  @BeforeAll
  static void start() throws Exception {
    kafka =
        EmbeddedKafka.start(Files.createTempDirectory("kwhisk-topic-admin-it").resolve("kafka"));
    settings = KafkaSettings.of(kafka.bootstrapServers());
    topics = new TopicAdmin(settings, "topic-admin-it", 1);
    topics.ensureSystemTopics(0);
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (admin != null) admin.close();
    if (topics != null) topics.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void aNewActionsShareGroupHoldsStateAtOffsetZeroBeforeAnyMemberJoins() throws Exception {
    FullyQualifiedName action = new FullyQualifiedName("guest", "fresh");

    topics.provisionAction(action).toCompletableFuture().get(30, TimeUnit.SECONDS);

    SharePartitionOffsetInfo state = shareState(action);
    assertThat(state).as("share state of %s", Topics.actionGroup(action)).isNotNull();
    assertThat(state.startOffset()).isZero();
    assertThat(admin.describeShareGroups(List.of(Topics.actionGroup(action))).all().get())
        .hasEntrySatisfying(
            Topics.actionGroup(action), g -> assertThat(g.members()).as("members").isEmpty());
  }

  @Test
  void provisioningAnExistingActionKeepsItsShareGroupsState() throws Exception {
    FullyQualifiedName action = new FullyQualifiedName("guest", "existing");
    topics.provisionAction(action).toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(Topics.actionTopic(action), "k", "v" + i)).get();
      }
    }
    // As if members had finished with the first two records.
    admin
        .alterShareGroupOffsets(Topics.actionGroup(action), Map.of(partition(action), 2L))
        .all()
        .get(30, TimeUnit.SECONDS);

    topics.provisionAction(action).toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(shareState(action).startOffset()).isEqualTo(2);
  }

  /**
   * The state is asked for before the topic exists, so the broker answers as one whose metadata
   * lags the topic's creation: {@code UnknownTopicOrPartition}. The topic is created during the
   * first wait, and a later attempt creates the state.
   */
  @Test
  void aNewActionsShareStateIsCreatedWhenTheBrokerKnowsItsTopicOnlyAfterTheFirstAttempt()
      throws Exception {
    FullyQualifiedName action = new FullyQualifiedName("guest", "lagging");
    String topic = Topics.actionTopic(action);
    List<Duration> waits = new CopyOnWriteArrayList<>();
    // more attempts than the production retry's 5, so that a loaded runner whose broker takes
    // longer than 750 ms to know the created topic does not fail the test
    BoundedRetry retry =
        new BoundedRetry(
            8,
            Duration.ofMillis(50),
            delay -> {
              waits.add(delay);
              Executor later =
                  CompletableFuture.delayedExecutor(
                      delay.toMillis(), TimeUnit.MILLISECONDS, Runnable::run);
              if (waits.size() > 1) return later;
              return task ->
                  admin
                      .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                      .all()
                      .whenComplete((v, t) -> later.execute(task));
            });

    try (TopicAdmin lagging = new TopicAdmin(settings, "topic-admin-it-lagging", 1, retry)) {
      lagging
          .initialiseShareState(Topics.actionGroup(action), topic)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }

    SharePartitionOffsetInfo state = shareState(action);
    assertThat(state).as("share state of %s", Topics.actionGroup(action)).isNotNull();
    assertThat(state.startOffset()).isZero();
    assertThat(waits)
        .as("waits before the attempts after the first")
        .startsWith(Duration.ofMillis(50));
  }

  private static SharePartitionOffsetInfo shareState(FullyQualifiedName action) throws Exception {
    String group = Topics.actionGroup(action);
    return admin
        .listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
        .partitionsToOffsetInfo(group)
        .get(30, TimeUnit.SECONDS)
        .get(partition(action));
  }

  private static TopicPartition partition(FullyQualifiedName action) {
    return new TopicPartition(Topics.actionTopic(action), 0);
  }
}
