# MP_WARNING_FLAGS: turn on the compiler warnings the tree must build without.
AC_DEFUN([MP_WARNING_FLAGS], [
  WARN_CFLAGS=""
  for flag in -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
              -Wmissing-prototypes -Wpointer-arith -Wno-unused-parameter; do
    AX_MP_CHECK_CFLAG([$flag], [WARN_CFLAGS="$WARN_CFLAGS $flag"])
  done
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors])],
    [AS_IF([test "x$enableval" = xyes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])])
  AC_SUBST([WARN_CFLAGS])
])

# MP_SANITIZERS: --enable-sanitizers builds with ASan and UBSan.
AC_DEFUN([MP_SANITIZERS], [
  SAN_CFLAGS=""
  SAN_LDFLAGS=""
  # modules are checked for undefined symbols, except under the sanitizers,
  # whose runtime the executable brings
  EXT_NOUNDEF="-Wl,--no-undefined"
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers], [build with AddressSanitizer and UndefinedBehaviorSanitizer])],
    [AS_IF([test "x$enableval" = xyes], [
      SAN_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
      SAN_LDFLAGS="-fsanitize=address,undefined"
      EXT_NOUNDEF=""])])
  AC_SUBST([EXT_NOUNDEF])
  AC_SUBST([SAN_CFLAGS])
  AC_SUBST([SAN_LDFLAGS])
])

# AX_MP_CHECK_CFLAG(FLAG, ACTION-IF-OK)
AC_DEFUN([AX_MP_CHECK_CFLAG], [
  AC_MSG_CHECKING([whether $CC accepts $1])
  mp_save_CFLAGS="$CFLAGS"
  CFLAGS="$CFLAGS -Werror $1"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); $2], [AC_MSG_RESULT([no])])
  CFLAGS="$mp_save_CFLAGS"
])
