# syntax=docker/dockerfile:1
# The tool as a container image, for running shards of one migration on many machines (README:
# "Beyond one machine"). Build from the top of the checkout:
#
#   docker build -t redis-keys-migrator:0.1.0 .
#   docker run --rm redis-keys-migrator:0.1.0 --help
#
# Stage 1 builds the shaded jar with Maven on a JDK 17; stage 2 runs it on a JRE 17 through
# scripts/redis-keys-migrator, the launcher with the JVM settings we measured (RKM_JAVA_OPTS
# replaces them, as outside a container).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY app/pom.xml app/
COPY rdb-parser-tests/pom.xml rdb-parser-tests/
COPY app/src app/src
# The Maven cache outlives the build, so a rebuild does not download every dependency again.
# maven.test.skip also skips the release archives (README "Install"): the image needs the jar only,
# and the context has neither .git (--version says "commit unknown") nor LICENSE and README.md.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -pl app -am -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 rkm \
    && useradd --system --uid 10001 --gid rkm --home-dir /work --create-home rkm
COPY --from=build /src/app/target/redis-keys-migrator.jar /opt/redis-keys-migrator/redis-keys-migrator.jar
COPY scripts/redis-keys-migrator /opt/redis-keys-migrator/bin/redis-keys-migrator
ENV RKM_JAR=/opt/redis-keys-migrator/redis-keys-migrator.jar
# The error log goes to the working directory unless --error-log says otherwise.
WORKDIR /work
USER 10001:10001
ENTRYPOINT ["/opt/redis-keys-migrator/bin/redis-keys-migrator"]
CMD ["--help"]
