package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.controller.activation.ActivationPages.Entry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ActivationPagesTest {
  @Test
  void pagesOfSeveralStoresMergeNewestFirst() {
    List<String> page =
        ActivationPages.merge(
            List.of(
                List.of(e("a5", 500), e("a3", 300), e("a1", 100)),
                List.of(e("b4", 400), e("b2", 200)),
                List.of()),
            0,
            10);
    assertThat(page).containsExactly("a5", "b4", "a3", "b2", "a1");
  }

  @Test
  void skipAndLimitApplyToTheMergedList() {
    List<List<Entry<String>>> pages =
        List.of(
            List.of(e("a5", 500), e("a3", 300), e("a1", 100)), List.of(e("b4", 400), e("b2", 200)));
    assertThat(ActivationPages.merge(pages, 1, 2)).containsExactly("b4", "a3");
    assertThat(ActivationPages.merge(pages, 4, 30)).containsExactly("a1");
    assertThat(ActivationPages.merge(pages, 5, 30)).isEmpty();
  }

  @Test
  void anActivationKeptByTwoStoresIsListedOnce() {
    List<String> page =
        ActivationPages.merge(
            List.of(List.of(e("x", 300), e("y", 200)), List.of(e("x", 300), e("z", 100))), 1, 5);
    assertThat(page).containsExactly("y", "z");
  }

  @Test
  void recordsThatStartedAtTheSameTimeAreOrderedByIdLikeAStore() {
    assertThat(
            ActivationPages.merge(
                List.of(List.of(e("b", 100)), List.of(e("a", 100)), List.of(e("c", 100))), 0, 3))
        .containsExactly("a", "b", "c");
  }

  static Entry<String> e(String id, long start) {
    return new Entry<>(id, start, id);
  }
}
