#pragma once
// How sluice-produce turns input bytes into records, with kcat's
// conventions: records end at the delimiter (-D, default newline), a key is
// split off at the first key delimiter (-K), headers are name=value (-H).
// Pure: no I/O, so every rule is unit-tested.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "command_line.hpp"  // cli::UsageError

namespace sluice::produce {

// A bad command line; one line naming the flag and what is accepted.
using UsageError = cli::UsageError;

// A delimiter as typed: \n \r \t \\ \0 and \xNN are escapes, everything
// else is literal ("\t" is a tab, ";;" two semicolons). Throws UsageError
// naming `flag` for a bad escape or an empty result.
std::string unescape_delimiter(std::string_view flag, std::string_view text);

// Cuts a byte stream into records at a delimiter of one or more bytes,
// also when a delimiter straddles two chunks. Bytes after the last
// delimiter are a record too (finish()); an empty input has no record.
class RecordSplitter {
 public:
  explicit RecordSplitter(std::string delimiter);

  // Calls on_record for each record completed by `chunk`; the view is valid
  // during the call only.
  void feed(std::string_view chunk, const std::function<void(std::string_view)>& on_record);
  // End of input: the unterminated rest, if there is any.
  std::optional<std::string> finish();

 private:
  std::string delimiter_;
  std::string pending_;
  std::size_t searched_ = 0;  // pending_[0, searched_) holds no delimiter start
};

struct KeyValue {
  std::optional<std::string_view> key;  // nullopt: null key (no -K, or no delimiter in the record)
  std::string_view value;
};

// Splits at the first occurrence of key_delimiter (empty: no key). Without
// it in the record, the whole record is the value and the key is null, as
// in kcat.
KeyValue split_key(std::string_view record, std::string_view key_delimiter);

// -H name=value; "name" alone is a header with a null value. Throws
// UsageError for an empty name.
std::pair<std::string, std::optional<std::string>> parse_header(std::string_view text);

}  // namespace sluice::produce
