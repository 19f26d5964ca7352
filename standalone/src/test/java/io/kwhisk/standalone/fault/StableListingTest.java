package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StableListingTest {

  /** A list held newest first, paged as the API pages it; {@code arrival} runs after each page. */
  private static final class FakeList implements StableListing.Source<String> {
    final List<String> ids;
    Runnable arrival = () -> {};

    FakeList(List<String> ids) {
      this.ids = new ArrayList<>(ids);
    }

    @Override
    public List<String> page(int skip, int limit) {
      List<String> page =
          List.copyOf(ids.subList(Math.min(skip, ids.size()), Math.min(skip + limit, ids.size())));
      arrival.run();
      return page;
    }

    @Override
    public long count() {
      return ids.size();
    }
  }

  private static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "id-" + i).toList();
  }

  @Test
  void aRecordArrivingAtTheHeadWhileThePagesAreReadIsNotCountedAsADuplicate() {
    FakeList list = new FakeList(ids(450));
    list.arrival =
        () -> {
          list.ids.add(0, "late");
          list.arrival = () -> {};
        };

    List<String> read = StableListing.read(list, 200, Duration.ofSeconds(5));

    assertThat(read).hasSize(451).doesNotHaveDuplicates().contains("late");
    assertThat(StableListing.duplicates(read)).isZero();
  }

  @Test
  void anIdTheStoreListsTwiceIsStillCountedAsADuplicate() {
    List<String> held = new ArrayList<>(ids(450));
    held.add(300, "id-7"); // a second list entry of one activation, on another page
    FakeList list = new FakeList(held);

    List<String> read = StableListing.read(list, 200, Duration.ofSeconds(5));

    assertThat(StableListing.duplicates(read)).isEqualTo(1);
  }
}
