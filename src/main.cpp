#include "cli/main.h"

int main(int argc, char** argv) { return parley::cli_main(argc, argv); }
