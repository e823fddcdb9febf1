package io.tollgate.app;

import java.time.Duration;

/**
 * Runs a shutdown with a deadline. A JVM shutdown hook that waits forever (a thread stuck in a broker
 * call, a task that will not close) turns Ctrl-C or a SIGTERM into a hang; past the deadline the
 * process halts, which Kafka's transactions and changelogs are built to survive.
 */
public final class BoundedShutdown {

    private BoundedShutdown() {
    }

    /** Registers a shutdown hook that runs {@code close} and halts the JVM if it takes longer than {@code timeout}. */
    public static void onExit(String what, Duration timeout, Runnable close) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(what, timeout, close), what + "-shutdown"));
    }

    static void run(String what, Duration timeout, Runnable close) {
        System.out.println(what + ": stopping (at most " + timeout.toSeconds() + " s)");
        Thread closing = new Thread(close, what + "-close");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closing.isAlive()) {
            System.err.println(what + ": did not stop within " + timeout.toSeconds() + " s; halting");
            Runtime.getRuntime().halt(1);
        }
        System.out.println(what + ": stopped");
    }
}
