// sluice-produce: a console producer with kcat's conventions. Each line
// (or -D delimited record) of the input files, or stdin, becomes one
// record; failures are reported per record with its file and line.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "every_report.hpp"
#include "interrupt.hpp"
#include "line_split.hpp"
#include "produce_options.hpp"
#include "sluice/sluice.hpp"

namespace {

using namespace sluice::produce;
using namespace std::chrono_literals;
using sluice::bench::interrupt_count;

struct Input {
  std::string name;  // as shown in messages: the path, or "stdin"
  int fd = -1;
};

// What the delivery callbacks share; they run on the producer's I/O thread
// (and on this thread for errors send() finds at once).
struct Reports {
  std::mutex mu;
  bool verbose = false;
  std::int64_t acked = 0;
  std::int64_t failed = 0;

  void on_report(const std::string& input, std::int64_t line, const sluice::DeliveryReport& r) {
    std::lock_guard lock(mu);
    if (r) {
      ++acked;
      if (verbose) {
        std::fprintf(stdout, "%s:%lld: partition %d, offset %lld\n", input.c_str(), static_cast<long long>(line),
                     r.partition, static_cast<long long>(r.offset));
      }
    } else {
      ++failed;
      const std::string why = r.error_message.empty() ? r.error.message() : r.error_message;
      std::fprintf(stderr, "sluice-produce: %s:%lld: %s%s\n", input.c_str(), static_cast<long long>(line), why.c_str(),
                   r.outcome_unknown ? " (it may nevertheless be in the log)" : "");
    }
  }
};

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "sluice-produce: %s\n", message.c_str());
  return code;
}

sluice::Config make_config(const ProduceOptions& o) {
  sluice::Config config = o.properties_file ? sluice::Config::from_properties_file(*o.properties_file) : sluice::Config{};
  // The command line wins over the file, under any name (-X
  // queue.buffering.max.ms over the file's linger.ms; -b over its
  // metadata.broker.list).
  for (const auto& [name, value] : o.properties) config.replace(name, value);
  if (!o.bootstrap.empty()) config.replace("bootstrap.servers", o.bootstrap);
  return config;
}

// Opens every input before anything is sent, so a typo in the last file
// name does not leave the first files half produced.
std::vector<Input> open_inputs(const std::vector<std::string>& files) {
  std::vector<Input> inputs;
  if (files.empty()) inputs.push_back({"stdin", STDIN_FILENO});
  for (const auto& f : files) {
    if (f == "-") {
      inputs.push_back({"stdin", STDIN_FILENO});
      continue;
    }
    const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open input file '" + f + "': " + std::strerror(errno));
    inputs.push_back({f, fd});
  }
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  ProduceOptions opt;
  std::optional<sluice::Config> config;
  sluice::ProducerSettings settings;
  std::vector<Input> inputs;
  try {
    opt = parse_produce_options(argc, argv);
    if (opt.help) {
      std::fputs(produce_usage().c_str(), stdout);
      return 0;
    }
    if (opt.version) {
      std::printf("sluice-produce %s\n", sluice::version());
      return 0;
    }
    config = make_config(opt);
    settings = config->resolve();
    if (auto refused = sluice::cli::refuse_report_filter(settings.delivery_report_only_error, "sluice-produce")) {
      return fail(*refused, 2);
    }
    inputs = open_inputs(opt.files);
  } catch (const std::exception& e) {  // UsageError, sluice::ConfigError, a file that does not open
    return fail(e.what(), 2);
  }

  sluice::bench::install_interrupt_handlers();
  std::unique_ptr<sluice::Producer> producer;
  std::unique_ptr<sluice::bench::SendWatcher> watcher;
  try {
    sluice::bench::SignalBlock block;  // the I/O thread inherits the mask: signals interrupt our read()
    producer = std::make_unique<sluice::Producer>(*config);
    // A send() blocked on a full buffer is cut short by a signal: what was
    // never sent fails (purged) and frees the space.
    watcher = std::make_unique<sluice::bench::SendWatcher>([p = producer.get()] { p->purge(); });
  } catch (const std::exception& e) {
    return fail(std::string("cannot start the producer: ") + e.what(), 2);
  }

  std::vector<sluice::Header> headers;
  for (const auto& [name, value] : opt.headers) headers.push_back({name, value});

  Reports reports;
  reports.verbose = opt.verbose;
  std::int64_t sent = 0;
  auto send_record = [&](const Input& input, std::int64_t line, std::string_view bytes) {
    const KeyValue kv = split_key(bytes, opt.key_delimiter);
    sluice::Record record;
    record.topic = opt.topic;
    record.partition = opt.partition;
    if (kv.key) record.key.emplace(*kv.key);
    record.value.emplace(kv.value);
    record.headers = headers;
    ++sent;
    watcher->entering();
    producer->send(std::move(record), [&reports, name = &input.name, line](const sluice::DeliveryReport& r) {
      reports.on_report(*name, line, r);
    });
    watcher->left();
  };

  std::string read_error;
  std::vector<char> buf(1 << 16);
  for (const Input& input : inputs) {
    RecordSplitter splitter(opt.delimiter);
    std::int64_t line = 0;
    bool more = true;
    while (more && interrupt_count() == 0) {
      const ssize_t got = ::read(input.fd, buf.data(), buf.size());
      if (got > 0) {
        splitter.feed(std::string_view(buf.data(), static_cast<std::size_t>(got)),
                      [&](std::string_view record) { send_record(input, ++line, record); });
      } else if (got == 0) {
        more = false;
      } else if (errno != EINTR) {
        read_error = "cannot read '" + input.name + "': " + std::strerror(errno);
        more = false;
      }
    }
    // The unterminated last record is a record (but not a half-read one
    // after Ctrl-C, which may be cut anywhere).
    if (interrupt_count() == 0 && read_error.empty()) {
      if (auto rest = splitter.finish()) send_record(input, ++line, *rest);
    }
    if (input.fd != STDIN_FILENO) ::close(input.fd);
    if (!read_error.empty() || interrupt_count() > 0) break;
  }

  // Every record gets its report within max.block.ms (waiting for
  // metadata) plus delivery.timeout.ms; the margin only guards against a
  // client bug. A second Ctrl-C stops waiting.
  const auto deadline = std::chrono::steady_clock::now() + settings.max_block + settings.delivery_timeout + 5s;
  while (producer->flush(200ms) > 0 && std::chrono::steady_clock::now() < deadline && interrupt_count() < 2) {
  }
  watcher.reset();
  producer->close(0ms);  // what is left fails (and is reported) with errc::closed
  producer.reset();

  if (!read_error.empty()) return fail(read_error, 2);
  // Interrupted: 130 (128 + SIGINT) like sluice-bench, whatever the records
  // cut short by it reported.
  if (interrupt_count() > 0) return 130;
  std::lock_guard lock(reports.mu);
  return reports.failed > 0 || reports.acked != sent ? 1 : 0;
}
