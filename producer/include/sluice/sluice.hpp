#pragma once
// Everything an application needs: #include <sluice/sluice.hpp>
#include "sluice/config.hpp"
#include "sluice/errors.hpp"
#include "sluice/producer.hpp"
#include "sluice/record.hpp"
