#pragma once
// Driving one io_context from a test thread until a condition holds, with a
// deadline (never a sleep): for the TLS and SASL connection tests.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <system_error>

#include "sluice/net/broker_connection.hpp"

namespace sluice::test {

// Runs `io` until pred() holds or `limit` passes; false on the deadline or
// when nothing is left to run.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred pred,
               std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    io.restart();
    const std::size_t n =
        io.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(50)));
    if (n == 0 && io.stopped()) return pred();
  }
  return true;
}

// connect() and wait for its outcome (fails the test if none comes in 10 s).
inline std::error_code connect_and_wait(boost::asio::io_context& io, const std::shared_ptr<net::BrokerConnection>& c) {
  std::optional<std::error_code> done;
  c->connect([&done](std::error_code ec) { done = ec; });
  REQUIRE(run_until(io, [&] { return done.has_value(); }));
  return *done;
}

}  // namespace sluice::test
