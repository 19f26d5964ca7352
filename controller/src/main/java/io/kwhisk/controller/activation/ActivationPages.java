package io.kwhisk.controller.activation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One page of an activation list merged from the pages of every member of the partitioned store
 * (pure). Each member answers its first {@code skip + limit} records, newest first; the merge
 * orders them all newest first (by start time, then id, as a store does), keeps each activation
 * once (a topic adopted and then given back leaves a copy in two stores), then skips and limits. So
 * a page costs every member {@code skip + limit} records: {@link #MAX_SKIP} bounds that.
 */
public final class ActivationPages {
  /** The largest {@code skip} a merged list accepts (OpenWhisk sets none; a merge needs one). */
  public static final int MAX_SKIP = 10_000;

  /** A listed activation: its id and start time, and what the answer shows of it. */
  public record Entry<T>(String activationId, long start, T value) {
    public Entry {
      Objects.requireNonNull(activationId, "activationId should not be null");
    }
  }

  private static final Comparator<Entry<?>> NEWEST_FIRST =
      Comparator.<Entry<?>>comparingLong(Entry::start)
          .reversed()
          .thenComparing(Entry::activationId);

  private ActivationPages() {}

  /** The page {@code skip}, {@code limit} of the union of {@code pages}, newest first. */
  public static <T> List<T> merge(List<List<Entry<T>>> pages, int skip, int limit) {
    if (skip < 0 || limit < 0) throw new IllegalArgumentException("skip and limit must be >= 0");
    List<Entry<T>> all = new ArrayList<>();
    pages.forEach(all::addAll);
    all.sort(NEWEST_FIRST);
    Set<String> seen = new HashSet<>();
    List<T> out = new ArrayList<>(Math.min(limit, all.size()));
    int skipped = 0;
    for (Entry<T> e : all) {
      if (out.size() >= limit) break;
      if (!seen.add(e.activationId())) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.add(e.value());
    }
    return out;
  }
}
