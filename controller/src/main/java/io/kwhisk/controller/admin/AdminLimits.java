package io.kwhisk.controller.admin;

import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.entity.NamespaceEntry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kwhisk-admin limits set|get|delete <ns>}: a namespace's own limits, with the options of
 * OpenWhisk's {@code wskadmin limits} ({@code --invocationsPerMinute}, {@code
 * --concurrentInvocations}). Every controller applies a change as soon as its entities reader
 * reaches it, and shows it in {@code GET /namespaces/_/limits}.
 */
@Command(
    name = "limits",
    mixinStandardHelpOptions = true,
    description =
        "Sets, shows or removes a namespace's own limits (as OpenWhisk's wskadmin limits).",
    subcommands = {AdminLimits.Set.class, AdminLimits.Get.class, AdminLimits.Delete.class})
final class AdminLimits implements Runnable {
  @ParentCommand AdminMain main;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a limits command is required: set, get or delete");
  }

  <T> T withAdmin(AdminMain.AdminWork<T> work) throws Exception {
    ControllerConfig config = ControllerConfig.from(main.source);
    try (NamespaceAdmin admin = NamespaceAdmin.open(config.kafka(), config.replicationFactor())) {
      return work.run(admin, config);
    }
  }

  static String describe(NamespaceEntry ns, ControllerConfig config) {
    int perMinute = config.admission().namespacePerMinute();
    return ns.namespace()
        + "\tconcurrentInvocations="
        + (ns.concurrentInvocations() != null
            ? ns.concurrentInvocations()
            : config.admission().namespaceConcurrency() + " (default)")
        + "\tinvocationsPerMinute="
        + (ns.invocationsPerMinute() != null
            ? ns.invocationsPerMinute()
            : (perMinute == 0 ? "unlimited" : perMinute) + " (default)");
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Sets the limits given; the others stay as they are.")
  static final class Set implements Callable<Integer> {
    @ParentCommand AdminLimits limits;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "<ns>", description = "the namespace's name")
    String name;

    @Option(
        names = "--invocationsPerMinute",
        paramLabel = "<n>",
        description = "invocations the namespace may start per minute (positive)")
    Integer perMinute;

    @Option(
        names = "--concurrentInvocations",
        paramLabel = "<n>",
        description = "activations of the namespace in flight at once (positive)")
    Integer concurrent;

    @Override
    public Integer call() throws Exception {
      if (perMinute == null && concurrent == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "give at least one of --invocationsPerMinute and --concurrentInvocations");
      }
      positive("--invocationsPerMinute", perMinute);
      positive("--concurrentInvocations", concurrent);
      String line =
          limits.withAdmin(
              (admin, config) -> describe(admin.setLimits(name, concurrent, perMinute), config));
      limits.main.out.println(line);
      return 0;
    }

    private void positive(String option, Integer value) {
      if (value != null && value < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), option + " must be a positive integer, got " + value);
      }
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Prints the limits that apply to it.")
  static final class Get implements Callable<Integer> {
    @ParentCommand AdminLimits limits;

    @Parameters(paramLabel = "<ns>", description = "the namespace's name")
    String name;

    @Override
    public Integer call() throws Exception {
      String line = limits.withAdmin((admin, config) -> describe(admin.get(name), config));
      limits.main.out.println(line);
      return 0;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Returns every limit to the default.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand AdminLimits limits;

    @Parameters(paramLabel = "<ns>", description = "the namespace's name")
    String name;

    @Override
    public Integer call() throws Exception {
      limits.withAdmin(
          (admin, config) -> {
            admin.deleteLimits(name);
            return null;
          });
      limits.main.out.println(name + " limits deleted (the defaults apply)");
      return 0;
    }
  }
}
