package io.kwhisk.controller.activation;

import io.kwhisk.common.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who keeps which completions topic in the partitioned activation store, decided by the leader of
 * consumer group {@link StoreGroup#GROUP} (pure: no Kafka here, so it is unit-tested alone):
 *
 * <ol>
 *   <li>Controller C keeps its own {@code completed<C>}: it answers the reads of the activations it
 *       accepted without asking anyone.
 *   <li>A topic whose controller is not a member (stopped, dead, or not started yet) is adopted by
 *       member number {@code C mod members}, counting members by controller id (then Kafka member
 *       id): every member computes the same owner from the same membership.
 * </ol>
 *
 * <p>Members carry their controller id and API base URL in their subscription ({@link #encode}),
 * and the leader hands the whole membership back to every member with its assignment ({@link
 * #encodeAll}), so each member knows where its peers answer.
 */
public final class StoreOwners {
  /** A member of the group: a controller and the base URL its API answers at. */
  public record Member(int controllerId, String url) {
    public Member {
      Objects.requireNonNull(url, "url should not be null");
      if (controllerId < 0) throw new IllegalArgumentException("controller id " + controllerId);
    }
  }

  private StoreOwners() {}

  /**
   * The owner of each completions topic among {@code topics} (others are left out): a map from
   * topic to the Kafka member id of {@code members} (by Kafka member id) that keeps it. Empty when
   * there are no members.
   */
  public static Map<String, String> assign(Map<String, Member> members, Collection<String> topics) {
    Map<String, String> owners = new HashMap<>();
    if (members.isEmpty()) return owners;
    List<String> ordered = new ArrayList<>(members.keySet());
    ordered.sort(
        Comparator.comparingInt((String m) -> members.get(m).controllerId())
            .thenComparing(Comparator.naturalOrder()));
    Map<Integer, String> byController = new HashMap<>();
    for (String m : ordered) byController.putIfAbsent(members.get(m).controllerId(), m);
    for (String topic : topics) {
      if (!Topics.isCompletedTopic(topic)) continue;
      int controller;
      try {
        controller = controllerOf(topic);
      } catch (NumberFormatException e) {
        continue; // not a controller id kwhisk accepts
      }
      String own = byController.get(controller);
      owners.put(topic, own != null ? own : ordered.get(Math.floorMod(controller, ordered.size())));
    }
    return owners;
  }

  /** The controller id of {@code completed<C>}. */
  public static int controllerOf(String completedTopic) {
    if (!Topics.isCompletedTopic(completedTopic))
      throw new IllegalArgumentException(completedTopic + " is not a completions topic");
    return Integer.parseInt(completedTopic.substring(Topics.completedTopic(0).length() - 1));
  }

  /** A member as its subscription carries it. */
  public static ByteBuffer encode(Member member) {
    return ByteBuffer.wrap(line(member).getBytes(StandardCharsets.UTF_8));
  }

  /** The member {@link #encode} wrote; null when {@code data} holds none. */
  public static Member decode(ByteBuffer data) {
    List<Member> all = decodeAll(data);
    return all.isEmpty() ? null : all.get(0);
  }

  /** The whole membership, as the leader hands it to every member with its assignment. */
  public static ByteBuffer encodeAll(Collection<Member> members) {
    StringBuilder out = new StringBuilder();
    members.stream()
        .sorted(Comparator.comparingInt(Member::controllerId).thenComparing(Member::url))
        .forEach(m -> out.append(line(m)).append('\n'));
    return ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The members {@link #encodeAll} wrote (lines it cannot read are skipped). */
  public static List<Member> decodeAll(ByteBuffer data) {
    List<Member> out = new ArrayList<>();
    if (data == null || !data.hasRemaining()) return out;
    ByteBuffer copy = data.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      int space = line.indexOf(' ');
      if (space < 1) continue;
      try {
        out.add(new Member(Integer.parseInt(line.substring(0, space)), line.substring(space + 1)));
      } catch (IllegalArgumentException e) {
        // a member of another version: skipped
      }
    }
    return out;
  }

  private static String line(Member m) {
    return m.controllerId() + " " + m.url();
  }
}
