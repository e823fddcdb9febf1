package io.tollgate.query;

import io.tollgate.avro.policy.Account;
import io.tollgate.config.StoreNames;
import io.tollgate.topology.PolicyCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Accounts and policies in force. Every instance holds all of them (global stores, which IQv2 does not
 * query: KAFKA-13523), so these are answered where they are asked.
 */
public final class CatalogQueries {

    /** The most accounts one answer lists. */
    public static final int MAX_ACCOUNTS = 10_000;

    private final Supplier<KafkaStreams> streams;
    private final PolicyCatalog catalog;

    public CatalogQueries(Supplier<KafkaStreams> streams, PolicyCatalog catalog) {
        this.streams = streams;
        this.catalog = catalog;
    }

    public List<Views.AccountView> accounts() {
        List<Views.AccountView> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store(StoreNames.ACCOUNTS).all()) {
            while (it.hasNext() && out.size() < MAX_ACCOUNTS) {
                KeyValue<String, byte[]> kv = it.next();
                try {
                    Account a = catalog.readAccount("accounts", kv.value);
                    out.add(new Views.AccountView(a.getId(), a.getPolicyId(), a.getPlan(), a.getSeats(), a.getTimeZone()));
                } catch (RuntimeException e) {
                    out.add(new Views.AccountView(kv.key, null, null, null, null));
                }
            }
        }
        return out;
    }

    public Views.PolicyView policy(String id) {
        ReadOnlyKeyValueStore<String, byte[]> policies = store(StoreNames.POLICIES);
        PolicyCatalog.Compiled compiled = catalog.policy(id, policies::get);
        if (compiled.problem() != null) {
            throw new AccountQueries.NotFound(compiled.problem());
        }
        return AccountQueries.policy(compiled.policy());
    }

    private ReadOnlyKeyValueStore<String, byte[]> store(String name) {
        KafkaStreams app = streams.get();
        if (app == null) {
            throw new Unavailable("Tollgate is starting");
        }
        try {
            return app.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new Unavailable("the " + name + " store is not ready (" + app.state() + ")");
        }
    }
}
