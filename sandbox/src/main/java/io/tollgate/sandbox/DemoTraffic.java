package io.tollgate.sandbox;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** A burst far above the limits, from two integrations of acme and one of forms-org, to watch Tollgate pace it. */
final class DemoTraffic {

    private final AtomicInteger sent = new AtomicInteger();

    static DemoTraffic start(Sandbox sandbox) {
        DemoTraffic traffic = new DemoTraffic();
        Thread t = new Thread(() -> traffic.run(sandbox), "demo-traffic");
        t.setDaemon(true);
        t.start();
        return traffic;
    }

    int sent() {
        return sent.get();
    }

    private void run(Sandbox sandbox) {
        String topic = sandbox.tollgate().config().topics().requests();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.bootstrapServers()), new StringSerializer(), new AvroSerializer<>(new SchemaRegistryClient(sandbox.registryUrl()), true))) {
            for (int i = 0; i < 400; i++) {
                send(producer, topic, call("demo-import-" + i, "acme", "pipedrive/acme-main", "bulk-import", "GET", "/api/v2/deals/" + i));
                if (i % 4 == 0) {
                    send(producer, topic, call("demo-crm-" + i, "acme", "pipedrive/acme-sync", "crm-sync", "POST", "/api/v2/activities"));
                }
                if (i % 10 == 0) {
                    send(producer, topic, call("demo-forms-" + i, "forms-org", "forms/forms-org", "form-sync", "GET", "/api/datasources/" + i));
                }
            }
        }
    }

    private void send(KafkaProducer<String, SpecificRecord> producer, String topic, ApiRequest call) {
        producer.send(new ProducerRecord<>(topic, call.getAccount(), call));
        sent.incrementAndGet();
    }

    private static ApiRequest call(String id, String account, String credential, String integration, String method, String path) {
        return ApiRequest.newBuilder().setRequestId(id).setAccount(account).setCredentialRef(credential).setAuthKind(AuthKind.API_TOKEN)
                .setIntegration(integration).setMethod(method).setPath(path).setApiVersion(path.startsWith("/api/v2") ? "v2" : null)
                .setVendor(account.equals("forms-org") ? "forms" : "pipedrive").setHeaders(new HashMap<>())
                .setSubmittedAt(Instant.now()).build();
    }
}
