package io.kwhisk.standalone.fault;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;

/**
 * What the tests that stop brokers ({@link BrokerStopIT}, {@link ClusterOutageIT}) start: a
 * three-broker {@link KafkaCluster} with {@link ProcessCluster#SHORT_LOCKS}, an admin client on it,
 * the guest namespace, and one unthrottled controller and one invoker ({@link
 * ProcessCluster#faultInvoker}, 1 GB) as processes. Closing it removes the invoker's action
 * containers, then stops the processes and the brokers.
 */
final class ThreeBrokerSetup implements AutoCloseable {
  final KafkaCluster kafka;
  final ProcessCluster cluster;
  final Admin admin;
  final FaultApi api;
  final ProcessCluster.Node controller;

  /** A random id, so that removing its containers never touches another test's. */
  final int invokerId = 300 + ThreadLocalRandom.current().nextInt(600);

  /** Starts it all under {@code dir}; the invoker keeps idle containers {@code keepAlive}. */
  ThreeBrokerSetup(Path dir, String keepAlive) throws Exception {
    kafka = new KafkaCluster(3, ProcessCluster.SHORT_LOCKS);
    cluster = new ProcessCluster(dir, kafka.bootstrapServers(), kafka);
    Admin client = null;
    try {
      client = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
      cluster.registerGuest();
      api = new FaultApi(cluster.credentials);
      controller = cluster.controller(0, ProcessCluster.UNTHROTTLED);
      cluster.invoker(invokerId, ProcessCluster.faultInvoker(1024, keepAlive));
    } catch (Exception | Error e) {
      try {
        FaultApi.removeContainers(invokerId);
      } finally {
        if (client != null) client.close();
        cluster.close();
      }
      throw e;
    }
    admin = client;
  }

  @Override
  public void close() throws IOException {
    try {
      FaultApi.removeContainers(invokerId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the processes and brokers still stop
    } finally {
      try {
        admin.close();
      } finally {
        cluster.close();
      }
    }
  }
}
