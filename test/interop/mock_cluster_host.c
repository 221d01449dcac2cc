/* Hosts librdkafka's mock cluster (rd_kafka_mock_cluster_new) as a test
 * server for Sluice: a second Kafka protocol implementation to talk to,
 * without a JVM.
 *
 *   mock_cluster_host BROKERS [TOPIC:PARTITIONS ...]
 *
 * Prints "bootstrap HOST:PORT,..." on stdout, then reads commands on stdin,
 * one a line, answering each with "ok" or "error ...":
 *   leader TOPIC PARTITION BROKER_ID    rd_kafka_mock_partition_set_leader
 *   apiversion KEY MIN MAX              rd_kafka_mock_set_apiversion (-1 -1: not served)
 *   version                             "ok " and rd_kafka_version_str(): the librdkafka
 *                                       loaded (LD_LIBRARY_PATH may pick another than Debian's)
 * Exits when stdin closes (so a test that dies never leaves it running) or on
 * SIGINT/SIGTERM. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *spec) {
  char name[256];
  const char *colon = strchr(spec, ':');
  int partitions = colon ? atoi(colon + 1) : 1;
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (len == 0 || len >= sizeof name || partitions <= 0) {
    fprintf(stderr, "bad topic spec '%s' (want NAME:PARTITIONS)\n", spec);
    return -1;
  }
  memcpy(name, spec, len);
  name[len] = '\0';
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, partitions, 1);
  if (err) {
    fprintf(stderr, "creating %s: %s\n", name, rd_kafka_err2str(err));
    return -1;
  }
  return 0;
}

static void run_command(rd_kafka_mock_cluster_t *mc, char *line) {
  char topic[256];
  int partition = 0, broker = 0, key = 0, min = 0, max = 0;
  if (sscanf(line, "apiversion %d %d %d", &key, &min, &max) == 3) {
    rd_kafka_resp_err_t err = rd_kafka_mock_set_apiversion(mc, (int16_t)key, (int16_t)min, (int16_t)max);
    if (err) {
      printf("error %s\n", rd_kafka_err2str(err));
    } else {
      printf("ok\n");
    }
  } else if (sscanf(line, "leader %255s %d %d", topic, &partition, &broker) == 3) {
    rd_kafka_resp_err_t err = rd_kafka_mock_partition_set_leader(mc, topic, partition, broker);
    if (err) {
      printf("error %s\n", rd_kafka_err2str(err));
    } else {
      printf("ok\n");
    }
  } else if (strcmp(line, "version\n") == 0) {
    printf("ok %s\n", rd_kafka_version_str());
  } else {
    printf("error unknown command\n");
  }
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc < 2 || atoi(argv[1]) <= 0) {
    fprintf(stderr, "usage: %s BROKERS [TOPIC:PARTITIONS ...]\n", argv[0]);
    return 2;
  }
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle only hosts the mock's threads; keep its own logging quiet. */
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, atoi(argv[1]));
  if (!mc) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  int rc = 0;
  for (int i = 2; i < argc; ++i) {
    if (create_topic(mc, argv[i]) != 0) rc = 1;
  }
  if (rc == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: fgets returns on a signal */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);
    char line[512];
    while (!stop_requested && fgets(line, sizeof line, stdin)) run_command(mc, line);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return rc;
}
