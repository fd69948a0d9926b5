#!/bin/sh
# lib/base under ASan + UBSan.
set -e
. tests/lib.sh
suite_require clang
make -s build/tests/base_test
exec build/tests/base_test
