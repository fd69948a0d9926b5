#!/bin/sh
# lib/base under ASan + UBSan.
set -e
make -s build/tests/base_test
exec build/tests/base_test
