package io.kwhisk.controller.activation;

import io.kwhisk.controller.activation.StoreOwners.Member;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The partition assignor of {@link StoreGroup#GROUP}: every partition of a completions topic goes
 * to the member {@link StoreOwners} names, and every member gets the whole membership (controller
 * ids and URLs) with its assignment. Kafka instantiates it; {@link StoreGroup} passes this member
 * and the listener of memberships under {@link #CONTEXT} in the consumer's configuration.
 */
public final class StoreAssignor implements ConsumerPartitionAssignor, Configurable {
  /** The configuration key of the {@link Context}. */
  static final String CONTEXT = "kwhisk.activation-store.assignor-context";

  /** This member, and who is told the membership of each assignment. */
  record Context(Member self, Consumer<List<Member>> onMembers) {
    Context {
      Objects.requireNonNull(self, "self should not be null");
      Objects.requireNonNull(onMembers, "onMembers should not be null");
    }
  }

  private Context context;

  @Override
  public void configure(Map<String, ?> configs) {
    Object c = configs.get(CONTEXT);
    if (!(c instanceof Context given))
      throw new IllegalStateException(CONTEXT + " must carry the member's context");
    this.context = given;
  }

  @Override
  public String name() {
    return "kwhisk-store-owners";
  }

  @Override
  public ByteBuffer subscriptionUserData(Set<String> topics) {
    return StoreOwners.encode(context.self());
  }

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription group) {
    Map<String, Member> members = new HashMap<>();
    Set<String> topics = new HashSet<>();
    group
        .groupSubscription()
        .forEach(
            (memberId, subscription) -> {
              Member m = StoreOwners.decode(subscription.userData());
              if (m != null) members.put(memberId, m);
              topics.addAll(subscription.topics());
            });
    Map<String, List<TopicPartition>> partitions = new HashMap<>();
    group.groupSubscription().keySet().forEach(m -> partitions.put(m, new ArrayList<>()));
    StoreOwners.assign(members, topics)
        .forEach(
            (topic, owner) -> {
              for (PartitionInfo p : metadata.partitionsForTopic(topic))
                partitions.get(owner).add(new TopicPartition(topic, p.partition()));
            });
    Map<String, Assignment> out = new HashMap<>();
    partitions.forEach(
        (memberId, assigned) ->
            out.put(memberId, new Assignment(assigned, StoreOwners.encodeAll(members.values()))));
    return new GroupAssignment(out);
  }

  @Override
  public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    context.onMembers().accept(StoreOwners.decodeAll(assignment.userData()));
  }
}
