# The signaling node's container image: the fat jar on a JRE, run as a non-root user.
#
#   docker build -t signaling:dev .
#   docker run --rm -p 8080:8080 -e CLUSTER_DISCOVERY=none signaling:dev
#
# Kubernetes manifests for it are in k8s/ (see k8s/README.md). The container is made for a read-only root
# filesystem: the only place it writes is /tmp (the JVM's temp dir and Vert.x's file cache, where the web
# app's static files are unpacked from the jar), which must then be a writable volume, an emptyDir in
# Kubernetes (`docker run --read-only --tmpfs /tmp ...` elsewhere).

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
# Pinned for reproducible images; bump deliberately (security updates come with new tags).
ARG RUNTIME_IMAGE=eclipse-temurin:21.0.8_9-jre-noble

# ---- build: the fat jar ----
FROM ${BUILD_IMAGE} AS build
WORKDIR /src

# The poms alone first: the layer that downloads dependencies and plugins is reused for as long as no pom
# changes. Packaging the still source-less modules resolves exactly what the real build needs (unlike
# dependency:go-offline, which trips over optional dependencies of vertx-micrometer-metrics).
COPY pom.xml ./
COPY shared-model/pom.xml shared-model/
COPY signaling-node/pom.xml signaling-node/
# Listed in the parent's <modules>, so the reactor needs its pom even though it is not built here.
COPY loadtest/pom.xml loadtest/
RUN mvn -B -ntp -q -DskipTests package -pl signaling-node -am \
    && rm -rf shared-model/target signaling-node/target

COPY shared-model/src shared-model/src
COPY signaling-node/src signaling-node/src
RUN mvn -B -ntp -DskipTests package -pl signaling-node -am

# ---- runtime: a JRE and the jar ----
FROM ${RUNTIME_IMAGE}

# A fixed numeric user, so that Kubernetes' runAsNonRoot can verify it without a name lookup.
ARG UID=10001
ARG GID=10001
RUN groupadd --system --gid "${GID}" signaling \
    && useradd --system --uid "${UID}" --gid "${GID}" --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin signaling

WORKDIR /app
# Owned by root and read-only for the user: the process cannot change its own code.
COPY --from=build /src/signaling-node/target/signaling-node.jar /app/signaling-node.jar

USER ${UID}:${GID}

# 8080: HTTP, the WebSocket endpoint /ws, /metrics and /health/*. 5701: Hazelcast. 5801: the clustered
# event bus when CLUSTER_EVENT_BUS_PORT=5801 (as in k8s/; by default it takes any free port).
EXPOSE 8080 5701 5801

# Exec form: java is PID 1 and receives SIGTERM itself, which starts the node's drain (DRAIN_SECONDS).
# The heap follows the container's memory limit; the rest of the limit is left for metaspace, thread
# stacks and Netty's direct buffers. On OutOfMemoryError the JVM exits and the orchestrator restarts it
# rather than leaving a half-working node in the cluster. G1 explicitly: under 2 CPUs or about 1.8 GB
# (every size in k8s/) the JVM would otherwise pick the Serial collector, whose full pauses stall every
# connection at once. Extra JVM flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", \
    "-XX:MaxRAMPercentage=75", \
    "-XX:+ExitOnOutOfMemoryError", \
    "-XX:+UseG1GC", \
    "-Djava.io.tmpdir=/tmp", \
    "-Dvertx.cacheDirBase=/tmp/vertx-cache", \
    "-jar", "/app/signaling-node.jar"]
