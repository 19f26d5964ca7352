package io.kwhisk.controller.kafka;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.Replication;
import io.kwhisk.common.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's topic administration: system topics at start-up, and one topic plus share-group
 * configuration per action. Every operation is asynchronous (Kafka's own futures) so callers on an
 * actor or HTTP thread never block; creating what already exists succeeds.
 */
public final class TopicAdmin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  /**
   * Share groups start at the earliest record so that an activation produced before the first
   * container joins is not skipped.
   */
  static final String SHARE_RESET = "share.auto.offset.reset";

  /**
   * The group's dead-letter topic (KIP-1191): where the broker puts a record that reached the
   * delivery limit.
   */
  static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";

  /**
   * Whether the dead letter carries the record itself (the activation), not only headers naming it.
   */
  static final String DLQ_COPY = "errors.deadletterqueue.copy.record.enable";

  /**
   * How long a new action's share state is tried again while the broker does not know the topic
   * just created (its metadata not yet everywhere, on a busy broker): 50, 100, 200 and 400 ms
   * between five attempts, 750 ms in all, the order of the heartbeat (500 ms) the state saves.
   */
  private static final BoundedRetry SHARE_STATE_RETRY =
      BoundedRetry.onTimer(5, Duration.ofMillis(50));

  private final Admin admin;
  private final Replication replication;
  private final BoundedRetry shareStateRetry;

  /**
   * Connects; with {@code replicationFactor} {@link Replication#AUTO} asks the cluster how many
   * brokers it has, so this blocks (start-up only) and fails when Kafka does not answer in 30 s.
   */
  public TopicAdmin(KafkaSettings kafka, String clientId, int replicationFactor) {
    this(kafka, clientId, replicationFactor, SHARE_STATE_RETRY);
  }

  /** As the public constructor, with another retry of a new action's share state (tests). */
  TopicAdmin(
      KafkaSettings kafka, String clientId, int replicationFactor, BoundedRetry shareStateRetry) {
    this.shareStateRetry =
        Objects.requireNonNull(shareStateRetry, "shareStateRetry should not be null");
    Map<String, Object> props = kafka.clientConfig(clientId);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.admin = Admin.create(props);
    try {
      this.replication = Replication.discover(admin, replicationFactor, Duration.ofSeconds(30));
      log.info(
          "kwhisk's topics: {} replicas, min.insync.replicas {}",
          replication.factor(),
          replication.minInsyncReplicas());
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  /** How this admin's topics are replicated. */
  public Replication replication() {
    return replication;
  }

  /** As {@link #ensureSystemTopics(int, Duration)}, {@code completed<id>} keeping 24 h. */
  public void ensureSystemTopics(int controllerId) throws InterruptedException, TimeoutException {
    ensureSystemTopics(controllerId, Duration.ofHours(24));
  }

  /**
   * Creates the topics this controller reads, if missing; blocks (start-up only). Its {@code
   * completed<id>} keeps records for {@code completedRetention} (the activation store's retention:
   * a controller with an empty store copies what the topic keeps), set again on a topic that
   * exists.
   */
  public void ensureSystemTopics(int controllerId, Duration completedRetention)
      throws InterruptedException, TimeoutException {
    String retentionMs = String.valueOf(completedRetention.toMillis());
    List<NewTopic> topics =
        List.of(
            entitiesTopic(),
            codeTopic(),
            replication.newTopic(
                Topics.HEALTH,
                1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(3_600_000))),
            replication.newTopic(
                Topics.completedTopic(controllerId),
                1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, retentionMs)),
            replication.newTopic(
                Topics.DEAD_LETTERS,
                1,
                Map.of(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG, "true")),
            replication.newTopic(
                Topics.SEQUENCES,
                1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
            replication.newTopic(
                Topics.DRAINS,
                1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    for (NewTopic topic : topics) {
      try {
        ensure(topic).toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
      }
    }
    ConfigResource completed =
        new ConfigResource(ConfigResource.Type.TOPIC, Topics.completedTopic(controllerId));
    AlterConfigOp retention =
        new AlterConfigOp(
            new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, retentionMs),
            AlterConfigOp.OpType.SET);
    try {
      admin
          .incrementalAlterConfigs(Map.of(completed, List.of(retention)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot set the retention of " + completed.name() + ": " + e.getCause(), e.getCause());
    }
  }

  /** Creates the compacted entities topic if missing (the admin command needs no other); blocks. */
  public void ensureEntitiesTopic() throws InterruptedException, TimeoutException {
    try {
      ensure(entitiesTopic()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topic " + Topics.ENTITIES + ": " + e.getCause(), e.getCause());
    }
  }

  /**
   * Code stored out of line: compacted (a chunk goes only when a tombstone for its key follows,
   * written when its action is updated or deleted), and a chunk stays readable at least an hour
   * after its tombstone ({@code min.compaction.lag.ms}), so a container of the old revision still
   * being created can read its code.
   */
  private NewTopic codeTopic() {
    return replication.newTopic(
        Topics.CODE,
        1,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
            String.valueOf(3_600_000)));
  }

  private NewTopic entitiesTopic() {
    return replication.newTopic(
        Topics.ENTITIES,
        1,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  /** Creates {@code topic} with one partition if it does not exist. */
  public CompletionStage<Void> ensureTopic(String topic) {
    return ensure(replication.newTopic(topic, 1));
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions if it does not exist (one that does is
   * kept as is).
   */
  public CompletionStage<Void> ensureTopic(String topic, int partitions) {
    return ensure(replication.newTopic(topic, partitions));
  }

  /**
   * Makes an action ready to receive activations: its topic (one partition: share groups spread
   * records of one partition over many consumers) and its share group reading from the earliest
   * record, with {@link Topics#DEAD_LETTERS} as its dead-letter topic, so that a record the broker
   * gives up on after the group's delivery limit is copied there (and becomes an error record:
   * {@code activation.DeadLetters}) instead of vanishing.
   *
   * <p>When this call creates the topic it also creates the group's share-partition state at offset
   * 0 (the first record the topic will hold). Without it the broker initialises that state only
   * when the first member heartbeats, and hands the partition out one heartbeat later: a new
   * action's first container would wait ~500 ms after joining before it could fetch. An action
   * whose topic already exists keeps its group's state (its queued activations stay where they
   * are). A broker that does not know the new topic yet ({@code UnknownTopicOrPartition}) is asked
   * again a few times within a second ({@link #SHARE_STATE_RETRY}); failing to create the state
   * after that is only logged: the group then starts as before, from {@code
   * share.auto.offset.reset=earliest}.
   */
  public CompletionStage<Void> provisionAction(FullyQualifiedName action) {
    String topic = Topics.actionTopic(action);
    String group = Topics.actionGroup(action);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
    List<AlterConfigOp> configs =
        List.of(
            new AlterConfigOp(new ConfigEntry(SHARE_RESET, "earliest"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(
                new ConfigEntry(DLQ_TOPIC, Topics.DEAD_LETTERS), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry(DLQ_COPY, "true"), AlterConfigOp.OpType.SET));
    return createIfMissing(replication.newTopic(topic, 1))
        .thenCompose(
            created ->
                admin
                    .incrementalAlterConfigs(Map.of(resource, configs))
                    .all()
                    .toCompletionStage()
                    .thenCompose(
                        v ->
                            created
                                ? initialiseShareState(group, topic)
                                : CompletableFuture.<Void>completedFuture(null)));
  }

  /**
   * Creates the share group's state for the only partition of {@code topic} at offset 0; the group
   * has no member yet (its topic was just created), as the broker requires. Retried while the
   * broker does not know the topic; never fails (the group can do without).
   */
  CompletionStage<Void> initialiseShareState(String group, String topic) {
    return shareStateRetry
        .run(
            () ->
                admin
                    .alterShareGroupOffsets(group, Map.of(new TopicPartition(topic, 0), 0L))
                    .all()
                    .toCompletionStage(),
            UnknownTopicOrPartitionException.class::isInstance)
        .handle(
            (v, t) -> {
              if (t != null) {
                log.warn(
                    "share group {}: state not created with its topic (its first member waits one"
                        + " heartbeat longer): {}",
                    group,
                    unwrap(t).toString());
              }
              return null;
            });
  }

  /**
   * Whether at least {@code min.insync.replicas} brokers answer, so that a write can be
   * acknowledged: {@link KafkaReachability}'s probe. Blocks up to about {@code timeout}, on the
   * probe's own thread.
   */
  public boolean writable(Duration timeout) {
    try {
      return admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
              .nodes()
              .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
              .size()
          >= replication.minInsyncReplicas();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the action's topic exists; blocks up to {@code timeout} (start-up only). */
  public boolean actionTopicExists(FullyQualifiedName action, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return admin
        .listTopics()
        .names()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .contains(Topics.actionTopic(action));
  }

  /** Deletes the action's topic (its queued activations go with it); a missing topic is fine. */
  public CompletionStage<Void> deleteActionTopic(FullyQualifiedName action) {
    return admin
        .deleteTopics(List.of(Topics.actionTopic(action)))
        .all()
        .toCompletionStage()
        .handle(
            (v, t) -> {
              Throwable cause = unwrap(t);
              if (cause == null || cause instanceof UnknownTopicOrPartitionException) return null;
              throw new CompletionException(cause);
            });
  }

  /**
   * How many records of the action's topic its share group has not finished with (available or
   * acquired: neither acknowledged nor given up), as the broker reports the group's lag; without
   * state for the topic (the group never fetched) 0 if the topic holds no record, else empty. Right
   * after a group's state is initialised its lag may still read 0 for records already queued: a
   * caller that needs certainty waits until a member of its own has fetched. Blocks up to {@code
   * timeout}: for a caller on its own thread.
   */
  public OptionalLong shareLag(FullyQualifiedName action, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    String group = Topics.actionGroup(action);
    TopicPartition partition = new TopicPartition(Topics.actionTopic(action), 0);
    Map<TopicPartition, SharePartitionOffsetInfo> offsets =
        admin
            .listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
            .partitionsToOffsetInfo(group)
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    SharePartitionOffsetInfo info = offsets.get(partition);
    if (info != null && info.startOffset() >= 0 && info.lag().isPresent())
      return OptionalLong.of(info.lag().get());
    // No state: the group never fetched. Nothing is left only if the topic holds no record at all.
    long earliest =
        admin
            .listOffsets(Map.of(partition, OffsetSpec.earliest()))
            .partitionResult(partition)
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .offset();
    long latest =
        admin
            .listOffsets(Map.of(partition, OffsetSpec.latest()))
            .partitionResult(partition)
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .offset();
    return latest == earliest ? OptionalLong.of(0) : OptionalLong.empty();
  }

  /** Creates {@code topic}; completes with whether this call created it (false: it existed). */
  private CompletionStage<Boolean> createIfMissing(NewTopic topic) {
    return admin
        .createTopics(List.of(topic))
        .all()
        .toCompletionStage()
        .handle(
            (v, t) -> {
              Throwable cause = unwrap(t);
              if (cause == null) return true;
              if (cause instanceof TopicExistsException) return false;
              throw new CompletionException(cause);
            });
  }

  /** Creates {@code topic} if it does not exist (one that does is kept as is). */
  private CompletionStage<Void> ensure(NewTopic topic) {
    return createIfMissing(topic).thenApply(created -> null);
  }

  /** The failure a {@link CompletionStage} reports, without its {@link CompletionException}. */
  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  @Override
  public void close() {
    admin.close();
  }
}
