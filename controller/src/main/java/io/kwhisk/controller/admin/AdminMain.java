package io.kwhisk.controller.admin;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.entity.NamespaceEntry;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The operator's command line, configured like a controller ({@code
 * KWHISK_KAFKA_BOOTSTRAP_SERVERS}, ...): {@code kwhisk-admin namespace create|register|list|limit}
 * and {@code kwhisk-admin limits set|get|delete} (as OpenWhisk's {@code wskadmin limits}); {@code
 * --help} on any command prints its usage. Exit status: 0 done, 1 failed (the reason on stderr), 2
 * usage error. Wiring and argument parsing (picocli) only; the work is {@link NamespaceAdmin}'s.
 */
@Command(
    name = "kwhisk-admin",
    mixinStandardHelpOptions = true,
    subcommands = {AdminMain.Namespace.class, AdminLimits.class},
    description = "Administers a kwhisk installation through its Kafka cluster.")
public final class AdminMain implements Runnable {
  final ConfigSource source;
  final PrintStream out;
  @Spec CommandSpec spec;

  private AdminMain(ConfigSource source, PrintStream out) {
    this.source = source;
    this.out = out;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: namespace or limits");
  }

  public static void main(String[] args) {
    // Before any logger exists: warnings to stderr only, unless the operator chose a configuration.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "kwhisk-admin-logback.xml");
    }
    System.exit(run(args, ConfigSource.fromEnvironment(), System.out, System.err));
  }

  /** Runs one command; returns the exit status. */
  public static int run(String[] args, ConfigSource source, PrintStream out, PrintStream err) {
    CommandLine cli =
        new CommandLine(new AdminMain(source, out))
            .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .setExecutionExceptionHandler(
                (e, line, parsed) -> {
                  if (e instanceof CommandLine.ParameterException bad) {
                    return line.getParameterExceptionHandler().handleParseException(bad, args);
                  }
                  line.getErr()
                      .println(
                          e instanceof ConfigException || e instanceof IllegalArgumentException
                              ? e.getMessage()
                              : "failed: " + e);
                  return 1;
                });
    return cli.execute(args);
  }

  @Command(
      name = "namespace",
      mixinStandardHelpOptions = true,
      description = "Creates and configures namespaces.",
      subcommands = {Create.class, Register.class, ListNamespaces.class, Limit.class})
  static final class Namespace implements Runnable {
    @ParentCommand AdminMain main;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "a namespace command is required: create, register, list or limit");
    }

    <T> T withAdmin(AdminWork<T> work) throws Exception {
      ControllerConfig config = ControllerConfig.from(main.source);
      try (NamespaceAdmin admin = NamespaceAdmin.open(config.kafka(), config.replicationFactor())) {
        return work.run(admin, config);
      }
    }
  }

  interface AdminWork<T> {
    T run(NamespaceAdmin admin, ControllerConfig config) throws Exception;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Creates a namespace and prints its credentials, uuid:key (the only time the key is shown).")
  static final class Create implements Callable<Integer> {
    @ParentCommand Namespace ns;

    @Parameters(paramLabel = "<ns>", description = "the namespace's name")
    String name;

    @Override
    public Integer call() throws Exception {
      Object credentials = ns.withAdmin((admin, config) -> admin.create(name).pair());
      ns.main.out.println(credentials);
      return 0;
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description =
          "Makes uuid:key the namespace's key, "
              + "creating the namespace if needed; running it again with the same key changes nothing.")
  static final class Register implements Callable<Integer> {
    @ParentCommand Namespace ns;

    @Parameters(index = "0", paramLabel = "<ns>", description = "the namespace's name")
    String name;

    @Parameters(index = "1", paramLabel = "<uuid:key>", description = "the credentials to accept")
    String credentials;

    @Override
    public Integer call() throws Exception {
      ns.withAdmin(
          (admin, config) -> {
            admin.register(name, credentials);
            return null;
          });
      ns.main.out.println(name + " registered");
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Prints each namespace, its uuid and its concurrent-invocation limit.")
  static final class ListNamespaces implements Callable<Integer> {
    @ParentCommand Namespace ns;

    @Override
    public Integer call() throws Exception {
      ns.withAdmin(
          (admin, config) -> {
            admin.list().forEach(entry -> ns.main.out.println(line(entry, config)));
            return null;
          });
      return 0;
    }
  }

  @Command(
      name = "limit",
      mixinStandardHelpOptions = true,
      description =
          "Sets the namespace's concurrent-invocation limit, or returns it to the default.")
  static final class Limit implements Callable<Integer> {
    @ParentCommand Namespace ns;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<ns>", description = "the namespace's name")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "<n|default>",
        description = "a positive integer, or default")
    String value;

    @Override
    public Integer call() throws Exception {
      Integer limit = parse(value, spec.commandLine());
      ns.withAdmin(
          (admin, config) -> {
            admin.limit(name, limit);
            return null;
          });
      ns.main.out.println(name + " concurrentInvocations=" + (limit == null ? "default" : limit));
      return 0;
    }

    private static Integer parse(String value, CommandLine cli) {
      if (value.equals("default")) return null;
      try {
        int n = Integer.parseInt(value);
        if (n >= 1) return n;
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CommandLine.ParameterException(
          cli, "the limit must be a positive integer or 'default', got " + value);
    }
  }

  private static String line(NamespaceEntry ns, ControllerConfig config) {
    Integer limit = ns.concurrentInvocations();
    return ns.namespace()
        + "\t"
        + ns.uuid()
        + "\tconcurrentInvocations="
        + (limit == null ? config.admission().namespaceConcurrency() + " (default)" : limit);
  }
}
