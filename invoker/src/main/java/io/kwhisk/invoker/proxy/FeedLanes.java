package io.kwhisk.invoker.proxy;

import java.util.List;

/**
 * Several feeds of one container (its lanes, each a member of the action's share group); an
 * acknowledgement goes to the lane that pulled the record ({@link Delivery#lane}), the rest to
 * every lane.
 */
record FeedLanes(List<? extends ActivationSource> feeds) implements ActivationSource {
  FeedLanes {
    feeds = List.copyOf(feeds);
  }

  @Override
  public void acknowledge(Delivery delivery) {
    feeds.get(delivery.lane()).acknowledge(delivery);
  }

  @Override
  public void release(Delivery delivery) {
    feeds.get(delivery.lane()).release(delivery);
  }

  @Override
  public void stopPulling() {
    feeds.forEach(ActivationSource::stopPulling);
  }

  @Override
  public void close() {
    feeds.forEach(ActivationSource::close);
  }

  @Override
  public void resize(int maxPollRecords) {
    feeds.forEach(f -> f.resize(maxPollRecords));
  }
}
