package io.tollgate.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Tollgate in a separate JVM, so a test can kill it the hard way (SIGKILL) in the middle of traffic. */
final class ForkedTollgate implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ForkedTollgate(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ForkedTollgate start(Map<String, String> settings, Path log) throws IOException, InterruptedException {
        return start(settings, log, List.of());
    }

    /** @param jvmOptions such as {@code -Dlog4j2.configurationFile=...} */
    static ForkedTollgate start(Map<String, String> settings, Path log, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tollgate.app.TollgateMain"));
        settings.forEach((k, v) -> command.add("--" + k + "=" + v));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ForkedTollgate forked = new ForkedTollgate(process, log);
        forked.awaitLog("Tollgate is running", Duration.ofSeconds(90));
        return forked;
    }

    void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .failFast("forked Tollgate exited", () -> !process.isAlive())
                    .until(() -> Files.readString(log).contains(text));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("forked Tollgate did not log '" + text + "' within " + timeout + ":\n" + Files.readString(log), e);
        } catch (org.awaitility.core.TerminalFailureException e) {
            throw new IllegalStateException("forked Tollgate exited with " + process.exitValue() + ":\n" + Files.readString(log), e);
        }
    }

    Path log() {
        return log;
    }

    /**
     * Whether this instance's consumer group is settled, as its log says: its last word on the group is that it
     * synced (it needs Kafka's ConsumerCoordinator at INFO, as log4j2-forked-streams.xml has it).
     */
    boolean groupSettled() throws IOException {
        List<String> lines = Files.readAllLines(log).stream()
                .filter(l -> l.contains("joining group") || l.contains("synced group")).toList();
        return !lines.isEmpty() && lines.get(lines.size() - 1).contains("Successfully synced group");
    }

    /** SIGTERM, as an orchestrator stops a process; @return whether it exited within {@code timeout}. */
    boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: no shutdown hook, no commit, an open transaction left behind. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    static String javaClassPathSeparator() {
        return File.pathSeparator;
    }
}
