#pragma once
// The one shape of Sluice's std::error_category implementations (codec,
// kafka, net, sasl, producer): a category is a name and a message per value,
// given by a traits type; the category class is this template. It lives in
// protocol/, the lowest layer, so every layer can use it; it needs nothing
// but the standard library.
#include <string>
#include <system_error>

namespace sluice::protocol {

// Traits: `static constexpr const char* name` and
// `static std::string message(int ev)` (a text for every value, known or not).
template <class Traits>
class ErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return Traits::name; }
  std::string message(int ev) const override { return Traits::message(ev); }
};

// The instance of the category of `Traits`. std::error_code compares
// categories by address, so each category must have exactly one: define
// `Traits` in the unnamed namespace of one .cpp and call this only from that
// file's non-inline xxx_category() (as net_category() in net_error.cpp does);
// everyone else goes through xxx_category(). Then the static below exists
// once, in one library, whether Sluice is linked statically or shared.
template <class Traits>
const std::error_category& error_category_instance() noexcept {
  static const ErrorCategory<Traits> category;
  return category;
}

}  // namespace sluice::protocol
