# Fuzzing rules (see tests/fuzz/README); included by Makefile.am.
