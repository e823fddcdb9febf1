package io.tollgate.sandbox.vendor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A vendor API on 127.0.0.1 that enforces the published limits strictly, for tests and the sandbox.
 * Pipedrive: a rolling 2-second window per token by plan and auth kind, 10 searches per 2 s, 10,000
 * POST/PUT per user per UTC day, and the company's daily token budget by the published cost table.
 * The forms platform: 2,500 calls per organization day (starting with the first call after local
 * midnight) and 3 concurrent connections. Over a limit it answers 429 with the vendor's body and
 * headers, as the vendor does. Every call is logged (tokens by label, never by secret).
 *
 * <p>This is written independently of Tollgate's limiter on purpose: it is the referee.
 */
public final class SimulatedVendor implements AutoCloseable {

    /** Which vendor a company is a customer of. */
    public enum Platform { PIPEDRIVE, FORMS }

    public enum Auth { API_TOKEN, OAUTH }

    /** @param dailyCalls the forms platform's calls per organization day (2,500 by its documents) */
    public record Company(String id, Platform platform, String plan, int seats, ZoneId zone, int dailyCalls) {

        public Company(String id, Platform platform, String plan, int seats, ZoneId zone) {
            this(id, platform, plan, seats, zone, FORMS_DAILY_CALLS);
        }

        /** This company with another daily allowance. */
        public Company withDailyCalls(int calls) {
            return new Company(id, platform, plan, seats, zone, calls);
        }
    }

    private static final int FORMS_DAILY_CALLS = 2500;

    public record Token(String label, String secret, String company, Auth auth, String user) {
    }

    private static final String OVER_LIMIT = "{\"success\":false,\"error\":\"request over limit\",\"errorCode\":429}";
    private static final Map<String, int[]> BURST = Map.of(
            "lite", new int[] {20, 80}, "growth", new int[] {40, 160}, "premium", new int[] {100, 400}, "ultimate", new int[] {120, 480},
            "essential", new int[] {20, 80}, "advanced", new int[] {40, 160}, "professional", new int[] {80, 320},
            "power", new int[] {100, 400}, "enterprise", new int[] {120, 480});
    private static final Map<String, Integer> BUDGET_MULTIPLIER = Map.of("lite", 1, "growth", 2, "premium", 5, "ultimate", 7,
            "essential", 1, "advanced", 2, "professional", 5, "power", 5, "enterprise", 7);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Company> companies;
    private final Map<String, Token> tokensBySecret = new HashMap<>();
    private final long latencyMs;
    private final PipedriveCosts costs = new PipedriveCosts();
    private final List<VendorCall> log = new ArrayList<>();

    // Vendor state, guarded by "this".
    private final Map<String, ArrayDeque<Long>> burst = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> searches = new HashMap<>();
    private final Map<String, Integer> writesPerUserDay = new HashMap<>();
    private final Map<String, Integer> tokensPerCompanyDay = new HashMap<>();
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, LocalDate> formsPeriod = new HashMap<>();
    private final Map<String, Integer> formsCalls = new HashMap<>();

