package io.tollgate.query;

import io.tollgate.config.StoreNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Finds the instance that owns an account (the active replica of its partition, by
 * {@code queryMetadataForKey} over the instances' {@code application.server}) and, when that is another
 * instance, forwards the query to it over HTTP. A forwarded query carries {@link #FORWARDED}, and the
 * instance that receives it answers from its own stores or not at all: a query is never forwarded twice.
 */
public final class QueryRouter {

    /** Marks a query one instance sent to another. */
    public static final String FORWARDED = "X-Tollgate-Forwarded";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final StringSerializer KEYS = new StringSerializer();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    /** Where an account's answers come from: a partition, and the instance where it is active. */
    public record Route(int partition, HostInfo owner, boolean local) {
    }

    /** The answer of another instance, passed on as it came. */
    public record Forwarded(int status, String contentType, byte[] body, String retryAfter) {
    }

    /** Queries are answered once the app runs: before, every account is "unavailable, retry". */
    public void attach(KafkaStreams streams, HostInfo self) {
        this.self = self;
        this.streams = streams;
    }

    public String self() {
        HostInfo me = self;
        return me == null ? "" : me.host() + ":" + me.port();
    }

    public Route route(String account) {
        KafkaStreams app = streams;
        if (app == null) {
            throw new Unavailable("Tollgate is starting");
        }
        KeyQueryMetadata metadata;
        try {
            metadata = app.queryMetadataForKey(StoreNames.COUNTERS, account, KEYS);
        } catch (RuntimeException e) {
            throw new Unavailable("the owner of account '" + account + "' cannot be looked up now (" + app.state() + ")");
        }
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE || metadata.activeHost() == null
                || metadata.activeHost().equals(HostInfo.unavailable())) {
            throw new Unavailable("the owner of account '" + account + "' is being decided (rebalance)");
        }
        return new Route(metadata.partition(), metadata.activeHost(), metadata.activeHost().equals(self));
    }

    public PartitionReader reader(int partition) {
        KafkaStreams app = streams;
        if (app == null) {
            throw new Unavailable("Tollgate is starting");
        }
        return new PartitionReader(app, partition);
    }

    /** Sends {@code pathAndQuery} to {@code owner}, with the caller's credentials. */
    public Forwarded forward(HostInfo owner, String pathAndQuery, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery))
                .timeout(FORWARD_TIMEOUT).header(FORWARDED, self()).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Forwarded(response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.body(), response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new Unavailable("the owner of the account, " + owner.host() + ":" + owner.port() + ", cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking " + owner.host() + ":" + owner.port());
        }
    }
}
