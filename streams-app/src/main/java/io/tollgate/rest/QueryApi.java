package io.tollgate.rest;

import io.tollgate.activity.Dimension;
import io.tollgate.config.StoreNames;
import io.tollgate.query.AccountQueries;
import io.tollgate.query.CatalogQueries;
import io.tollgate.query.PartitionReader;
import io.tollgate.query.QueryRouter;
import io.tollgate.query.Unavailable;
import io.tollgate.query.Views;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The query endpoints. An account's question is answered by the instance that owns the account: here,
 * from this instance's stores, or by forwarding it to the owner (once: a forwarded question that finds its
 * account moved is answered 503, to be asked again).
 */
public final class QueryApi {

    /** The longest account id the API takes (the intake's bound on identifiers). */
    static final int MAX_ID_LENGTH = io.tollgate.schemas.request.RequestValidator.MAX_ID;

    private final QueryRouter router;
    private final AccountQueries accounts;
    private final CatalogQueries catalog;
    private final LongSupplier clock;

    public QueryApi(QueryRouter router, AccountQueries accounts, CatalogQueries catalog, LongSupplier clock) {
        this.router = router;
        this.accounts = accounts;
        this.catalog = catalog;
        this.clock = clock;
    }

    Reply accounts(Exchange exchange) {
        return Reply.json(200, Map.of("answeredBy", router.self(), "accounts", catalog.accounts()));
    }

    Reply policy(Exchange exchange) {
        return Reply.json(200, catalog.policy(id(exchange)));
    }

    Reply usage(Exchange exchange) {
        String account = id(exchange);
        return owned(exchange, account, reader -> accounts.usage(reader, account, clock.getAsLong()));
    }

    Reply today(Exchange exchange) {
        String account = id(exchange);
        String by = exchange.query("by") == null ? "integration" : exchange.query("by");
        Dimension dimension = Dimension.fromParam(by);
        if (dimension == null) {
            throw new BadRequest("by must be one of " + Arrays.stream(Dimension.values()).map(Dimension::param)
                    .collect(Collectors.joining(", ")) + "; got '" + printable(by) + "'");
        }
        return owned(exchange, account, reader -> accounts.today(reader, account, dimension, clock.getAsLong()));
    }

    Reply calls(Exchange exchange) {
        String account = id(exchange);
        int limit = limit(exchange.query("limit"));
        return owned(exchange, account, reader -> accounts.calls(reader, account, limit));
    }

    Reply queue(Exchange exchange) {
        String account = id(exchange);
        return owned(exchange, account, reader -> accounts.queue(reader, account, clock.getAsLong()));
    }

    private Reply owned(Exchange exchange, String account, Function<PartitionReader, Object> query) {
        QueryRouter.Route route = router.route(account);
        if (!route.local()) {
            if (exchange.forwardedBy() != null) {
                throw new Unavailable("account '" + account + "' moved while the question was forwarded to this instance");
            }
            QueryRouter.Forwarded answer = router.forward(route.owner(), exchange.pathAndQuery(), exchange.authorization());
            Reply reply = new Reply(answer.status(), answer.contentType(), answer.body(), Map.of());
            return answer.retryAfter() == null ? reply : reply.withHeader("Retry-After", answer.retryAfter());
        }
        PartitionReader reader = router.reader(route.partition());
        Object data = query.apply(reader);
        return Reply.json(200, new Views.Answer<>(account, route.partition(), router.self(), reader.position(), data));
    }

    private static String id(Exchange exchange) {
        String id = exchange.path("id");
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new BadRequest("the id must be 1 to " + MAX_ID_LENGTH + " characters without control characters");
        }
        return id;
    }

    private static int limit(String value) {
        if (value == null) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= StoreNames.RECENT_CALLS_KEPT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest("limit must be a whole number from 1 to " + StoreNames.RECENT_CALLS_KEPT + "; got '" + printable(value) + "'");
    }

    /** A parameter as it may be echoed in an error: short, without control characters. */
    private static String printable(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
