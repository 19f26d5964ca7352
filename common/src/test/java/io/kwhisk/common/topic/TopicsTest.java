package io.kwhisk.common.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.FullyQualifiedName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class TopicsTest {
  private static final String LEGAL = "[a-zA-Z0-9._-]+";

  @Test
  void actionTopicIsReadableAndLegal() {
    String topic = Topics.actionTopic(new FullyQualifiedName("guest", "hello"));
    assertThat(topic).startsWith("act.guest.hello.").matches(LEGAL);
  }

  @Test
  void namesWithCharactersKafkaForbidsAreSanitisedButStayDistinct() {
    String spaced = Topics.actionTopic(new FullyQualifiedName("guest", "my action"));
    String underscored = Topics.actionTopic(new FullyQualifiedName("guest", "my_action"));
    assertThat(spaced).matches(LEGAL);
    assertThat(spaced).isNotEqualTo(underscored);
  }

  @Test
  void dotsInNamesNeverMakeTwoActionsShareATopic() {
    String a = Topics.actionTopic(new FullyQualifiedName("a.b", "c"));
    String b = Topics.actionTopic(new FullyQualifiedName("a", "b.c"));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void longestLegalNamesStillFitKafkasTopicLengthLimit() {
    String longName = "x".repeat(256);
    String topic = Topics.actionTopic(new FullyQualifiedName(longName, longName));
    assertThat(topic.length()).isLessThanOrEqualTo(249);
    assertThat(topic).matches(LEGAL);
  }

  @Test
  void groupIsNamedAsItsTopicAndNamingIsStable() {
    FullyQualifiedName fqn = new FullyQualifiedName("guest", "hello");
    assertThat(Topics.actionGroup(fqn)).isEqualTo(Topics.actionTopic(fqn));
    assertThat(Topics.actionTopic(fqn))
        .isEqualTo(Topics.actionTopic(new FullyQualifiedName("guest", "hello")));
  }

  @Test
  void invokerAndCompletionTopicsCarryTheirIds() {
    assertThat(Topics.invokerTopic(3)).isEqualTo("invoker3");
    assertThat(Topics.completedTopic(0)).isEqualTo("completed0");
  }

  @Test
  void onlyControllersCompletionTopicsAreRecognisedAsSuch() {
    assertThat(Topics.isCompletedTopic(Topics.completedTopic(0))).isTrue();
    assertThat(Topics.isCompletedTopic(Topics.completedTopic(12))).isTrue();
    assertThat(Topics.isCompletedTopic("completed")).isFalse();
    assertThat(Topics.isCompletedTopic("completed0x")).isFalse();
    assertThat(Topics.isCompletedTopic("activations")).isFalse();
    assertThat(Topics.isCompletedTopic(Topics.invokerTopic(0))).isFalse();
  }
}
