package io.tollgate.app;

import io.tollgate.config.ConfigException;
import io.tollgate.config.TollgateConfig;
import io.tollgate.policy.PolicyException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts Tollgate. Configuration: defaults &lt; {@code --config=file} &lt; {@code TOLLGATE_*} environment
 * &lt; {@code --key=value} arguments. Without {@code bootstrap.servers}, an embedded broker and schema
 * registry are started too, seeded with the preset policies and two demo accounts.
 */
public final class TollgateMain {

    private TollgateMain() {
    }

    public static void main(String[] args) throws Exception {
        TollgateConfig config;
        try {
            config = TollgateConfig.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("Tollgate: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        TollgateApp app;
        try {
            app = TollgateApp.start(config);
        } catch (PolicyException e) {
            System.err.println("Tollgate: the policy file cannot be used: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        BoundedShutdown.onExit("Tollgate", config.shutdownTimeout(), () -> {
            app.close();
            stopped.countDown();
        });
        app.awaitRunning(Duration.ofMinutes(2));
        System.out.println(Banner.of(app));
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-status");
            t.setDaemon(true);
            return t;
        });
        status.scheduleAtFixedRate(() -> System.out.println(Banner.status(app)), 10, 10, TimeUnit.SECONDS);
        stopped.await();
    }
}
