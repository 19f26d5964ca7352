package io.kwhisk.standalone.fault;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One consistent reading of a list that the API pages by skip and limit, newest first, while
 * records may still arrive. A record that arrives during a reading goes in at the head (or anywhere
 * by its start time) and shifts every later page by one, so the last record of a page is read again
 * as the first of the next: the reading shows an id twice that the store holds once. So a reading
 * counts only when the list's size ({@code count=true}) was the same before and after it: nothing
 * arrived meanwhile (the fault tests remove no records), and an id such a reading shows twice is
 * listed twice by the store.
 */
final class StableListing {
  private StableListing() {}

  /** The list as the API pages it. */
  interface Source<T> {
    /** At most {@code limit} entries after the first {@code skip}; empty past the end. */
    List<T> page(int skip, int limit) throws Exception;

    /** How many entries the whole list holds now. */
    long count() throws Exception;
  }

  /**
   * Reads {@code source} page by page ({@code limit} a page) until a reading was not overlapped by
   * an arrival, at most {@code atMost}; returns that reading, duplicates and all.
   */
  static <T> List<T> read(Source<T> source, int limit, Duration atMost) {
    AtomicReference<List<T>> reading = new AtomicReference<>();
    await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long before = source.count();
              List<T> all = new ArrayList<>();
              for (int skip = 0; ; skip += limit) {
                List<T> page = source.page(skip, limit);
                if (page.isEmpty()) break;
                all.addAll(page);
              }
              if (source.count() != before) return false;
              reading.set(all);
              return true;
            });
    return reading.get();
  }

  /** How many entries of {@code ids} repeat an earlier one. */
  static int duplicates(List<String> ids) {
    Set<String> seen = new HashSet<>();
    int repeated = 0;
    for (String id : ids) if (!seen.add(id)) repeated++;
    return repeated;
  }
}
