package io.tollgate.topology;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a global store of policies or accounts. A record is validated before it is stored: an
 * invalid one is refused with the field it fails on, and the previous version stays in force. Every
 * accepted change is told to the catalog, which drops what it compiled from the record, so the change
 * applies without a restart.
 */
final class GlobalRecordUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalRecordUpdater.class);

    private final String storeName;
    private final String what;
    private final BiConsumer<String, byte[]> validator;
    private final Consumer<String> changed;
    private final TollgateMetrics metrics;
    private KeyValueStore<String, byte[]> store;

    /**
     * @param validator throws, with a message naming the field, when the record must be refused
     * @param changed   told the id of every record stored or deleted, once the store holds it
     */
    GlobalRecordUpdater(String storeName, String what, BiConsumer<String, byte[]> validator, Consumer<String> changed,
                        TollgateMetrics metrics) {
        this.storeName = storeName;
        this.what = what;
        this.validator = validator;
        this.changed = changed;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            LOG.error("Refused {} record without a key: the key must be the {} id", what, what);
            metrics.policyRefused();
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            LOG.info("{} '{}' deleted", what, record.key());
            changed.accept(record.key());
            return;
        }
        try {
            validator.accept(record.key(), record.value());
        } catch (RuntimeException e) {
            if (!RejectingExceptionHandler.isTransient(e)) {
                LOG.error("Refused {} '{}': {}. The previous version stays in force.", what, record.key(), e.getMessage());
                metrics.policyRefused();
                return;
            }
            // The registry could not be asked. The gate let this record through, so it is taken as it is; it is
            // compiled again when first used, once the registry answers.
            LOG.warn("{} '{}' stored without a second check: {}", what, record.key(), e.getMessage());
        }
        store.put(record.key(), record.value());
        // A policy change is rare and worth a line; accounts come by the thousand (a seed, a restore), so DEBUG.
        if (what.equals("policy")) {
            LOG.info("{} '{}' updated", what, record.key());
        } else {
            LOG.debug("{} '{}' updated", what, record.key());
        }
        changed.accept(record.key());
    }
}
