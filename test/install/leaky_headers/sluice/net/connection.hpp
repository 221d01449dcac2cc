#pragma once
// Negative-control fixture: a header below sluice/ (here sluice/net/) is
// not public; check_public_headers.cmake must report it.
