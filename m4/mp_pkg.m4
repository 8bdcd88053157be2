# MP_REQUIRE_PKG(VARIABLE, MODULES, DEBIAN-PACKAGE)
# Find MODULES through pkg-config; stop configure naming the Debian package
# to install when it is missing.
AC_DEFUN([MP_REQUIRE_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$2 not found through pkg-config ($$1_PKG_ERRORS).
On Debian/Ubuntu install it with: apt-get install $3])])
])
