#include "command_line.hpp"

#include <boost/program_options.hpp>

namespace sluice::cli {
namespace {

namespace po = boost::program_options;

// Positional arguments go to this hidden option (no flag can be spelled so).
constexpr const char* kOperands = "sluice-cli operands";

std::string short_spelling(const FlagSpec& f) { return f.short_name ? std::string{'-', f.short_name} : std::string(); }
std::string long_spelling(const FlagSpec& f) { return f.long_name.empty() ? std::string() : "--" + f.long_name; }

// Program_options' key for a flag: the long name, or "-p" for a short-only one.
std::string key_of(const FlagSpec& f) { return f.long_name.empty() ? short_spelling(f) : f.long_name; }

const FlagSpec* find_by_key(const Grammar& g, std::string_view key) {
  for (const auto& f : g.flags) {
    if (key_of(f) == key) return &f;
  }
  return nullptr;
}

// The flag an error of Program_options names ("--bootstrap", or "--p" for
// -p, whatever the user typed).
const FlagSpec* find_by_error_name(const Grammar& g, std::string_view name) {
  while (name.starts_with('-')) name.remove_prefix(1);
  for (const auto& f : g.flags) {
    if (f.long_name == name || (f.short_name && name.size() == 1 && name[0] == f.short_name)) return &f;
  }
  return nullptr;
}

bool is_spelling_of(const FlagSpec& f, std::string_view token) {
  return (f.short_name && token == short_spelling(f)) || (!f.long_name.empty() && token == long_spelling(f));
}

// "-b" of "-bfoo", "--bootstrap" of "--bootstrap=x".
std::string spelling_of_token(std::string_view token) {
  if (token.starts_with("--")) return std::string(token.substr(0, token.find('=')));
  return std::string(token.substr(0, 2));
}

std::string see(const Grammar& g) { return " (see " + g.help_flag + ")"; }

// The flag as typed that lacks its value: the last bare spelling of it before
// "--" that ends argv or is followed by another flag.
std::string missing_value_spelling(const FlagSpec& f, int argc, const char* const* argv) {
  std::string found = f.short_name ? short_spelling(f) : long_spelling(f);
  for (int i = 1; i < argc; ++i) {
    const std::string_view token = argv[i];
    if (token == "--") break;
    if (!is_spelling_of(f, token)) continue;
    if (i + 1 == argc || (argv[i + 1][0] == '-' && argv[i + 1][1] != '\0')) found = std::string(token);
  }
  return found;
}

// A flag that takes no value given one: "--json=yes" (takes no value) or
// "-vq" (short flags are not bundled: an unknown option).
[[noreturn]] void throw_value_given(const Grammar& g, const FlagSpec& f, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view token = argv[i];
    if (token == "--") break;
    if (!f.long_name.empty() && token.starts_with(long_spelling(f) + "=")) {
      throw UsageError(long_spelling(f) + ": takes no value");
    }
    if (f.short_name && token.size() > 2 && token.starts_with(short_spelling(f))) {
      throw UsageError(g.unknown_flag + " '" + std::string(token) + "'" + see(g));
    }
  }
  throw UsageError((f.short_name ? short_spelling(f) : long_spelling(f)) + ": takes no value");
}

po::options_description describe(const Grammar& g) {
  po::options_description d;
  for (const auto& f : g.flags) {
    std::string name = f.long_name;
    if (f.short_name) name += std::string{',', f.short_name};
    if (f.takes_value) {
      d.add_options()(name.c_str(), po::value<std::string>());
    } else {
      d.add_options()(name.c_str(), "");
    }
  }
  d.add_options()(kOperands, po::value<std::vector<std::string>>());
  return d;
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv, const Grammar& grammar) {
  const po::options_description description = describe(grammar);
  po::positional_options_description positional;
  positional.add(kOperands, -1);
  namespace style = po::command_line_style;
  // Not allow_sticky (no bundling of short flags) nor allow_guessing (no
  // abbreviated long flags): what the hand-written parsers accepted.
  const int styles = style::allow_short | style::short_allow_adjacent | style::short_allow_next | style::allow_long |
                     style::long_allow_adjacent | style::long_allow_next | style::allow_dash_for_short;
  po::parsed_options parsed(&description);
  try {
    parsed = po::command_line_parser(argc, argv).options(description).positional(positional).style(styles).run();
  } catch (const po::unknown_option& e) {
    throw UsageError(grammar.unknown_flag + " '" + e.get_option_name() + "'" + see(grammar));
  } catch (const po::invalid_command_line_syntax& e) {
    const FlagSpec* f = find_by_error_name(grammar, e.get_option_name());
    if (f != nullptr && e.kind() == po::invalid_syntax::missing_parameter) {
      throw UsageError(missing_value_spelling(*f, argc, argv) + ": missing value");
    }
    if (f != nullptr && e.kind() == po::invalid_syntax::extra_parameter) throw_value_given(grammar, *f, argc, argv);
    throw UsageError(std::string(e.what()) + see(grammar));
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + see(grammar));
  }

  CommandLine out;
  for (const auto& option : parsed.options) {
    const std::string token = option.original_tokens.empty() ? std::string() : option.original_tokens.front();
    if (option.string_key == kOperands) {
      if (!grammar.operands) throw UsageError(grammar.bad_operand + " '" + token + "'" + see(grammar));
      out.operands.insert(out.operands.end(), option.value.begin(), option.value.end());
      continue;
    }
    const FlagSpec* f = find_by_key(grammar, option.string_key);
    if (f == nullptr) throw UsageError(grammar.unknown_flag + " '" + token + "'" + see(grammar));
    ParsedFlag flag{spelling_of_token(token), f->long_name.empty() ? std::string{f->short_name} : f->long_name,
                    std::nullopt};
    if (f->takes_value) flag.value = option.value.empty() ? std::string() : option.value.front();
    out.flags.push_back(std::move(flag));
  }
  return out;
}

}  // namespace sluice::cli
