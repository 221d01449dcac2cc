#pragma once
// Everything an application needs: #include <sluice/sluice.hpp>
#include "sluice/bulk.hpp"
#include "sluice/config.hpp"
#include "sluice/config_builder.hpp"
#include "sluice/errors.hpp"
#include "sluice/log.hpp"
#include "sluice/oauth.hpp"
#include "sluice/producer.hpp"
#include "sluice/record.hpp"
#include "sluice/security.hpp"
#include "sluice/serializer.hpp"
#include "sluice/version.hpp"
