package io.kwhisk.perf.cpu;

import java.util.Locale;

/**
 * Where CPU time is charged, in report order. The platform is every component but the action
 * containers and the load generator: what kwhisk itself costs per activation.
 */
public enum Component {
  CONTROLLER(true),
  INVOKER(true),
  BROKER(true),
  /**
   * JIT compilers, GC and VM threads of the platform's JVMs (shared by everything in a standalone).
   */
  JVM(true),
  /**
   * CPU of a platform JVM that no live thread explains: threads that exited during the window
   * (their time stays in the process total only) and threads whose name matches no rule.
   */
  JVM_OTHER(true),
  /** dockerd, containerd and the containerd shims. */
  DOCKER(true),
  CONTAINERS(false),
  LOADGEN(false);

  private final boolean platform;

  Component(boolean platform) {
    this.platform = platform;
  }

  public boolean platform() {
    return platform;
  }

  /** The lower-case name used in tables, CSV columns and the thread table: {@code jvm-other}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Component ofLabel(String label) {
    for (Component c : values()) {
      if (c.label().equals(label)) return c;
    }
    throw new IllegalArgumentException("unknown component " + label);
  }
}