    static {
        // An answer goes out when it is written, as a production server's does: the JDK server otherwise lets Nagle's
        // algorithm hold its body for the client's delayed ACK of its headers (40 ms on Linux), and every call seems
        // slower. Read once, when the JVM's first JDK HTTP server starts: Sandbox loads this class before any.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Loads this class, so that its JVM settings take effect before the registry starts its own HTTP server. */
    public static void prepareJvm() {
        // the static initializer has run
    }

    private SimulatedVendor(List<Company> companies, List<Token> tokens, long latencyMs, String host, int port) throws IOException {
        this.companies = new LinkedHashMap<>();
        companies.forEach(c -> this.companies.put(c.id(), c));
        tokens.forEach(t -> tokensBySecret.put(t.secret(), t));
        this.latencyMs = latencyMs;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        // Enough handler threads that a burst is stamped on arrival, not after waiting for a thread.
        this.executor = Executors.newFixedThreadPool(512, r -> {
            Thread t = new Thread(r, "simulated-vendor");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** On 127.0.0.1, a free port. */
    public static SimulatedVendor start(List<Company> companies, List<Token> tokens, long latencyMs) {
        return start(companies, tokens, latencyMs, "127.0.0.1", 0);
    }

    public static SimulatedVendor start(List<Company> companies, List<Token> tokens, long latencyMs, String host, int port) {
        try {
            return new SimulatedVendor(companies, tokens, latencyMs, host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the simulated vendor", e);
        }
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /** Every call so far, in arrival order. */
    public synchronized List<VendorCall> calls() {
        return List.copyOf(log);
    }

    public synchronized long rateLimited() {
        return log.stream().filter(VendorCall::rateLimited).count();
    }

    /**
     * Spends {@code tokens} of a company's budget today as its users' own actions in the vendor's UI do:
     * they count against the same budget, and only the vendor's headers show it.
     */
    public synchronized void spendOutsideTollgate(String companyId, int tokens) {
        String companyDay = companyId + "@" + Instant.now().atZone(ZoneOffset.UTC).toLocalDate();
        tokensPerCompanyDay.merge(companyDay, tokens, Integer::sum);
    }

    /** Tokens left today of a Pipedrive company's budget. */
    public synchronized int budgetLeft(String companyId) {
        Company company = companies.get(companyId);
        String companyDay = companyId + "@" + Instant.now().atZone(ZoneOffset.UTC).toLocalDate();
        return budgetOf(company) - tokensPerCompanyDay.getOrDefault(companyDay, 0);
    }

    private static int budgetOf(Company company) {
        return 30_000 * BUDGET_MULTIPLIER.get(company.plan()) * company.seats();
    }

    private record Verdict(int status, String limit, Map<String, String> headers) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrival = System.currentTimeMillis();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            if (path.endsWith("/echo")) {
                // A vendor error page that quotes the request line, credential and all: the dispatcher must not pass it on.
                respond(exchange, 400, "text/plain", "bad request: " + method + " " + exchange.getRequestURI(), Map.of());
                record(new VendorCall(arrival, "?", "?", requestId(exchange), method, path, 400, "echo", 0, lateness(exchange, arrival)));
                return;
            }
            Token token = authenticate(exchange);
            if (token == null) {
                respond(exchange, 401, "application/json", "{\"success\":false,\"error\":\"unauthorized access\",\"errorCode\":401}", Map.of());
                record(new VendorCall(arrival, "?", "?", requestId(exchange), method, path, 401, "auth", 0, lateness(exchange, arrival)));
                return;
            }
            Company company = companies.get(token.company());
            boolean forms = company.platform() == Platform.FORMS;
            boolean exempt = forms && method.equals("GET") && path.startsWith("/api/files/");
            Verdict verdict;
            int concurrent;
            synchronized (this) {
                verdict = forms ? forms(company, arrival, exempt) : pipedrive(company, token, method, path, arrival);
                concurrent = inFlight.merge(company.id(), exempt ? 0 : 1, Integer::sum);
                log.add(new VendorCall(arrival, company.id(), token.label(), requestId(exchange), method, path, verdict.status(),
                        verdict.limit(), concurrent, lateness(exchange, arrival)));
            }
            try {
                if (verdict.status() == 200 && latencyMs > 0) {
                    TimeUnit.MILLISECONDS.sleep(latencyMs);
                }
            } finally {
                // The call ends when its answer is ready, before it is written: a client that starts its next call
                // the moment it reads the answer must not find this one still counted.
                synchronized (this) {
                    inFlight.merge(company.id(), exempt ? 0 : -1, Integer::sum);
                }
            }
            if (verdict.status() == 429) {
                respond(exchange, 429, "application/json", OVER_LIMIT, verdict.headers());
            } else {
                respond(exchange, 200, "application/json", "{\"success\":true,\"data\":{\"id\":1}}", verdict.headers());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long lateness(HttpExchange exchange, long arrival) {
        String slot = exchange.getRequestHeaders().getFirst("X-Tollgate-Slot");
        return slot == null ? -1 : arrival - Long.parseLong(slot);
    }

    private static String requestId(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("X-Tollgate-Request-Id");
    }

    private synchronized void record(VendorCall call) {
        log.add(call);
    }

    private Token authenticate(HttpExchange exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            Token t = tokensBySecret.get(auth.substring(7));
            return t != null && t.auth() == Auth.OAUTH ? t : null;
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("api_token=")) {
                    Token t = tokensBySecret.get(URLDecoder.decode(pair.substring(10), StandardCharsets.UTF_8));
                    return t != null && t.auth() == Auth.API_TOKEN ? t : null;
                }
            }
        }
        return null;
    }

    /** Pipedrive's rules, checked in the order the vendor documents them; a refused call counts nowhere. */
    private Verdict pipedrive(Company company, Token token, String method, String path, long now) {
        int limit = BURST.get(company.plan())[token.auth() == Auth.OAUTH ? 1 : 0];
        ArrayDeque<Long> window = recent(burst, token.secret(), now);
        if (window.size() >= limit) {
            long reset = Math.max(1, (window.peekFirst() + 2000 - now + 999) / 1000);
            return new Verdict(429, "burst", Map.of("x-ratelimit-limit", "" + limit, "x-ratelimit-remaining", "0", "x-ratelimit-reset", "" + reset));
        }
        boolean search = path.endsWith("/search") || path.contains("/itemSearch");
        ArrayDeque<Long> searchWindow = recent(searches, token.secret(), now);
        if (search && searchWindow.size() >= 10) {
            return new Verdict(429, "search", Map.of("x-ratelimit-limit", "10", "x-ratelimit-remaining", "0"));
        }
        LocalDate utcDay = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate();
        boolean write = method.equals("POST") || method.equals("PUT");
        String userDay = token.user() + "@" + utcDay;
        if (write && writesPerUserDay.getOrDefault(userDay, 0) >= 10_000) {
            return new Verdict(429, "daily-writes", Map.of("x-daily-requests-left", "0"));
        }
        int budget = budgetOf(company);
        int cost = costs.cost(method, path);
        String companyDay = company.id() + "@" + utcDay;
        int spent = tokensPerCompanyDay.getOrDefault(companyDay, 0);
        if (spent + cost > budget) {
            return new Verdict(429, "token-budget", Map.of("x-daily-ratelimit-token-limit", "" + budget,
                    "x-daily-ratelimit-token-remaining", "0"));
        }
        window.addLast(now);
        if (search) {
            searchWindow.addLast(now);
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("x-ratelimit-limit", "" + limit);
        headers.put("x-ratelimit-remaining", "" + (limit - window.size()));
        headers.put("x-ratelimit-reset", "2");
        if (write) {
            int writes = writesPerUserDay.merge(userDay, 1, Integer::sum);
            if (token.auth() == Auth.API_TOKEN) {
                headers.put("x-daily-requests-left", "" + (10_000 - writes));
            }
        }
        tokensPerCompanyDay.put(companyDay, spent + cost);
        headers.put("x-daily-ratelimit-token-limit", "" + budget);
        headers.put("x-daily-ratelimit-token-remaining", "" + (budget - spent - cost));
        return new Verdict(200, "", headers);
    }

    /** The forms platform: the day starts with the first call after local midnight; 3 connections at most; its daily allowance. */
    private Verdict forms(Company company, long now, boolean exempt) {
        if (exempt) {
            return new Verdict(200, "", Map.of());
        }
        if (inFlight.getOrDefault(company.id(), 0) >= 3) {
            return new Verdict(429, "concurrency", Map.of());
        }
        LocalDate today = Instant.ofEpochMilli(now).atZone(company.zone()).toLocalDate();
        if (!today.equals(formsPeriod.get(company.id()))) {
            formsPeriod.put(company.id(), today);
            formsCalls.put(company.id(), 0);
        }
        if (formsCalls.get(company.id()) >= company.dailyCalls()) {
            return new Verdict(429, "daily-calls", Map.of());
        }
        formsCalls.merge(company.id(), 1, Integer::sum);
        return new Verdict(200, "", Map.of());
    }

    /** Arrivals of the last 2 seconds: the vendor's rolling window, (now - 2000, now]. */
    private static ArrayDeque<Long> recent(Map<String, ArrayDeque<Long>> windows, String key, long now) {
        ArrayDeque<Long> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst() <= now - 2000) {
            window.pollFirst();
        }
        return window;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
