package io.callhook.testing;

import io.callhook.Main;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in this JVM, as a user would type it, and keeps what it printed. */
public final class Cli {

    public record Result(int exit, String out, String err) {}

    private Cli() {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }
}
