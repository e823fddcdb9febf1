# Images for docker-compose.yml. Built from source, so a clone is all it needs.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests package

# The limiter (streams app); also carries the sandbox jar, whose simulated vendor compose runs.
FROM eclipse-temurin:17-jre AS app
RUN mkdir -p /var/lib/tollgate/state
COPY --from=build /src/streams-app/target/tollgate-streams-app.jar /opt/tollgate/tollgate-streams-app.jar
COPY --from=build /src/sandbox/target/tollgate.jar /opt/tollgate/tollgate-sandbox.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/tollgate/tollgate-streams-app.jar"]

# A Kafka Connect worker with the HTTP dispatch connector on its plugin.path.
FROM apache/kafka:4.3.1 AS connect
COPY --from=build /src/connectors/target/plugin /opt/tollgate/plugins
COPY deploy/connect-distributed.properties /etc/tollgate/connect-distributed.properties
EXPOSE 8083
CMD ["/opt/kafka/bin/connect-distributed.sh", "/etc/tollgate/connect-distributed.properties"]
