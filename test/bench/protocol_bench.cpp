// Micro-benchmarks of the codec's hot paths, each next to memcpy of the same
// bytes measured in the same run (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "sluice/protocol/crc32c.hpp"
#include "sluice/protocol/record_batch_builder.hpp"

using namespace sluice::protocol;

namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::mt19937 rng(42);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

// Builds a batch of `records` values of `size` bytes (null keys), CRC
// included: what the producer does per batch. With `producer_state`, also
// sets the idempotence fields after finish() as the producer does before
// sending (idempotence is on by default), which recomputes the CRC.
void build_batch(benchmark::State& state, std::size_t size, std::size_t records, bool producer_state = false) {
  const auto value = random_bytes(size);
  RecordBatchBuilder b;
  std::int64_t ts = 1700000000000;
  for (auto _ : state) {
    b.reset();
    for (std::size_t i = 0; i < records; ++i) b.append(ts + static_cast<std::int64_t>(i), std::nullopt, ByteView(value));
    auto bytes = b.finish();
    if (producer_state) b.set_producer_state(4001, 2, 17);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * records * size));
}

void memcpy_values(benchmark::State& state, std::size_t size, std::size_t records) {
  const auto value = random_bytes(size);
  std::vector<std::uint8_t> out(size * records + 64);
  for (auto _ : state) {
    std::uint8_t* p = out.data();
    for (std::size_t i = 0; i < records; ++i) {
      std::memcpy(p, value.data(), size);
      p += size;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * records * size));
}

void BM_BuildBatch_100B(benchmark::State& s) { build_batch(s, 100, 1000); }
void BM_Memcpy_100B(benchmark::State& s) { memcpy_values(s, 100, 1000); }
void BM_BuildBatch_1KiB_1MiB(benchmark::State& s) { build_batch(s, 1024, 1024); }
void BM_Memcpy_1KiB_1MiB(benchmark::State& s) { memcpy_values(s, 1024, 1024); }
void BM_BuildBatch_100B_ProducerState(benchmark::State& s) { build_batch(s, 100, 1000, true); }
void BM_BuildBatch_1KiB_1MiB_ProducerState(benchmark::State& s) { build_batch(s, 1024, 1024, true); }

void BM_Crc32c(benchmark::State& state, bool hardware) {
  const auto data = random_bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto c = hardware ? crc32c_hardware(data) : crc32c_portable(data);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
void BM_Crc32c_Hardware(benchmark::State& s) { BM_Crc32c(s, true); }
void BM_Crc32c_Portable(benchmark::State& s) { BM_Crc32c(s, false); }

}  // namespace

BENCHMARK(BM_BuildBatch_100B);
BENCHMARK(BM_Memcpy_100B);
BENCHMARK(BM_BuildBatch_1KiB_1MiB);
BENCHMARK(BM_Memcpy_1KiB_1MiB);
BENCHMARK(BM_BuildBatch_100B_ProducerState);
BENCHMARK(BM_BuildBatch_1KiB_1MiB_ProducerState);
BENCHMARK(BM_Crc32c_Hardware)->Arg(4096)->Arg(1 << 20);
BENCHMARK(BM_Crc32c_Portable)->Arg(4096)->Arg(1 << 20);

BENCHMARK_MAIN();
