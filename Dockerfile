# One image for the three services; the command picks the role (produce | process | sink).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests install \
 && mvn -B -q -pl launcher dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp -r launcher/target/classes /app/classes

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /app /app
COPY seeds /app/seeds
ENV NEWSFLOW_HOME=/app
ENTRYPOINT ["java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.io.newsflow=info", \
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.StreamsConfig=error", \
            "-cp", "/app/classes:/app/lib/*", "io.newsflow.launcher.Newsflow"]
