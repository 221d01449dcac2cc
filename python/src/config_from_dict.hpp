#pragma once
// Producer properties from a Python dict: Kafka's property names exactly as
// in C++ (sluice::Config::set checks names and values).
#include <nanobind/nanobind.h>

#include "sluice/config.hpp"

namespace sluice::python {

// Keys must be str; values str, bool ("true"/"false"), int or float (their
// decimal form). Any problem raises sluice.ConfigError naming the property
// (a TypeError for a key that is not a str).
sluice::Config config_from_dict(nanobind::handle properties);

}  // namespace sluice::python
