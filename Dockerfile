# Images for docker-compose.yml and deploy/kubernetes, from the packaged jars: run `mvn -B -DskipTests package`
# first (the build needs Maven Central, the image build nothing but the base images).

# The limiter (streams app); also carries the sandbox jar, whose simulated vendor compose runs.
FROM eclipse-temurin:17-jre AS app
RUN mkdir -p /var/lib/tollgate/state
COPY streams-app/target/tollgate-streams-app.jar /opt/tollgate/tollgate-streams-app.jar
COPY sandbox/target/tollgate.jar /opt/tollgate/tollgate-sandbox.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/tollgate/tollgate-streams-app.jar"]

# A Kafka Connect worker with the HTTP dispatch connector on its plugin.path.
FROM apache/kafka:4.3.1 AS connect
COPY connectors/target/plugin /opt/tollgate/plugins
COPY deploy/connect-distributed.properties /etc/tollgate/connect-distributed.properties
EXPOSE 8083
# The worker's common pool never below 2, else java.net.http starts a thread per answer (docs/DEPLOYMENT.md).
COPY deploy/connect-worker.sh /opt/tollgate/connect-worker.sh
CMD ["/bin/sh", "/opt/tollgate/connect-worker.sh", "/etc/tollgate/connect-distributed.properties"]
