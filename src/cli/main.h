// The `parley` command line: serve, migrate, config check, keys, version.
#pragma once

namespace parley {
int cli_main(int argc, char** argv);
}
