package io.kwhisk.controller.throttle;

import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.Collection;
import java.util.Map;

/**
 * Where the lag of action queues comes from: {@link KafkaLagSource} in production, a map in tests.
 * One call covers every action asked about (one batched round trip, not one per action). It blocks,
 * so only the refresher's own thread calls it, never a request.
 */
public interface LagSource {
  /**
   * The queue of each action, by path ({@code namespace/name}); actions whose queue could not be
   * read are absent.
   */
  Map<String, QueueOffsets> fetch(Collection<FullyQualifiedName> actions) throws Exception;
}
