// The record id header's text: written as p<producer>#<seq>, read back exactly.
#include "sim_record_id.hpp"

#include <catch2/catch.hpp>

using namespace sluice::sim;
using sluice::verify::RecordId;

TEST_CASE("record ids are written as p<producer>#<seq> and read back, anything else is no id") {
  CHECK(kRecordIdHeader == "sim-id");
  CHECK(record_id_text(RecordId{3, 17}) == "p3#17");
  CHECK(parse_record_id("p3#17") == RecordId{3, 17});
  CHECK(parse_record_id("p4294967295#18446744073709551615") == RecordId{4294967295u, 18446744073709551615u});
  for (const char* bad : {"", "p#1", "p1#", "q1#2", "p1#2x", "p-1#2", "p1-2", "p1#+2", "p1#-2", "p4294967296#1"}) {
    CHECK_FALSE(parse_record_id(bad));
  }
}
