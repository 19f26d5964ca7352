package io.kwhisk.invoker.fake;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.invoker.proxy.ActivationSource;
import io.kwhisk.invoker.proxy.Delivery;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An activation source the test feeds by hand; acknowledgements, releases and closing are recorded.
 */
public final class FakeSource implements ActivationSource, ActivationSource.Factory {
  public final List<Delivery> acknowledged = new CopyOnWriteArrayList<>();
  public final List<Delivery> released = new CopyOnWriteArrayList<>();

  /** Those released before {@link #stopPulling}: a real feed could have acquired them again. */
  public final List<Delivery> releasedWhilePulling = new CopyOnWriteArrayList<>();

  public volatile boolean opened;
  public volatile boolean closed;
  public volatile boolean stoppedPulling;
  public volatile int maxPollRecords;
  private volatile Consumer<List<Delivery>> onRecords;

  @Override
  public ActivationSource open(
      FullyQualifiedName action,
      String name,
      int lanes,
      int maxPollRecords,
      Consumer<List<Delivery>> onRecords,
      Consumer<Throwable> onFailure) {
    this.onRecords = onRecords;
    this.maxPollRecords = maxPollRecords;
    this.opened = true;
    return this;
  }

  /** Hands records to the proxy as a poll would. */
  public void deliver(Delivery... deliveries) {
    onRecords.accept(List.of(deliveries));
  }

  @Override
  public void acknowledge(Delivery delivery) {
    acknowledged.add(delivery);
  }

  @Override
  public void release(Delivery delivery) {
    if (!stoppedPulling) releasedWhilePulling.add(delivery);
    released.add(delivery);
  }

  @Override
  public void resize(int maxPollRecords) {
    this.maxPollRecords = maxPollRecords;
  }

  @Override
  public void stopPulling() {
    stoppedPulling = true;
  }

  @Override
  public void close() {
    closed = true;
  }
}
