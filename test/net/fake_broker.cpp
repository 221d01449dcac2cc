#include "fake_broker.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_writer.hpp"

namespace sluice::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

FakeBroker::FakeBroker(asio::io_context& io, int receive_buffer_bytes)
    : acceptor_(io), socket_(io), timer_(io) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  if (receive_buffer_bytes > 0) acceptor_.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes));
  acceptor_.bind(ep);
  acceptor_.listen();
}

net::BrokerAddress FakeBroker::address() const { return {"127.0.0.1", acceptor_.local_endpoint().port()}; }

bool FakeBroker::failed(const error_code& ec) {
  if (ec && !error_) error_ = ec;
  return static_cast<bool>(ec);
}

void FakeBroker::accept(Next next) {
  acceptor_.async_accept(socket_, [this, next = std::move(next)](error_code ec) {
    if (!failed(ec) && next) next();
  });
}

void FakeBroker::read_bytes(std::size_t n, Next next) {
  in_.resize(n);
  asio::async_read(socket_, asio::buffer(in_), [this, next = std::move(next)](error_code ec, std::size_t got) {
    received_ += got;
    if (!failed(ec) && next) next();
  });
}

void FakeBroker::read_request(std::function<void(FakeRequest)> next) {
  read_bytes(4, [this, next = std::move(next)]() mutable {
    std::size_t size = std::size_t{in_[0]} << 24 | std::size_t{in_[1]} << 16 | std::size_t{in_[2]} << 8 | in_[3];
    read_bytes(size, [this, next = std::move(next)] {
      FakeRequest r;
      r.frame = in_;
      if (in_.size() >= 8) {
        r.api_key = static_cast<std::int16_t>(in_[0] << 8 | in_[1]);
        r.api_version = static_cast<std::int16_t>(in_[2] << 8 | in_[3]);
        r.correlation_id = static_cast<std::int32_t>(std::uint32_t{in_[4]} << 24 | std::uint32_t{in_[5]} << 16 |
                                                     std::uint32_t{in_[6]} << 8 | std::uint32_t{in_[7]});
      }
      next(std::move(r));
    });
  });
}

void FakeBroker::read_requests(std::size_t n, std::function<void(std::vector<FakeRequest>)> next) {
  auto got = std::make_shared<std::vector<FakeRequest>>();
  auto step = std::make_shared<std::function<void()>>();
  *step = [this, n, got, step_weak = std::weak_ptr(step), next = std::move(next)] {
    if (got->size() == n) {
      next(std::move(*got));
      return;
    }
    read_request([got, step = step_weak.lock()](FakeRequest r) {
      got->push_back(std::move(r));
      (*step)();
    });
  };
  (*step)();
}

void FakeBroker::handshake(Next next) {
  accept([this, next = std::move(next)]() mutable {
    read_request([this, next = std::move(next)](FakeRequest r) mutable {
      if (r.api_key != static_cast<std::int16_t>(protocol::ApiKey::ApiVersions)) {
        close();  // not what a client sends first: let the test see it fail
        return;
      }
      write(response(r, api_versions_body(r.api_version)), std::move(next));
    });
  });
}

void FakeBroker::write(Bytes bytes, Next next) {
  auto data = std::make_shared<Bytes>(std::move(bytes));
  asio::async_write(socket_, asio::buffer(*data), [this, data, next = std::move(next)](error_code ec, std::size_t) {
    if (!failed(ec) && next) next();
  });
}

void FakeBroker::trickle(Bytes bytes, std::chrono::milliseconds gap, Next next) {
  if (bytes.empty()) {
    if (next) next();
    return;
  }
  Bytes first{bytes.front()};
  Bytes rest(bytes.begin() + 1, bytes.end());
  write(std::move(first), [this, rest = std::move(rest), gap, next = std::move(next)]() mutable {
    if (rest.empty()) {
      if (next) next();
      return;
    }
    timer_.expires_after(gap);
    timer_.async_wait([this, rest = std::move(rest), gap, next = std::move(next)](error_code ec) mutable {
      if (!failed(ec)) trickle(std::move(rest), gap, std::move(next));
    });
  });
}

void FakeBroker::close() {
  error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
  acceptor_.close(ignored);
}

void FakeBroker::shutdown_send() {
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  failed(ec);
}

void FakeBroker::reset() {
  error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  close();
}

void FakeBroker::write_and_reset(Bytes bytes) {
  error_code ec;
  asio::write(socket_, asio::buffer(bytes), ec);
  if (failed(ec)) return;
  reset();
}

Bytes FakeBroker::response(const FakeRequest& to, std::span<const std::uint8_t> body) {
  Bytes out;
  protocol::BufferWriter w(out);
  std::size_t size_at = w.reserve(4);
  w.int32(to.correlation_id);
  if (protocol::response_header_version(static_cast<protocol::ApiKey>(to.api_key), to.api_version) >= 1) {
    w.empty_tagged_fields();
  }
  w.raw(body);
  w.patch_int32(size_at, static_cast<std::int32_t>(out.size() - 4));
  return out;
}

Bytes FakeBroker::api_versions_body(std::int16_t version) {
  static const std::vector<ApiRange> ranges = {{static_cast<std::int16_t>(protocol::ApiKey::Produce), 3, 13},
                                               {static_cast<std::int16_t>(protocol::ApiKey::Metadata), 0, 13},
                                               {static_cast<std::int16_t>(protocol::ApiKey::ApiVersions), 0, 4},
                                               {static_cast<std::int16_t>(protocol::ApiKey::InitProducerId), 0, 5}};
  return api_versions_body(version, 0, ranges);
}

// error_code, api_keys (int32 count, or a compact array's from v3), each
// with tags from v3, throttle_time_ms (v1+), tags (v3+).
Bytes FakeBroker::api_versions_body(std::int16_t version, std::int16_t error, const std::vector<ApiRange>& ranges) {
  const bool flex = version >= 3;
  Bytes out;
  protocol::BufferWriter w(out);
  w.int16(error);
  w.array_length(ranges.size(), flex);
  for (const auto& r : ranges) {
    w.int16(r.key);
    w.int16(r.min);
    w.int16(r.max);
    if (flex) w.empty_tagged_fields();
  }
  if (version >= 1) w.int32(0);
  if (flex) w.empty_tagged_fields();
  return out;
}

}  // namespace sluice::test
