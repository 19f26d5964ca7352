package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.controller.activation.StoreOwners.Member;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StoreOwnersTest {
  static final List<String> TOPICS =
      List.of("completed0", "completed1", "completed2", "completed5");

  @Test
  void eachControllerKeepsItsOwnCompletionsTopic() {
    Map<String, String> owners =
        StoreOwners.assign(
            Map.of("m-a", member(0), "m-b", member(1), "m-c", member(2), "m-f", member(5)), TOPICS);
    assertThat(owners)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "completed0",
                "m-a",
                "completed1",
                "m-b",
                "completed2",
                "m-c",
                "completed5",
                "m-f"));
  }

  @Test
  void anOrphanedTopicGoesToMemberNumberItsControllerModuloTheMembers() {
    // Members by controller id: 0 -> "z", 1 -> "y"; completed2 (2 mod 2 = 0) and completed5 (1).
    Map<String, String> owners = StoreOwners.assign(Map.of("z", member(0), "y", member(1)), TOPICS);
    assertThat(owners)
        .containsEntry("completed0", "z")
        .containsEntry("completed1", "y")
        .containsEntry("completed2", "z")
        .containsEntry("completed5", "y");
  }

  @Test
  void theSameMembershipAlwaysGivesTheSameOwners() {
    Map<String, Member> members = Map.of("b", member(3), "a", member(7), "c", member(4));
    assertThat(StoreOwners.assign(members, TOPICS))
        .isEqualTo(
            StoreOwners.assign(
                Map.copyOf(members),
                List.of("completed5", "completed2", "completed1", "completed0")));
  }

  @Test
  void topicsThatAreNotCompletionsAndEmptyGroupsAreLeftOut() {
    assertThat(StoreOwners.assign(Map.of("a", member(0)), List.of("health", "completed", "x1")))
        .isEmpty();
    assertThat(StoreOwners.assign(Map.of(), TOPICS)).isEmpty();
  }

  @Test
  void membersTravelThroughSubscriptionsAndAssignments() {
    Member one = new Member(4, "http://controller-4:3233");
    assertThat(StoreOwners.decode(StoreOwners.encode(one))).isEqualTo(one);
    List<Member> all = List.of(new Member(2, "https://b:1"), one, new Member(0, "http://a:2"));
    assertThat(StoreOwners.decodeAll(StoreOwners.encodeAll(all)))
        .containsExactly(new Member(0, "http://a:2"), new Member(2, "https://b:1"), one);
    assertThat(StoreOwners.decodeAll(null)).isEmpty();
  }

  static Member member(int id) {
    return new Member(id, "http://c" + id + ":3233");
  }
}
