#pragma once
// The rows of Producer.bulk(): any Python iterable, read front to back on
// the calling thread as an input range for sluice::bulk_send(), which runs
// without the GIL. The GIL is taken once per chunk of rows: each row of the
// chunk becomes a Record (its key, value, partition, headers and timestamp
// picked by Extractors) or the message of why it could not, and bulk_send()
// then sends the chunk without the GIL. An exception from the iterable
// itself (or a KeyboardInterrupt) ends the send; the caller raises it.
#include <nanobind/nanobind.h>

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "sluice/record.hpp"

namespace sluice::python {

// How one field of a record is taken from a row.
class Extractor {
 public:
  enum class Kind { none, row, item, call };
  // spec: None -> `when_none`; a callable -> spec(row); an int or a str ->
  // row[spec] (a tuple index, a dict key, a Spark Row's field name).
  static Extractor of(nanobind::handle spec, Kind when_none);
  // With the GIL; for Kind::none, an invalid object.
  nanobind::object apply(PyObject* row) const;
  bool present() const noexcept { return kind_ != Kind::none; }

 private:
  Kind kind_ = Kind::none;
  nanobind::object spec_;
};

struct RecordFields {
  Extractor key, value, partition, headers, timestamp;
};

// One row: the record to send, or why there is none.
struct RowItem {
  std::optional<Record> record;
  std::string error;
};

class RowSource {
 public:
  // With the GIL held (as are the destructor and restore_error()).
  RowSource(nanobind::handle iterable, std::string topic, RecordFields fields);
  ~RowSource();
  RowSource(const RowSource&) = delete;
  RowSource& operator=(const RowSource&) = delete;

  struct Sentinel {};
  class Iterator {
   public:
    using value_type = RowItem;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(RowSource* source) : source_(source) {}
    RowItem& operator*() const { return source_->chunk_[source_->pos_]; }
    Iterator& operator++() {
      source_->advance();
      return *this;
    }
    void operator++(int) { source_->advance(); }
    friend bool operator==(const Iterator& it, Sentinel) { return it.source_->at_end(); }

   private:
    RowSource* source_ = nullptr;
  };
  // Without the GIL (bulk_send's thread): they take it to read rows.
  Iterator begin();
  Sentinel end() const noexcept { return {}; }

  bool at_end() const noexcept { return pos_ >= chunk_.size(); }

  // Thrown through bulk_send() when the iterable raised or a signal came.
  struct Stopped {};
  // With the GIL, after Stopped: makes the Python exception pending again.
  void restore_error();

 private:
  void advance();
  void fill();  // takes the GIL; throws Stopped
  RowItem make_item(PyObject* row) const;

  nanobind::object iterator_;
  std::string topic_;
  RecordFields fields_;
  std::vector<RowItem> chunk_;
  std::size_t pos_ = 0;
  std::size_t index_ = 0;  // rows read so far
  bool exhausted_ = false;
  PyObject* error_type_ = nullptr;  // the exception that stopped the send (owned)
  PyObject* error_value_ = nullptr;
  PyObject* error_traceback_ = nullptr;
};

static_assert(std::input_iterator<RowSource::Iterator>);
static_assert(std::sentinel_for<RowSource::Sentinel, RowSource::Iterator>);

}  // namespace sluice::python
