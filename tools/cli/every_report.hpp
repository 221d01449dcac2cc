#pragma once
// The tools (sluice-produce, sluice-bench, sluice-verify) count every
// record's report, the acknowledged ones too: with
// delivery.report.only.error=true an acknowledged record would call nobody
// and be counted as "without report". So they refuse the setting, with a
// line naming it and the remedy (as every other configuration error).
#include <optional>
#include <string>
#include <string_view>

namespace sluice::cli {

inline std::optional<std::string> refuse_report_filter(bool delivery_report_only_error, std::string_view tool) {
  if (!delivery_report_only_error) return std::nullopt;
  return "property 'delivery.report.only.error'=true: " + std::string(tool) +
         " counts every record's report, acknowledged ones too; leave it false for this tool";
}

}  // namespace sluice::cli
