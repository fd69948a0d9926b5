#!/bin/sh
# clang's static analyzer and cppcheck over all product code; any finding fails.
exec sh tests/static-analysis.sh
