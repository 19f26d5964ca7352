package io.kwhisk.perf.cpu;

import java.util.Objects;
import java.util.Optional;

/**
 * A platform JVM whose CPU is charged to components. A shared JVM (the standalone: broker,
 * controller and invoker in one process) is split by thread with the {@link ThreadTable}; a
 * dedicated one (a {@code ControllerMain}, an {@code InvokerMain}, an external broker) is charged
 * to its component, except its JIT, GC and VM threads, which go to {@link Component#JVM} in both
 * cases so that the column means the same whatever the deployment.
 *
 * @param dedicatedTo the component of a dedicated process; empty for a shared one
 */
public record Target(int pid, Optional<Component> dedicatedTo) {
  public Target {
    Objects.requireNonNull(dedicatedTo, "dedicatedTo should not be null");
    if (pid <= 0) throw new IllegalArgumentException("pid should be positive, was " + pid);
  }

  public static Target shared(int pid) {
    return new Target(pid, Optional.empty());
  }

  public static Target dedicated(int pid, Component component) {
    return new Target(pid, Optional.of(component));
  }

  /** The component of a thread of this process named {@code name}. */
  Component classify(ThreadTable table, String name) {
    if (dedicatedTo.isPresent()) return table.jvmThread(name) ? Component.JVM : dedicatedTo.get();
    return table.classify(name).orElse(Component.JVM_OTHER);
  }

  /** Where the CPU no live thread explains goes (exited threads, mostly). */
  Component remainder() {
    return dedicatedTo.orElse(Component.JVM_OTHER);
  }
}
