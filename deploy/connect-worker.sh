#!/bin/sh
# Starts a Kafka Connect worker (connect-distributed.sh WORKER_PROPERTIES). On two CPUs or fewer the JVM's common
# pool has a parallelism of 1, and java.net.http, which hands every answer to CompletableFuture's default executor,
# then starts a new thread per answer (docs/DEPLOYMENT.md, "The Connect worker"). The parallelism is set to the JVM's
# own default, but never below 2: the CPUs counted here ignore a container's CPU quota, which the JVM counts. A
# parallelism already in KAFKA_OPTS is kept.
case "${KAFKA_OPTS:-}" in
  *ForkJoinPool.common.parallelism=*) ;;
  *)
    cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
    KAFKA_OPTS="${KAFKA_OPTS:-} -Djava.util.concurrent.ForkJoinPool.common.parallelism=$(( cpus > 3 ? cpus - 1 : 2 ))"
    export KAFKA_OPTS
    ;;
esac
exec /opt/kafka/bin/connect-distributed.sh "$@"
