package io.kwhisk.controller.throttle;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.topic.Topics;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The lag of action queues from Kafka: for all actions at once, the end and start offsets of their
 * topics and the share-group offsets of their groups (three Admin requests in flight together, one
 * round trip). The lag is the share group's own {@code lag()} when the broker reports it, else end
 * offset minus the group's start offset, else (no container has joined the group yet, and the group
 * reads from the earliest record) end minus start of the log. Action topics have one partition (the
 * contract), so only partition 0 is asked about.
 */
public final class KafkaLagSource implements LagSource, AutoCloseable {
  /**
   * How long one batched lag look-up may take before it is given up (the refresher keeps the last
   * values meanwhile).
   */
  public static final long TIMEOUT_MS = 5_000;

  private final Admin admin;
  private final long timeoutMillis;

  public KafkaLagSource(KafkaSettings kafka, String clientId, long timeoutMillis) {
    Map<String, Object> props = kafka.clientConfig(clientId);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    this.admin = Admin.create(props);
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Map<String, QueueOffsets> fetch(Collection<FullyQualifiedName> actions)
      throws InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<String, ListShareGroupOffsetsSpec> groups = new HashMap<>();
    for (FullyQualifiedName a : actions) {
      TopicPartition tp = new TopicPartition(Topics.actionTopic(a), 0);
      latest.put(tp, OffsetSpec.latest());
      earliest.put(tp, OffsetSpec.earliest());
      groups.put(
          Topics.actionGroup(a), new ListShareGroupOffsetsSpec().topicPartitions(List.of(tp)));
    }
    ListOffsetsResult ends = admin.listOffsets(latest);
    ListOffsetsResult begins = admin.listOffsets(earliest);
    ListShareGroupOffsetsResult shares = admin.listShareGroupOffsets(groups);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Map<String, QueueOffsets> out = new HashMap<>();
    for (FullyQualifiedName a : actions) {
      TopicPartition tp = new TopicPartition(Topics.actionTopic(a), 0);
      ListOffsetsResult.ListOffsetsResultInfo endInfo = get(ends.partitionResult(tp), deadline);
      if (endInfo == null) continue;
      long end = endInfo.offset();
      KafkaFuture<Map<TopicPartition, SharePartitionOffsetInfo>> groupFuture =
          shares.partitionsToOffsetInfo(Topics.actionGroup(a));
      Map<TopicPartition, SharePartitionOffsetInfo> group = get(groupFuture, deadline);
      if (group == null && !groupIsNew(groupFuture))
        continue; // the lookup failed: keep last round's estimate
      SharePartitionOffsetInfo info = group == null ? null : group.get(tp);
      OptionalLong lag = lag(end, info, -1);
      if (lag.isEmpty()) {
        ListOffsetsResult.ListOffsetsResultInfo begin = get(begins.partitionResult(tp), deadline);
        if (begin == null) continue;
        lag = lag(end, info, begin.offset());
      }
      out.put(a.path(), new QueueOffsets(end, Math.max(0, Math.min(lag.getAsLong(), end))));
    }
    return out;
  }

  /**
   * The queue's lag: the share group's own lag when the broker reports it, else end minus the
   * group's start offset; with no offsets for the group at all (no container joined yet; the group
   * reads from the earliest record), end minus the log's start {@code logStart}; empty when that is
   * unknown too ({@code logStart} < 0).
   */
  static OptionalLong lag(long end, SharePartitionOffsetInfo group, long logStart) {
    if (group != null && group.lag().isPresent() && group.lag().get() >= 0)
      return OptionalLong.of(group.lag().get());
    if (group != null && group.startOffset() >= 0)
      return OptionalLong.of(end - group.startOffset());
    if (logStart >= 0) return OptionalLong.of(end - logStart);
    return OptionalLong.empty();
  }

  /**
   * Whether a group lookup that gave no value means "no such group yet" (the broker answered that
   * the group is unknown) rather than a failure or timeout. Only then may the log's start stand in
   * for the group's position: after a failure, a group that consumed 20,000 records would otherwise
   * look 20,000 records behind, and admission would refuse every invoke of the action (seen under
   * load with 128 containers).
   */
  static boolean groupIsNew(KafkaFuture<?> lookup) {
    if (!lookup.isDone()) return false;
    try {
      lookup.getNow(null);
      return true; // answered, with nothing for this group
    } catch (ExecutionException e) {
      return e.getCause() instanceof GroupIdNotFoundException;
    } catch (CancellationException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The future's value, or null when it failed or ran out of time (that queue is skipped this
   * round).
   */
  private static <T> T get(KafkaFuture<T> future, long deadlineNanos) throws InterruptedException {
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
