package io.kwhisk.invoker.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.code.CodeRef;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CodeCacheTest {
  private final List<CodeRef> reads = new ArrayList<>();
  private final List<CompletableFuture<String>> pending = new ArrayList<>();
  private final CodeCache cache =
      new CodeCache(
          ref -> {
            reads.add(ref);
            CompletableFuture<String> f = new CompletableFuture<>();
            pending.add(f);
            return f;
          },
          () -> {},
          10);

  @Test
  void inlineCodeIsGivenAsItIsWithoutARead() {
    Action inline = action("a", new Exec("nodejs:20", "code", null, false, null));
    assertThat(cache.resolve(inline).toCompletableFuture().join()).isSameAs(inline);
    assertThat(reads).isEmpty();
  }

  @Test
  void containersStartingTogetherShareOneReadAndLaterOnesReadNothing() {
    Action big = outOfLine("big", "d1");
    CompletionStage<Action> first = cache.resolve(big);
    CompletionStage<Action> second = cache.resolve(outOfLine("same-code", "d1"));
    assertThat(reads).hasSize(1);
    pending.get(0).complete("12345");
    assertThat(first.toCompletableFuture().join().exec().code()).isEqualTo("12345");
    assertThat(second.toCompletableFuture().join().exec().code()).isEqualTo("12345");
    assertThat(cache.resolve(big).toCompletableFuture().join().exec().code()).isEqualTo("12345");
    assertThat(reads).hasSize(1);
  }

  @Test
  void theLeastRecentlyUsedCodeGoesWhenTheCacheIsFullAndAFailedReadIsTriedAgain() {
    cache.resolve(outOfLine("a", "d1"));
    pending.get(0).complete("aaaaa");
    cache.resolve(outOfLine("b", "d2"));
    pending.get(1).complete("bbbbb");
    cache.resolve(outOfLine("a", "d1")); // used: d2 is now the least recent
    cache.resolve(outOfLine("c", "d3"));
    pending.get(2).complete("ccccc");
    assertThat(cache.chars()).isEqualTo(10);
    cache.resolve(outOfLine("a", "d1"));
    cache.resolve(outOfLine("b", "d2"));
    assertThat(reads).extracting(CodeRef::digest).containsExactly("d1", "d2", "d3", "d2");
    pending.get(3).completeExceptionally(new IllegalStateException("gone"));
    cache.resolve(outOfLine("b", "d2"));
    assertThat(reads).extracting(CodeRef::digest).endsWith("d2", "d2");
  }

  private static Action outOfLine(String name, String digest) {
    return action(
        name,
        new Exec(
            "nodejs:20", null, null, true, null, null, new CodeRef(digest, 5, "r", List.of(1L))));
  }

  private static Action action(String name, Exec exec) {
    return new Action(
        "guest", name, "r", null, exec, Map.of(), Map.of(), ActionLimits.DEFAULT, 0, false, 1L);
  }
}
