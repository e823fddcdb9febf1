package io.tollgate.bench;

/**
 * {@code java -jar bench/target/tollgate-bench.jar streams [--records=200000]}: the limiter against a
 * pass-through Streams app on one embedded broker. {@code ... latency [--rate=2000]}: send to dispatch readable, at a
 * steady rate. {@code ... scale [--keys=1000000]}: memory as keys and waiting calls grow.
 * {@code ... jmh [JMH options]}: the engine and the lane scheduler.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "streams" -> StreamsBench.main(rest);
            case "latency" -> LatencyBench.main(rest);
            case "scale" -> ScaleBench.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: java -jar tollgate-bench.jar streams [--records=N] [--accounts=N] | latency [--rate=N] "
                        + "[--seconds=N] | scale [--keys=N] | jmh [JMH options]");
                System.exit(2);
            }
        }
    }
}
