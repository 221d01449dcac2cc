#pragma once
// The production EngineTimer: a boost::asio::steady_timer on the engine's
// io_context, so its handler runs on the I/O thread (or inline on the
// application's io_context), as the engine's other handlers do.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine_timer.hpp"

namespace sluice::detail {

class AsioEngineTimer final : public EngineTimer {
 public:
  explicit AsioEngineTimer(boost::asio::io_context& io) : timer_(io) {}

  void arm(Clock::time_point at, std::function<void()> fire) override {
    // expires_at cancels the wait armed before: its handler sees
    // operation_aborted and does nothing.
    timer_.expires_at(at);
    timer_.async_wait([fire = std::move(fire)](boost::system::error_code ec) {
      if (!ec) fire();
    });
  }
  void cancel() override { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

class AsioTimerFactory final : public TimerFactory {
 public:
  explicit AsioTimerFactory(boost::asio::io_context& io) : io_(io) {}
  std::unique_ptr<EngineTimer> make_timer() override { return std::make_unique<AsioEngineTimer>(io_); }

 private:
  boost::asio::io_context& io_;
};

}  // namespace sluice::detail
