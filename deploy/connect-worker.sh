#!/bin/sh
# Starts a Kafka Connect worker (connect-distributed.sh WORKER_PROPERTIES). On two CPUs or fewer the JVM's common
# pool has a parallelism of 1, and java.net.http, which hands every answer to CompletableFuture's default executor,
# then starts a new thread per answer; a parallelism of 2 keeps it on the pool (docs/DEPLOYMENT.md, "The Connect
# worker"). KAFKA_OPTS the operator set is kept.
if [ "$(nproc 2>/dev/null || echo 1)" -le 2 ]; then
  KAFKA_OPTS="${KAFKA_OPTS:-} -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
  export KAFKA_OPTS
fi
exec /opt/kafka/bin/connect-distributed.sh "$@"
