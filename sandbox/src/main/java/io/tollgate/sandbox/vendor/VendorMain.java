package io.tollgate.sandbox.vendor;

import io.tollgate.sandbox.SandboxAccounts;
import java.util.concurrent.CountDownLatch;

/**
 * The simulated vendor on its own, for docker-compose: {@code --host=0.0.0.0 --port=8090 --latency-ms=20}.
 * Its customers are those of {@link SandboxAccounts}. Every 429 is printed.
 */
public final class VendorMain {

    private VendorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 8090;
        long latency = 20;
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            if (arg.startsWith("--host=")) {
                host = value;
            } else if (arg.startsWith("--port=")) {
                port = Integer.parseInt(value);
            } else if (arg.startsWith("--latency-ms=")) {
                latency = Long.parseLong(value);
            }
        }
        SimulatedVendor vendor = SimulatedVendor.start(SandboxAccounts.COMPANIES, SandboxAccounts.TOKENS, latency, host, port);
        System.out.println("Simulated vendor listening on " + vendor.url());
        Runtime.getRuntime().addShutdownHook(new Thread(vendor::close));
        new CountDownLatch(1).await();
    }
}
