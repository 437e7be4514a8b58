package io.callhook;

import io.callhook.app.Callhook;
import io.callhook.app.SipTraceLog;
import io.callhook.config.CallhookConfig;
import io.callhook.config.ConfigException;
import io.callhook.config.ConfigLoader;
import io.callhook.config.ConfigProblem;
import io.callhook.demo.Demo;
import io.callhook.directory.Directories;
import io.callhook.directory.ReloadableDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The command line (SPEC §7). Exit codes: 0 ok, 2 usage or configuration error, 1 runtime failure.
 * The only place that prints to stdout/stderr directly; everything else logs.
 */
@Command(name = "callhook", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Call-event webhook connector: a record-routing SIP proxy that POSTs each leg's "
                + "state changes to the organization's webhook. Without a command, runs the proxy.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, Main.DemoCommand.class, OutboxCommand.class})
public final class Main implements Callable<Integer> {

    static final int OK = 0;
    static final int RUNTIME_FAILURE = 1;
    static final int CONFIG_ERROR = 2;
    static final int USAGE_ERROR = 2;

    @CommandLine.Mixin
    ConfigFile configFile;

    /** {@code --config FILE}, shared by every command that reads callhook.yaml. */
    public static final class ConfigFile {
        @Option(names = {"-c", "--config"}, defaultValue = "config/callhook.yaml", paramLabel = "FILE",
                description = "the callhook.yaml to use (default: ${DEFAULT-VALUE})")
        public Path path;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // picocli already maps usage errors to 2 and uncaught exceptions to 1 (SPEC §7)
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        return Run.run(configFile.path, new PrintWriter(System.err, true));
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the proxy until stopped (SIGTERM / Ctrl-C stops it gracefully).")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigFile configFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return run(configFile.path, spec.commandLine().getErr());
        }

        static int run(Path configFile, PrintWriter err) throws Exception {
            CallhookConfig config;
            ReloadableDirectory directory;
            try {
                config = ConfigLoader.load(configFile);
                directory = Directories.from(config.directory());
            } catch (ConfigException e) {
                e.problems().forEach(p -> err.println(p));
                return CONFIG_ERROR;
            }
            if (config.sip().trace()) {
                SipTraceLog.enable(Path.of(SipTraceLog.FILE));
            }
            Callhook callhook;
            try {
                callhook = Callhook.start(config, directory, Clock.systemUTC());
            } catch (Exception e) {
                err.println("callhook: cannot start: " + e.getMessage());
                return RUNTIME_FAILURE;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                callhook.close();
                SipTraceLog.flushAndStop(); // the async file appender writes out the shutdown lines
                stopped.countDown();
            }, "callhook-shutdown"));
            stopped.await();
            return OK;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Validate callhook.yaml and the directory it names; print file:line: key: message per problem.")
    static final class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigFile configFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<ConfigProblem> problems = new ArrayList<>();
            try {
                CallhookConfig loaded = ConfigLoader.load(configFile.path);
                out.println(configFile.path + ": OK");
                Path directoryFile = loaded.directory().file();
                if (directoryFile != null) {   // an HTTP directory source is not contacted: it may be down now
                    try {
                        Directories.fromFile(directoryFile, loaded.directory().cacheMaxEntries(),
                                loaded.directory().cacheTtl());
                        out.println(directoryFile + ": OK");
                    } catch (ConfigException e) {
                        problems.addAll(e.problems());
                    }
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
            problems.forEach(err::println);
            return problems.isEmpty() ? OK : CONFIG_ERROR;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Run the documented incoming and outgoing examples end to end on loopback, with a "
                    + "built-in HTTPS webhook sink, and print the POSTs it received.")
    static final class DemoCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                boolean ok = new Demo(out).run();
                return ok ? OK : RUNTIME_FAILURE;
            } catch (Exception e) {
                spec.commandLine().getErr().println("demo failed: " + e.getMessage());
                return RUNTIME_FAILURE;
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"callhook " + (v == null ? "dev" : v)};
        }
    }
}
