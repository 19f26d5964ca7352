package io.kwhisk.controller.activation;

import io.kwhisk.controller.activation.StoreOwners.Member;
import java.util.List;
import java.util.Set;

/**
 * What the API needs to know of the partitioned store's group: the peers it forwards reads to, and
 * whether this controller's store is still copying a topic it adopted (or is between two
 * assignments), in which case a record missing here may only be missing for now. Written by the
 * {@link StoreGroup} thread, read by any thread.
 */
public final class StoreMembership {
  private final int self;
  private volatile List<Member> members = List.of();
  private volatile boolean copying = true;
  private volatile Set<String> kept = Set.of();

  public StoreMembership(int controllerId) {
    this.self = controllerId;
  }

  /** The base URLs of the other members, as the last assignment named them. */
  public List<String> peers() {
    return members.stream().filter(m -> m.controllerId() != self).map(Member::url).toList();
  }

  /** The members of the last assignment, this controller included. */
  public List<Member> members() {
    return members;
  }

  /**
   * True until the first assignment, between two, and while an adopted topic is not yet copied up
   * to the end it had when it was assigned: a record missing here is then not known to be missing.
   */
  public boolean copying() {
    return copying;
  }

  /**
   * Whether this controller keeps {@code topic} now (its own, or one it adopted in the last
   * assignment): its store counts only such records, the others' are another member's to count.
   */
  public boolean keeps(String topic) {
    return kept.contains(topic);
  }

  void kept(Set<String> topics) {
    this.kept = Set.copyOf(topics);
  }

  void members(List<Member> latest) {
    this.members = List.copyOf(latest);
  }

  void copying(boolean now) {
    this.copying = now;
  }
}
